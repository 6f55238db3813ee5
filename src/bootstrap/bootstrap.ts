// bootstrapMixture: intervals for the shares. Each replicate resamples every category's units
// (block counts, no re-reading) and estimates through the pipeline core warm-started from the point
// estimate's rows, on worker threads; interval-method.ts reads the replicates into intervals. The
// point estimate stays the full sample's optimum.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError, isUserError } from '../common/errors.js';
import type { Deadline } from '../common/deadline.js';
import type { ProgressCallback } from '../common/progress.js';
import type { BlockedWordCounts } from '../count/block-counts.js';
import type { ReplaySpec } from '../bpe/replay.js';
import type { Transcript } from '../bpe/types.js';
import type { WarmRow } from '../solve/lazy-lp.js';
import { solveMixture, type SolveMixtureOptions } from '../solve/solve-mixture.js';
import { unconstrainedSteps, type EstimatorOptions } from '../solve/estimator.js';
import type { SolverBackend } from '../solve/types.js';
import { checkResamplable, runReplicate, type ReplicateInput, type ReplicateResult } from './replicate.js';
import type { ReplicateWorkerMessage } from './replicate-worker.js';
import {
  DEFAULT_INTERVAL_METHOD,
  describeMethod,
  intervalsFromReplicates,
  scalesOf,
  type IntervalMethod,
} from './interval-method.js';

/** Default interval level. */
export const DEFAULT_CI_LEVEL = 0.9;

/**
 * Most replicates a run takes: past a few hundred the intervals stop changing at the printed
 * precision, and each replicate is a solve (seconds on a real tokenizer).
 */
export const MAX_REPLICATES = 1000;

/** The estimator options replicates and prefixes solve with: the point estimate's. */
export interface BootstrapOptions extends EstimatorOptions {
  replicates: number;
  /** Interval level in (0, 1) (default DEFAULT_CI_LEVEL). */
  level?: number;
  seed?: number;
  /** Worker threads (default: the cores; 1 runs in this thread). */
  jobs?: number;
  firstStep?: number;
  /** The point estimate's normalization (SolveMixtureOptions.normalizeAt). */
  normalizeAt?: SolveMixtureOptions['normalizeAt'];
  /** Steps applied but not attacked (hand-added merges), as in the point estimate. */
  excludedSteps?: Uint8Array;
  backend?: SolverBackend;
  /** How replicates are drawn and read (default DEFAULT_INTERVAL_METHOD). */
  method?: IntervalMethod;
  onProgress?: ProgressCallback;
  deadline?: Deadline;
}

export interface BootstrapIntervals {
  replicates: number;
  level: number;
  /** The interval method's short name (describeMethod), and the method itself. */
  method: string;
  settings: IntervalMethod;
  seconds: number;
  byteShareCI: [number, number][];
  pairShareCI: [number, number][];
  /** Per replicate, per category: the byte shares (group intervals in charts sum these). */
  byteShareReplicates: number[][];
}

/**
 * Bad --bootstrap / --ci values end as one-line user errors. 0 replicates (no intervals, as without
 * the flag) is allowed where `allowZero` (infer).
 */
export function checkBootstrapOptions(
  replicates: number | undefined,
  level: number | undefined,
  allowZero = false,
): void {
  const least = allowZero ? 0 : 1;
  if (replicates !== undefined && (!Number.isInteger(replicates) || replicates < least)) {
    throw new UserError(
      `--bootstrap ${replicates}: expected a whole number of replicates${allowZero ? ' (0: no intervals)' : ', at least 1'}, e.g. --bootstrap 20`,
      '--bootstrap',
    );
  }
  if (replicates !== undefined && replicates > MAX_REPLICATES) {
    throw new UserError(
      `--bootstrap ${replicates}: at most ${MAX_REPLICATES} replicates (each is a solve; intervals stop changing long before), e.g. --bootstrap 20`,
      '--bootstrap',
    );
  }
  if (level !== undefined && !(Number.isFinite(level) && level > 0 && level < 1)) {
    throw new UserError(`--ci ${level}: expected a level between 0 and 1, e.g. --ci 0.9`, '--ci');
  }
}

/** Per category, the central `level` percentile interval of the replicates, holding `point`. */
export function percentileIntervals(
  replicates: readonly (readonly number[])[],
  point: readonly number[],
  level: number,
): [number, number][] {
  return intervalsFromReplicates(replicates, point, level, { form: 'percentile', scale: 1 });
}

export async function bootstrapMixture(
  counts: BlockedWordCounts[],
  spec: ReplaySpec,
  steps: number,
  point: { pairShare: number[]; byteShare: number[]; rows: WarmRow[] },
  options: BootstrapOptions,
): Promise<BootstrapIntervals> {
  const level = options.level ?? DEFAULT_CI_LEVEL;
  const method = options.method ?? DEFAULT_INTERVAL_METHOD;
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
    estimator: options.estimator,
    sampledSteps: options.sampledSteps,
    noiseZ: options.noiseZ,
    warmStart: point.rows,
    pointByteShare: point.byteShare,
    seed: options.seed ?? 0,
    method,
  };
  const B = options.replicates;
  const results = new Array<ReplicateResult>(B);
  let done = 0;
  const progress = () => {
    const elapsed = (performance.now() - started) / 1000;
    const left = done > 0 ? ` (about ${Math.ceil((elapsed / done) * (B - done))} s left)` : '';
    options.onProgress?.({ stage: 'bootstrap', done, total: B, unit: 'items', detail: `replicates${left}` });
  };
  // The limit's message names the flag that asked for this stage.
  const checkDeadline = () => {
    if (options.deadline?.expired()) {
      throw options.deadline.error(
        `computing the intervals (--bootstrap ${B}: ${done} of ${B} replicates done; fewer replicates, or 0 for none, end sooner)`,
      );
    }
  };
  progress();
  const lanes = Math.max(1, Math.min(options.jobs ?? availableParallelism(), availableParallelism(), B));
  if (lanes === 1) {
    for (let r = 0; r < B; r++) {
      checkDeadline();
      results[r] = await runReplicate(input, r);
      done++;
      progress();
    }
  } else {
    await runOnWorkers(input, B, lanes, (r, result) => {
      results[r] = result;
      done++;
      progress();
      checkDeadline();
    });
  }
  const scales = scalesOf(
    method,
    counts.map((c) => c.category.kind),
  );
  const read = (pick: (r: ReplicateResult) => number[], at: number[]) =>
    intervalsFromReplicates(results.map(pick), at, level, method, scales);
  return {
    replicates: B,
    level,
    method: describeMethod(method),
    settings: method,
    seconds: (performance.now() - started) / 1000,
    byteShareCI: read((r) => r.byteShare, point.byteShare),
    pairShareCI: read((r) => r.pairShare, point.pairShare),
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

/** The point estimate prefixEstimates cuts short, and the settings it was solved with. */
export interface PrefixOptions extends Pick<
  BootstrapOptions,
  'firstStep' | 'excludedSteps' | 'normalizeAt' | 'backend' | 'estimator' | 'sampledSteps' | 'noiseZ'
> {
  /** The point estimate's transcripts (whole attacked range). */
  transcripts: Transcript[];
  spec: ReplaySpec;
  /** Category names, in the transcripts' order. */
  names: string[];
  /** The point estimate's rows, to warm-start each prefix. */
  rows: WarmRow[];
  /** The run's clock: each prefix solves within what is left of it, and ends the run if it runs out. */
  deadline?: Deadline;
}

/**
 * Estimates over the first third and two thirds of the attacked merges, from the point estimate's
 * transcripts cut short (no second replay: only the solve stage runs), each warm-started from the
 * point's rows with the point's estimator.
 */
export async function prefixEstimates(options: PrefixOptions): Promise<PrefixEstimate[]> {
  const { transcripts, spec, names, rows } = options;
  const firstStep = options.firstStep ?? 0;
  const attacked = transcripts[0].steps - firstStep;
  const excluded = unconstrainedSteps(transcripts[0].steps, firstStep, options.excludedSteps, options);
  const out: PrefixEstimate[] = [];
  for (const part of [1 / 3, 2 / 3]) {
    const merges = Math.round(attacked * part);
    if (merges < 1 || merges >= attacked) continue;
    const steps = firstStep + merges;
    const stage = `estimating the shares over the first ${merges} merges (stability across merges, with --bootstrap)`;
    options.deadline?.check(stage);
    const estimate = await solveMixture(
      transcripts.map((t) => transcriptPrefix(t, steps)),
      {
        mergeList: spec.mergeList,
        firstStep,
        normalizeAt: options.normalizeAt,
        // The point's constrained steps: a sampled estimator's mask over the whole range, cut short
        // (sampling again over the prefix would constrain other steps).
        excludedSteps: excluded?.subarray(0, steps),
        backend: options.backend,
        estimator: options.estimator === 'sampled' ? undefined : options.estimator,
        noiseZ: options.noiseZ,
        names,
        uncertainty: false,
        warmStart: rows.filter((r) => r.step < steps),
        ...(options.deadline?.limited
          ? { timeLimitSeconds: Math.max(0.1, options.deadline.remainingMs() / 1000) }
          : {}),
      },
      { boundInterval: Number.POSITIVE_INFINITY },
    );
    if (estimate.stopped === 'time-limit' && options.deadline) throw options.deadline.error(stage);
    out.push({ merges, byteShare: estimate.byteShare, pairShare: estimate.pairShare });
  }
  return out;
}
