// bootstrapMixture: percentile intervals for the shares. Each replicate resamples every category's
// blocks (block counts, no re-reading), replays and re-solves warm-started from the point
// estimate's rows, on worker threads; the point estimate stays the full sample's optimum.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError, isUserError } from '../common/errors.js';
import type { Deadline } from '../common/deadline.js';
import type { ProgressCallback } from '../common/progress.js';
import type { BlockedWordCounts } from '../count/block-counts.js';
import type { ReplaySpec } from '../bpe/replay.js';
import type { Transcript } from '../bpe/types.js';
import type { WarmRow } from '../solve/lazy-lp.js';
import type { SolveMixtureOptions } from '../solve/solve-mixture.js';
import type { SolverBackend } from '../solve/types.js';
import {
  checkResamplable,
  runReplicate,
  solveWarm,
  type ReplicateInput,
  type ReplicateResult,
} from './replicate.js';
import type { ReplicateWorkerMessage } from './replicate-worker.js';

/** Default interval level. */
export const DEFAULT_CI_LEVEL = 0.9;

export interface BootstrapOptions {
  replicates: number;
  /** Interval level in (0, 1) (default DEFAULT_CI_LEVEL). */
  level?: number;
  seed?: number;
  /** Worker threads (default: the cores; 1 runs in this thread). */
  jobs?: number;
  firstStep?: number;
  /** The point estimate's normalization (SolveMixtureOptions.normalizeAt). */
  normalizeAt?: SolveMixtureOptions['normalizeAt'];
  /** The point estimate's noise-aware rows (SolveMixtureOptions.noiseZ). */
  noiseZ?: number;
  /** Steps applied but not attacked (hand-added merges), as in the point estimate. */
  excludedSteps?: Uint8Array;
  backend?: SolverBackend;
  onProgress?: ProgressCallback;
  deadline?: Deadline;
}

export interface BootstrapIntervals {
  replicates: number;
  level: number;
  /** Percentile intervals, widened where needed to hold the point estimate. */
  method: 'percentile';
  seconds: number;
  byteShareCI: [number, number][];
  pairShareCI: [number, number][];
  /** Per replicate, per category: the byte shares (group intervals in charts sum these). */
  byteShareReplicates: number[][];
}

/** Bad --bootstrap / --ci values end as one-line user errors. */
export function checkBootstrapOptions(replicates: number | undefined, level: number | undefined): void {
  if (replicates !== undefined && (!Number.isInteger(replicates) || replicates < 1)) {
    throw new UserError(
      `--bootstrap ${replicates}: expected a positive whole number of replicates, e.g. --bootstrap 20`,
      '--bootstrap',
    );
  }
  if (level !== undefined && !(Number.isFinite(level) && level > 0 && level < 1)) {
    throw new UserError(`--ci ${level}: expected a level between 0 and 1, e.g. --ci 0.9`, '--ci');
  }
}

/** The q-quantile of sorted values (linear interpolation between order statistics). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 1) return sorted[0];
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

/** Per category, the central `level` interval of the replicates, widened to hold `point`. */
export function percentileIntervals(
  replicates: readonly (readonly number[])[],
  point: readonly number[],
  level: number,
): [number, number][] {
  return point.map((p, i) => {
    const values = replicates.map((r) => r[i]).sort((a, b) => a - b);
    const lo = quantile(values, (1 - level) / 2);
    const hi = quantile(values, 1 - (1 - level) / 2);
    return [Math.min(lo, p), Math.max(hi, p)];
  });
}

export async function bootstrapMixture(
  counts: BlockedWordCounts[],
  spec: ReplaySpec,
  steps: number,
  point: { pairShare: number[]; byteShare: number[]; rows: WarmRow[] },
  options: BootstrapOptions,
): Promise<BootstrapIntervals> {
  const level = options.level ?? DEFAULT_CI_LEVEL;
  checkBootstrapOptions(options.replicates, level);
  const started = performance.now();
  const input: ReplicateInput = {
    categories: counts.map((c) => {
      checkResamplable(c.category.name, c.blocks);
      return { name: c.category.name, words: c.words, blocks: c.blocks };
    }),
    // Only the merges replayed cross to the workers.
    spec: { alphabet: spec.alphabet, mergeList: spec.mergeList.slice(0, steps) },
    steps,
    firstStep: options.firstStep ?? 0,
    normalizeAt: options.normalizeAt,
    excludedSteps: options.excludedSteps,
    backend: options.backend ?? 'highs',
    noiseZ: options.noiseZ,
    warmStart: point.rows,
    seed: options.seed ?? 0,
  };
  const B = options.replicates;
  const results = new Array<ReplicateResult>(B);
  let done = 0;
  const progress = () =>
    options.onProgress?.({ stage: 'bootstrap', done, total: B, unit: 'items', detail: 'replicates' });
  progress();
  const lanes = Math.max(1, Math.min(options.jobs ?? availableParallelism(), availableParallelism(), B));
  if (lanes === 1) {
    for (let r = 0; r < B; r++) {
      options.deadline?.check('bootstrapping');
      results[r] = await runReplicate(input, r);
      done++;
      progress();
    }
  } else {
    await runOnWorkers(input, B, lanes, (r, result) => {
      results[r] = result;
      done++;
      progress();
      options.deadline?.check('bootstrapping');
    });
  }
  return {
    replicates: B,
    level,
    method: 'percentile',
    seconds: (performance.now() - started) / 1000,
    byteShareCI: percentileIntervals(
      results.map((r) => r.byteShare),
      point.byteShare,
      level,
    ),
    pairShareCI: percentileIntervals(
      results.map((r) => r.pairShare),
      point.pairShare,
      level,
    ),
    byteShareReplicates: results.map((r) => r.byteShare),
  };
}

/** Runs replicates 0..B-1 on `lanes` worker threads, each fed the next index when it finishes one. */
async function runOnWorkers(
  input: ReplicateInput,
  B: number,
  lanes: number,
  onResult: (r: number, result: ReplicateResult) => void,
): Promise<void> {
  let next = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: lanes }, () => {
        const worker = new Worker(new URL('./replicate-worker.js', import.meta.url), { workerData: input });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          const feed = () => {
            if (next < B) worker.postMessage(next++);
            else resolve();
          };
          worker.on('message', (message: ReplicateWorkerMessage) => {
            if (message.type === 'error') {
              const error =
                message.name === 'UserError' ? new UserError(message.message) : new Error(message.message);
              if (message.stack && !isUserError(error)) error.stack = message.stack;
              reject(error);
              return;
            }
            try {
              onResult(message.r, message.result);
            } catch (error) {
              reject(error as Error);
              return;
            }
            feed();
          });
          worker.on('error', reject);
          worker.on('exit', (code) => reject(new Error(`bootstrap worker exited with code ${code}`)));
          feed();
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The first `steps` steps of a transcript (replay is sequential, so a prefix is the same replay cut short). */
export function transcriptPrefix(transcript: Transcript, steps: number): Transcript {
  const end = transcript.stepOffsets[steps];
  const mergePair = transcript.mergePair.slice(0, steps);
  let absentSteps = 0;
  for (let t = 0; t < steps; t++) if (mergePair[t] < 0) absentSteps++;
  return {
    ...transcript,
    steps,
    stepOffsets: transcript.stepOffsets.slice(0, steps + 1),
    changePair: transcript.changePair.subarray(0, end),
    changeCount: transcript.changeCount.subarray(0, end),
    mergePair,
    totals: { ...transcript.totals, absentSteps },
  };
}

export interface PrefixEstimate {
  /** Merges attacked in this prefix (the first of the attacked range). */
  merges: number;
  byteShare: number[];
  pairShare: number[];
}

/**
 * Estimates over the first third and two thirds of the attacked merges, from the point estimate's
 * transcripts cut short (no second replay), each solve warm-started from the point's rows.
 */
export async function prefixEstimates(
  transcripts: Transcript[],
  spec: ReplaySpec,
  names: string[],
  firstStep: number,
  backend: SolverBackend,
  rows: WarmRow[],
  excludedSteps?: Uint8Array,
  normalizeAt?: SolveMixtureOptions['normalizeAt'],
  noiseZ?: number,
): Promise<PrefixEstimate[]> {
  const attacked = transcripts[0].steps - firstStep;
  const out: PrefixEstimate[] = [];
  const categories = names.map((name) => ({ name }));
  for (const part of [1 / 3, 2 / 3]) {
    const merges = Math.round(attacked * part);
    if (merges < 1 || merges >= attacked) continue;
    const steps = firstStep + merges;
    const prefix = transcripts.map((t) => transcriptPrefix(t, steps));
    const result = await solveWarm(
      prefix,
      {
        spec,
        firstStep,
        normalizeAt,
        excludedSteps,
        backend,
        noiseZ,
        categories: categories as ReplicateInput['categories'],
      },
      rows.filter((r) => r.step < steps),
    );
    out.push({ merges, ...result });
  }
  return out;
}
