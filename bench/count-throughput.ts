// Counting throughput on one large category (issue 24): CPU% of the whole process (main thread and
// workers), the main thread's own busy share, and MB/s per core (bytes over process CPU seconds),
// for each counting path on the same file in one run, plus the pre-tokenizer alone in this thread
// over the first MB (what the regex scan allows one core).
// Paths: `new` (this build), `main-merge` (this build, merging on the main thread as before), and
// `base` (countCategories of another build, e.g. the commit this branch started from, given by --base).
// Usage: node dist/bench/count-throughput.js [--size 200MB] [--jobs 2] [--preset gpt2]
//        [--paths base,new] [--base /tmp/counting-base/dist]
import { parseArgs } from 'node:util';
import { mkdirSync, openSync, readSync, closeSync, rmSync, existsSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { execSync } from 'node:child_process';
import { countCategories } from '../src/count/index.js';
import { parseByteSize } from '../src/cli/byte-size.js';
import { preTokenizerPreset, type PreTokenizerPreset } from '../src/tokenizer/presets.js';
import { createPipeline } from '../src/tokenizer/pipeline.js';
import { benchCorpus } from './train-corpus.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '200MB' },
    jobs: { type: 'string', default: '2' },
    preset: { type: 'string', default: 'gpt2' },
    paths: { type: 'string', default: 'base,new' },
    base: { type: 'string' },
  },
});
const size = parseByteSize(values.size!);
const jobs = Number(values.jobs);
const text = preTokenizerPreset(values.preset as PreTokenizerPreset);

/** The bench corpus repeated to `size` bytes, in a category folder of its own. */
async function category(): Promise<string> {
  const dir = join(tmpdir(), 'tokmix-bench', `throughput-${size}`);
  const file = join(dir, 'big', 'big.txt');
  if (!existsSync(file)) {
    mkdirSync(join(dir, 'big'), { recursive: true });
    const corpus = await benchCorpus(50e6);
    const out = createWriteStream(file);
    let written = 0;
    while (written < size) {
      const chunk = Buffer.alloc(Math.min(1 << 24, size - written));
      const fd = openSync(corpus, 'r');
      const got = readSync(fd, chunk, 0, chunk.length, written % 40e6);
      closeSync(fd);
      if (!out.write(chunk.subarray(0, got))) await new Promise<void>((r) => out.once('drain', () => r()));
      written += got;
    }
    out.end();
    await new Promise<void>((r) => out.on('finish', () => r()));
  }
  return dir;
}

const dir = await category();
const spec = { name: 'big', kind: 'domain' as const, files: [join(dir, 'big', 'big.txt')] };
console.log(`load: ${execSync('uptime').toString().trim()}`);

// What one core's pre-tokenizer does alone: the first MB, in this thread.
{
  const fd = openSync(spec.files[0], 'r');
  const head = Buffer.alloc(1 << 20);
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const lines = head.toString('utf8').split('\n');
  const pipeline = createPipeline({
    alphabet: text.alphabet,
    normalizer: text.normalizer ?? null,
    preTokenizer: text.preTokenizer ?? null,
  });
  for (const line of lines.slice(0, 2000)) pipeline.preTokenize(pipeline.normalize(line));
  const start = performance.now();
  for (let round = 0; round < 3; round++)
    for (const line of lines) pipeline.preTokenize(pipeline.normalize(line));
  const seconds = (performance.now() - start) / 1000;
  console.log(`pre-tokenizer alone, 1 thread: ${((3 * head.length) / 1e6 / seconds).toFixed(1)} MB/s`);
}

const rows: Record<string, unknown>[] = [];
for (const path of values.paths!.split(',')) {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  const count =
    path === 'base'
      ? ((await import(join(values.base ?? '', 'src/count/index.js')))
          .countCategories as typeof countCategories)
      : countCategories;
  const [result] = await count([spec], text, { jobs, mergeOnMainThread: path === 'main-merge' });
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const main = performance.eventLoopUtilization(elu);
  const mb = result.stats.bytes / 1e6;
  const row = {
    path,
    MB: +mb.toFixed(1),
    seconds: +wall.toFixed(1),
    cpuPercent: Math.round((100 * cpuSeconds) / wall),
    mainThreadBusyPercent: Math.round(100 * main.utilization),
    MBpsPerCore: +(mb / cpuSeconds).toFixed(2),
    MBpsWall: +(mb / wall).toFixed(2),
    distinctPreTokens: result.stats.distinctPreTokens,
    preTokens: result.stats.preTokens,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log(`load: ${execSync('uptime').toString().trim()}`);
if (process.argv.includes('--clean')) rmSync(dir, { recursive: true, force: true });
