// Bench for issue 28 (how much text a tokenizer was trained on): trains tokenizers on known
// amounts of mixture text (no sequence repeated), both trainers, caches each run, then scores
// `inferTrainingSize` against the truth. Usage (after `npx tsc`):
//   node dist/bench/training-size.js train [sizesMB=0.4,1.2,4,12,40] [seeds=5] [merges=29000]
//   node dist/bench/training-size.js score [modes=true,estimated,uniform] [prefixes=3000]
import { mkdirSync, writeFileSync, rmSync, renameSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { resolveCategories } from '../src/corpus/resolve.js';
import { countCategories } from '../src/count/count.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import { trainBpeRun } from '../src/bpe/train.js';
import { trainNativeRun } from '../src/bpe/native-train.js';
import { replayCategories } from '../src/bpe/replay-categories.js';
import {
  inferTrainingSize,
  mergeRates,
  tieBreakDescents,
  tieRegimeStart,
} from '../src/solve/training-size.js';
import { estimateMixture } from '../src/solve/estimate-mixture.js';
import type { Merge } from '../src/tokenizer/spec.js';
import { Cache } from '../src/common/cache.js';
import {
  splitCategories,
  drawShares,
  writeTrainingText,
  readJson,
  type SplitCategory,
} from './size-corpus.js';

export interface SizeTrial {
  id: string;
  trainer: 'tokmix' | 'native';
  total: number;
  seed: number;
  shares: Record<string, number>;
  bytes: Record<string, number>;
  trueBytes: number;
  mergeList: Merge[];
  /** Our trainer's count per merge (absent for native runs). */
  mergeCounts?: number[];
  trainSeconds: number;
}

export const CACHE = process.env.TOKMIX_CACHE ?? '/tmp/tokmix-size-cache';
export const WORK = join(CACHE, 'size-bench');
export const TEXT = preTokenizerPreset('gpt2');

export async function loadSplit(): Promise<SplitCategory[]> {
  const categories = await resolveCategories('default', { cacheDir: CACHE });
  const split = await splitCategories(categories, WORK);
  // Categories with at least 300 KB: the UDHR-only languages are too small to split.
  return split.filter((c) => c.poolBytes + c.heldOutBytes >= 300_000);
}

function trialId(trainer: string, total: number, seed: number, merges: number): string {
  return `${trainer}-${Math.round(total)}-s${seed}-m${merges}`;
}

async function trainTrial(
  split: SplitCategory[],
  trainer: 'tokmix' | 'native',
  total: number,
  seed: number,
  merges: number,
): Promise<SizeTrial | undefined> {
  const id = trialId(trainer, total, seed, merges);
  const path = join(WORK, 'trials', `${id}.json`);
  const cached = readJson<SizeTrial>(path);
  if (cached) return cached;
  const shares = drawShares(split, total, seed);
  if (!shares) return undefined;
  const file = join(WORK, `train-${process.pid}.txt`);
  const bytes = await writeTrainingText(split, shares, total, seed, file);
  const start = process.hrtime.bigint();
  let mergeList: Merge[];
  let mergeCounts: number[] | undefined;
  try {
    if (trainer === 'native') {
      mergeList = (await trainNativeRun([file], TEXT, merges)).mergeList;
    } else {
      const counts = await countCategories([{ name: 'mixture', kind: 'other', files: [file] }], TEXT, {
        jobs: Math.min(2, availableParallelism()),
      });
      const run = trainBpeRun(counts, merges);
      mergeList = run.mergeList;
      mergeCounts = run.mergeCounts;
    }
  } finally {
    rmSync(file, { force: true });
  }
  const trainSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const trueBytes = Object.values(bytes).reduce((a, b) => a + b, 0);
  const trial: SizeTrial = {
    id,
    trainer,
    total,
    seed,
    shares,
    bytes,
    trueBytes,
    mergeList,
    mergeCounts,
    trainSeconds,
  };
  mkdirSync(join(WORK, 'trials'), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(trial));
  renameSync(`${path}.tmp`, path);
  return trial;
}

export async function trainAll(sizes: number[], seeds: number, merges: number): Promise<SizeTrial[]> {
  const split = await loadSplit();
  const trials: SizeTrial[] = [];
  for (const total of sizes) {
    for (let seed = 1; seed <= seeds; seed++) {
      // Both trainers: native on even seeds, ours on odd ones (merge-identical; ours keeps counts).
      const trainer = seed % 2 === 0 ? 'native' : 'tokmix';
      const trial = await trainTrial(split, trainer, total, seed, merges);
      if (!trial) {
        console.error(`skip ${total} B seed ${seed}: the pools cannot hold it`);
        continue;
      }
      console.error(
        `${trial.id}: ${(trial.trueBytes / 1e6).toFixed(2)} MB, ${trial.mergeList.length} merges, ${trial.trainSeconds.toFixed(1)} s`,
      );
      trials.push(trial);
    }
  }
  return trials;
}

export { Cache };

const [mode, ...args] = process.argv.slice(2);
if (mode === 'train') {
  const sizes = (args[0] ?? '0.4,1.2,4,12,40').split(',').map((s) => Number(s) * 1e6);
  await trainAll(sizes, Number(args[1] ?? 5), Number(args[2] ?? 29000));
}

/** Held-out samples counted and replayed over a trial's whole merge list, as infer would. */
async function trialTranscripts(split: SplitCategory[], trial: SizeTrial) {
  const cache = new Cache(CACHE);
  const categories = split.map((c) => ({ name: c.name, kind: 'other' as const, files: [c.heldOutFile] }));
  const counts = await countCategories(categories, TEXT, { cache, jobs: 1 });
  const spec = { alphabet: 'byte-level' as const, mergeList: trial.mergeList };
  const transcripts = await replayCategories(counts, spec, trial.mergeList.length, { cache });
  return { counts, spec, transcripts, cache };
}

type SharesMode = 'true' | 'estimated' | 'uniform';

/** Byte shares over `split` for the rates: the truth, infer's estimate (the paper's LP on 1,000 merges), or uniform. */
async function sharesFor(
  mode: SharesMode,
  split: SplitCategory[],
  trial: SizeTrial,
  data: Awaited<ReturnType<typeof trialTranscripts>>,
): Promise<number[]> {
  if (mode === 'true') return split.map((c) => (trial.bytes[c.name] ?? 0) / trial.trueBytes);
  if (mode === 'uniform') return split.map(() => 1 / split.length);
  const { estimate } = await estimateMixture(data.counts, data.spec, 1000, {
    cache: data.cache,
    uncertainty: false,
  });
  return estimate.byteShare;
}

export async function scoreAll(modes: SharesMode[], prefixes: number[]): Promise<void> {
  const split = await loadSplit();
  const dir = join(WORK, 'trials');
  const tallies: Record<
    string,
    {
      trials: number;
      estimates: number;
      withinTwo: number;
      covered: number;
      bounds: number;
      boundAbove: number;
    }
  > = {};
  const header = [
    'trial',
    'trainer',
    'merges',
    'true MB',
    'shares',
    'status',
    'MB (estimate or bound)',
    'interval MB',
    'ratio',
    'tie regime from',
    'descents',
    'n_end',
  ];
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort(bySize)) {
    const trial = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SizeTrial;
    const data = await trialTranscripts(split, trial);
    for (const mode of modes) {
      const shares = await sharesFor(mode, split, trial, data);
      const rates = mergeRates(data.transcripts, shares, trial.mergeList.length);
      for (const prefix of [trial.mergeList.length, ...prefixes.filter((p) => p < trial.mergeList.length)]) {
        const result = inferTrainingSize({
          mergeList: trial.mergeList.slice(0, prefix),
          family: { family: 'hf-tokenizers', reason: 'trained here' },
          rates: rates.subarray(0, prefix),
        });
        const claimed = result.status === 'estimate' ? result.bytes! : result.lowerBound;
        const row = [
          trial.id,
          trial.trainer,
          String(prefix),
          (trial.trueBytes / 1e6).toFixed(2),
          mode,
          result.status,
          claimed === undefined ? '-' : (claimed / 1e6).toFixed(2),
          result.interval ? result.interval.map((v) => (v / 1e6).toFixed(2)).join('–') : '-',
          claimed === undefined ? '-' : (claimed / trial.trueBytes).toFixed(2),
          String(result.steps?.tieRegimeStart ?? '-'),
          String(result.descents ?? '-'),
          result.lastCount === undefined ? '-' : result.lastCount.toFixed(1),
        ];
        console.log(`| ${row.join(' | ')} |`);
        const key = `${mode}, ${prefix === trial.mergeList.length ? 'whole list' : `first ${prefix}`}`;
        const tally = (tallies[key] ??= {
          trials: 0,
          estimates: 0,
          withinTwo: 0,
          covered: 0,
          bounds: 0,
          boundAbove: 0,
        });
        tally.trials++;
        const ratio = claimed === undefined ? NaN : claimed / trial.trueBytes;
        if (result.status === 'estimate') {
          tally.estimates++;
          if (ratio >= 0.5 && ratio <= 2) tally.withinTwo++;
          if (result.interval![0] <= trial.trueBytes && trial.trueBytes <= result.interval![1])
            tally.covered++;
        } else if (result.status === 'lower-bound') {
          tally.bounds++;
          if (ratio > 1) tally.boundAbove++;
        }
      }
    }
  }
  console.log(
    '\n| shares, merges | trials | estimates | within 2x | interval holds the truth | lower bounds | bounds above the truth |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [key, t] of Object.entries(tallies)) {
    console.log(
      `| ${key} | ${t.trials} | ${t.estimates} | ${t.withinTwo} | ${t.covered} | ${t.bounds} | ${t.boundAbove} |`,
    );
  }
}

/** Trial files by size, then name. */
function bySize(a: string, b: string): number {
  const size = (f: string): number => Number(f.split('-')[1]);
  return size(a) - size(b) || a.localeCompare(b);
}

if (mode === 'score') {
  const modes = (args[0] ?? 'true,estimated').split(',') as SharesMode[];
  await scoreAll(modes, (args[1] ?? '').split(',').filter(Boolean).map(Number));
}

/**
 * What the inference assumes, checked on our trainer's true counts: a descent of tie-break order
 * between equal counts (should never happen), and in the tie regime how many count drops the
 * descents show.
 */
export function study(): void {
  const dir = join(WORK, 'trials');
  console.log(
    '| trial | merges | n first..last | descents at equal counts | ascents at count drops (whole list) | tie regime from | count drop after it | descents after it |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const file of readdirSync(dir)
    .filter((f) => f.startsWith('tokmix'))
    .sort(bySize)) {
    const trial = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SizeTrial;
    const n = trial.mergeCounts!;
    const descents = tieBreakDescents(trial.mergeList);
    let descentsAtTies = 0;
    let ascentsAtDrops = 0;
    for (let t = 0; t < descents.length; t++) {
      if (n[t] === n[t + 1] && descents[t]) descentsAtTies++;
      if (n[t] !== n[t + 1] && !descents[t]) ascentsAtDrops++;
    }
    const T = trial.mergeList.length;
    const regime = tieRegimeStart(descents, 0, T);
    let after = 0;
    if (regime !== undefined) for (let t = regime; t < T - 1; t++) after += descents[t];
    console.log(
      `| ${trial.id} | ${T} | ${n[0]}..${n[T - 1]} | ${descentsAtTies} | ${ascentsAtDrops} | ${regime ?? '-'} | ${regime === undefined ? '-' : n[regime] - n[T - 1]} | ${regime === undefined ? '-' : after} |`,
    );
  }
}

if (mode === 'study') study();
