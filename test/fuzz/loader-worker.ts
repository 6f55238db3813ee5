// The fuzz suite's worker thread: loads one mutated input per message (a tokenizer file, or a
// category reference counted on a tiny sample) and reports a result, a UserError or a crash.
// It runs apart from the test so a hang (a hostile regex) can be ended by terminating the thread.
import { parentPort } from 'node:worker_threads';
import { isUserError } from '../../src/common/errors.js';
import { Cache } from '../../src/common/cache.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { createPipeline } from '../../src/tokenizer/pipeline.js';
import { preTokenizerPreset } from '../../src/tokenizer/presets.js';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { countCategories } from '../../src/count/count.js';
import { readCheckpointFile } from '../../src/solve/checkpoint.js';

export type FuzzJob =
  | { type: 'tokenizer'; ref: string }
  | { type: 'categories'; ref: string; cacheDir: string; bytes?: number }
  | { type: 'checkpoint'; ref: string };

export type FuzzOutcome =
  | { outcome: 'result'; summary: string }
  | { outcome: 'user-error'; message: string }
  | { outcome: 'crash'; error: string };

/** Text a loaded pipeline pre-tokenizes: several scripts, odd whitespace, and long runs that make
 *  a backtracking regex show itself. */
const SAMPLE = [
  "Hello world! It's a test, isn't it? They'll say 'we've' won.",
  '   leading and trailing   \r\n\ttabs\u00a0nbsp\u2003em',
  'Ünïcödé façade — ΑΒΓ αβγ; Привет, мир! 日本語のテキスト。한국어 문장.',
  'مرحبا ١٢٣ — עברית; हिन्दी १२३; numbers 1234567890 3.14159',
  'const f = (x) => { return x ** 2; }; emoji 👍🏽 👨‍👩‍👧',
  'a'.repeat(40) + '!' + ' '.repeat(40) + 'x' + '1'.repeat(40) + '\u2581'.repeat(20),
].join('\n');

async function run(job: FuzzJob): Promise<string> {
  if (job.type === 'tokenizer') {
    const spec = await loadTokenizer(job.ref);
    if (!Array.isArray(spec.mergeList) || spec.mergeList.length === 0) throw new Error('empty merge list');
    const pipeline = createPipeline(spec);
    const pieces = pipeline.preTokenize(pipeline.normalize(SAMPLE));
    return `${spec.format} ${spec.alphabet} ${spec.mergeList.length} merges, ${pieces.length} pre-tokens`;
  }
  if (job.type === 'checkpoint') {
    const checkpoint = readCheckpointFile(job.ref);
    const sum = checkpoint.alpha.reduce((a, b) => a + b, 0);
    if (!(Math.abs(sum - 1) <= 1e-6) || !(checkpoint.lower <= checkpoint.upper * (1 + 1e-9) + 1e-9)) {
      throw new Error(
        `a checkpoint accepted with shares summing to ${sum}, bounds ${checkpoint.lower}..${checkpoint.upper}`,
      );
    }
    return `${checkpoint.rows.length} rows`;
  }
  const categories = await resolveCategories(job.ref, { cacheDir: job.cacheDir });
  const counts = await countCategories(categories, preTokenizerPreset('gpt2'), {
    jobs: 1,
    bytes: job.bytes,
    cache: new Cache(job.cacheDir),
  });
  for (const c of counts) {
    for (const n of c.counts) if (!(n > 0 && Number.isFinite(n))) throw new Error(`bad count ${n}`);
  }
  return `${counts.length} categories, ${counts.map((c) => c.words.length).join('+')} words`;
}

parentPort!.on('message', (job: FuzzJob) => {
  run(job).then(
    (summary) => parentPort!.postMessage({ outcome: 'result', summary } satisfies FuzzOutcome),
    (error: unknown) =>
      parentPort!.postMessage(
        (isUserError(error)
          ? { outcome: 'user-error', message: error.message }
          : {
              outcome: 'crash',
              error: error instanceof Error ? (error.stack ?? String(error)) : String(error),
            }) satisfies FuzzOutcome,
      ),
  );
});
parentPort!.postMessage('ready');
