// Replay memory per distinct pre-token (issue 24): one category of the bench corpus counted once per
// tokenizer, then replayed over the tokenizer's first T merges by this build (`new`) and by another
// build (`base`, e.g. the commit the branch started from, given by --base), in one process on the
// same counts. Per build and T it reports:
// - bytes per distinct pre-token retained by replay: JS heap + array buffers over the level before
//   the replay, after a forced GC at about every 5% of the steps (the first sample, after step 0,
//   is the word store as loaded; the largest is the peak); the transcript's own arrays grow in it too;
// - replay seconds (separate runs without forced GC, builds alternated; medians and their ratio new/base);
// - the transcript: changes and encoded bytes, and whether new's encoding equals base's byte for byte.
// Usage: node --expose-gc dist/bench/replay-memory.js --base /tmp/replaymem-base/dist [--size 50MB]
//        [--tokenizers gpt2,gpt-4o] [--merges 1000,30000] [--rounds 2]
// (or npm run bench -- replay-memory --base …).
import { parseArgs } from 'node:util';
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { countCategories } from '../src/count/index.js';
import { parseByteSize } from '../src/cli/byte-size.js';
import { loadTokenizer } from '../src/tokenizer/load.js';
import { Cache } from '../src/common/cache.js';
import type { WordCounts } from '../src/corpus/types.js';
import * as ours from '../src/bpe/index.js';
import { benchCorpus } from './train-corpus.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '50MB' },
    tokenizers: { type: 'string', default: 'gpt2,gpt-4o' },
    merges: { type: 'string', default: '1000,30000' },
    rounds: { type: 'string', default: '2' },
    base: { type: 'string' },
  },
});
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
// Array buffers freed by a GC are otherwise swept in the background, after memoryUsage() reads them.
setFlagsFromString('--no-concurrent-array-buffer-sweeping');
if (!values.base) throw new Error('--base <dist of another build> is required');
const size = parseByteSize(values.size!);
const rounds = Number(values.rounds);
const base = (await import(join(values.base, 'src/bpe/index.js'))) as typeof ours;
const builds: [string, typeof ours][] = [
  ['base', base],
  ['new', ours],
];
const cache = new Cache();
const uptime = (): string => execSync('uptime').toString().trim();
const retained = (): number => {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** Retained bytes after step 0 and at the peak of the checkpoints, over the level before replay. */
function memoryRun(bpe: typeof ours, counts: WordCounts, spec: ours.ReplaySpec, steps: number) {
  let transcript: ours.Transcript | undefined;
  const before = retained();
  let loaded = -1;
  let peak = 0;
  let next = 0;
  transcript = bpe.replay(counts, spec, steps, {
    onProgress: (event) => {
      if (event.done < next && event.done < steps) return;
      next = event.done + Math.max(1, Math.floor(steps / 20));
      const now = retained() - before;
      if (loaded < 0) loaded = now;
      peak = Math.max(peak, now);
    },
  });
  const encoded = Buffer.from(bpe.encodeTranscript(transcript));
  transcript = undefined;
  return { loaded, peak, encoded };
}

function timedRun(bpe: typeof ours, counts: WordCounts, spec: ours.ReplaySpec, steps: number): number {
  const start = performance.now();
  bpe.replay(counts, spec, steps);
  return (performance.now() - start) / 1000;
}

console.log(`load: ${uptime()}`);
const corpus = await benchCorpus(size);
for (const name of values.tokenizers!.split(',')) {
  const tokenizer = await loadTokenizer(name, { cache });
  const [counts] = await countCategories([{ name: 'bench', kind: 'other', files: [corpus] }], tokenizer, {
    jobs: 2,
    cache,
  });
  const distinct = counts.stats.distinctPreTokens;
  for (const steps of values.merges!.split(',').map(Number)) {
    const row: Record<string, unknown> = {
      tokenizer: name,
      MB: +(counts.stats.bytes / 1e6).toFixed(1),
      distinctPreTokens: distinct,
      steps,
    };
    const encodings: Buffer[] = [];
    for (const [label, bpe] of builds) {
      const { loaded, peak, encoded } = memoryRun(bpe, counts, tokenizer, steps);
      row[`${label}BytesPerWordLoaded`] = Math.round(loaded / distinct);
      row[`${label}BytesPerWordPeak`] = Math.round(peak / distinct);
      encodings.push(encoded);
    }
    const seconds = new Map<string, number[]>(builds.map(([label]) => [label, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const [label, bpe] of order) {
        gc();
        seconds.get(label)!.push(timedRun(bpe, counts, tokenizer, steps));
      }
    }
    // Medians: one round slowed by another process's burst does not decide the ratio.
    const median = (label: string): number => {
      const sorted = [...seconds.get(label)!].sort((a, b) => a - b);
      return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
    };
    for (const [label] of builds) {
      row[`${label}Seconds`] = +median(label).toFixed(2);
      row[`${label}Rounds`] = seconds.get(label)!.map((s) => +s.toFixed(2));
    }
    row.secondsRatio = +(median('new') / median('base')).toFixed(3);
    row.peakRatio = +((row.newBytesPerWordPeak as number) / (row.baseBytesPerWordPeak as number)).toFixed(3);
    row.changes = ours.decodeTranscript(encodings[1]).changePair.length;
    row.transcriptBytes = encodings[1].byteLength;
    row.transcriptsIdentical = encodings[0].equals(encodings[1]);
    console.log(JSON.stringify(row));
  }
}
console.log(`load: ${uptime()}`);
