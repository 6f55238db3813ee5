// The whole `tokmix infer` run as library calls: planInfer checks the options once, loads the
// tokenizer and resolves the categories (everything the command checks before long work); runInfer
// counts the samples and hands them to the pipeline core (estimateMixture); inferMixture does both.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Cache, defaultCacheDir } from './common/cache.js';
import { UserError } from './common/errors.js';
import { toolVersion } from './common/version.js';
import { Deadline } from './common/deadline.js';
import { assertApartFromCache } from './common/fs-checks.js';
import { noProgress } from './common/progress.js';
import type { ProgressCallback } from './common/progress.js';
import { loadTokenizer } from './tokenizer/load.js';
import { parsePreTokenizerPreset } from './tokenizer/presets.js';
import type { TokenizerSpec } from './tokenizer/spec.js';
import {
  checkSkipMerges,
  lineageLine,
  planMergeRange,
  type MergeRange,
  type SkipMerges,
} from './merge-range.js';
import { describeHandAdded } from './tokenizer/hand-added.js';
import { countCategories } from './count/count.js';
import { resolveCategories } from './corpus/resolve.js';
import { isBuiltinSetName, materializeSetInBackground } from './corpus/builtin/sets.js';
import { findBuiltin } from './tokenizer/builtins.js';
import { isHubReference } from './hub/reference.js';
import { estimateMixture } from './solve/estimate-mixture.js';
import { trainingSizeOf } from './solve/training-size.js';
import { checkGap } from './solve/solve-mixture.js';
import {
  checkEstimatorOptions,
  DEFAULT_SAMPLED_STEPS,
  noiseZOf,
  type EstimatorOptions,
} from './solve/estimator.js';
import { CHECKPOINT_FOLDER, readCheckpointFile } from './solve/checkpoint.js';
import type { CheckpointOptions, ResumedFrom } from './solve/resume.js';
import { checkSolverInstalled, isSolverBackend, SOLVER_BACKENDS } from './solve/backends/index.js';
import type { SolverBackend } from './solve/types.js';
import { RESULT_SCHEMA_VERSION } from './report/result.js';
import { bootstrapMixture, checkBootstrapOptions, prefixEstimates } from './bootstrap/bootstrap.js';
import { checkResamplable } from './bootstrap/replicate.js';
import { intervalsKey, readCachedIntervals, writeCachedIntervals } from './bootstrap/cached-intervals.js';
import { DEFAULT_INTERVAL_METHOD } from './bootstrap/interval-method.js';
import type { CategoryResult, InferResult } from './report/result.js';

/**
 * Default merges replayed and solved (bench/README.md, "Why `--merges 1000` by default"). The paper uses 30,000,
 * but against real tokenizers most merges are explained by no candidate mixture, the lazy LP then
 * grows by ~100 constraints per merge and 3,000 merges on the default set already take minutes;
 * its controlled experiments reach log10 MSE about -5.8 at 1,000 merges.
 */
export const DEFAULT_MERGES = 1000;
/** Default cap on each category's sample, in bytes: the paper's controlled setting (bench/README.md). */
export const DEFAULT_BYTES_PER_CATEGORY = 1_000_000;

/** `estimator` / `sampledSteps`: which merges the LP constrains (solve/estimator.ts; default the paper's, all). */
/**
 * Seconds a plain `tokmix infer` may take (the command's --time-limit default): the paper's LP on
 * an extension's own merges (qwen3, llama3) can run for hours, and a plain run must end. 270 s so
 * that it ends within five minutes: the last bound sweep and the writing run past the limit (a
 * 300 s budget ended qwen3 at 5:06, bench/README.md).
 */
export const DEFAULT_INFER_TIME_LIMIT = 270;
/** The training size's share of the default budget, in seconds (InferOptions.trainingSizeSeconds). */
export const DEFAULT_TRAINING_SIZE_SECONDS = 60;

export interface InferOptions extends EstimatorOptions {
  /** A built-in set name, a folder of category folders, or a manifest .json (default 'default'). */
  categories?: string;
  /** Merges to attack (default DEFAULT_MERGES, or all after the skipped ones when fewer). */
  merges?: number;
  /**
   * Merges applied but not attacked, before the `merges` attacked ones: a number, or 'auto' for the
   * merges the tokenizer shares with the built-in it extends (default DEFAULT_SKIP, 'auto': 0 for a
   * tokenizer that extends none; llama3 skips gpt-3.5's 100,000).
   */
  skipMerges?: SkipMerges;
  /** Pair totals that normalize the counts (default 'first-step'; see SolveMixtureOptions). */
  normalizeAt?: 'step-0' | 'first-step';
  /** Attack hand-added merges too (by default they are applied but not attacked). */
  keepHandAdded?: boolean;
  /** Solve even when most attacked merges occur in no sample (by default that is refused). */
  allowUnconstrained?: boolean;
  /** The tokenizer's name in the result (default: the folder naming the model, else the file name). */
  name?: string;
  /** Cap on each category's sample in bytes (default DEFAULT_BYTES_PER_CATEGORY). */
  bytes?: number;
  /** Which sequences a capped sample takes. */
  seed?: number;
  solver?: SolverBackend | string;
  /** Worker threads for counting. */
  jobs?: number;
  cacheDir?: string;
  onProgress?: ProgressCallback;
  /** Pre-tokenizer preset replacing the file's (or supplying one a merges.txt lacks). */
  pretokenizer?: string;
  textField?: string;
  textColumn?: string;
  /** Wall-clock limit on the whole run (loading, counting, replay, solve), in seconds. */
  timeLimitSeconds?: number;
  /** The run's deadline when the caller started the clock earlier (default: timeLimitSeconds from the call). */
  deadline?: Deadline;
  /** Bootstrap replicates for share intervals (absent or 0: no intervals). */
  bootstrap?: number;
  /** Interval level of the bootstrap (default 0.9). */
  ci?: number;
  /** Stop the solve once within this relative gap of the optimum, in (0, 1) (default: certify). */
  gap?: number;
  /** Aborting stops the solve with its best shares so far and their gap (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * The solve's checkpoint (in the cache's checkpoint/ folder): 'auto' (default) resumes from this
   * problem's, 'fresh' starts over (--no-resume), { file } resumes from that file (--resume).
   */
  resume?: CheckpointOptions['resume'];
  /** Told when the solve resumes from a checkpoint. */
  onResume?: (resumed: ResumedFrom) => void;
  /** Infer the training size from the tie-break signal (default true; solve/training-size.ts). */
  trainingSize?: boolean;
  /**
   * At most this many seconds for the training size's replay of the whole list (default: what is left
   * of the run's time): `infer` caps it under its default budget, so a list whose own estimate comes
   * fast is not held for minutes by the replay.
   */
  trainingSizeSeconds?: number;
}

/** Checks the options a user types, before any long work. */
function validateInferOptions(options: InferOptions): void {
  if (options.merges !== undefined && (!Number.isInteger(options.merges) || options.merges <= 0)) {
    throw new UserError(`--merges ${options.merges}: expected a positive whole number`, '--merges');
  }
  checkSkipMerges(options.skipMerges);
  if (options.name !== undefined && options.name.trim() === '') {
    throw new UserError('--name: expected a non-empty name', '--name');
  }
  checkBootstrapOptions(options.bootstrap, options.ci, true);
  if (options.ci !== undefined && !options.bootstrap) {
    throw new UserError(`--ci ${options.ci}: intervals need --bootstrap, e.g. --bootstrap 8`, '--ci');
  }
  checkGap(options.gap);
  checkEstimatorOptions(options);
  if (options.bytes !== undefined && (!Number.isFinite(options.bytes) || options.bytes <= 0)) {
    throw new UserError(`--bytes ${options.bytes}: expected a positive size`, '--bytes');
  }
  if (options.solver !== undefined && !isSolverBackend(options.solver)) {
    throw new UserError(
      `--solver ${options.solver}: unknown solver; use one of ${SOLVER_BACKENDS.join(', ')}`,
      '--solver',
    );
  }
  if (options.solver !== undefined) checkSolverInstalled(options.solver);
  // A file that is no checkpoint at all is refused now; whether it is this problem's, after replay.
  if (typeof options.resume === 'object') readCheckpointFile(options.resume.file);
}

/** An inference checked and prepared: what the command shows or checks before the long work. */
export interface InferPlan {
  options: InferOptions;
  tokenizer: TokenizerSpec;
  /** The merges used: `skip` applied, then `merges` attacked, hand-added ones among them excluded. */
  range: MergeRange;
  categorySet: string;
  cacheDir: string;
  deadline: Deadline;
  /** One line naming the built-in the tokenizer extends and what the run skipped, when it extends one. */
  lineageNote?: string;
  /** One line on the hand-added merges left out of the attack, when any. */
  excludedNote?: string;
}

/**
 * A built-in category set not extracted yet is extracted in a worker thread while the tokenizer
 * loads (runInfer's resolveCategories waits for it): on 2 cores the two overlap. Not for a
 * tokenizer reference that names nothing, which fails at once.
 */
function startBuiltinSamples(
  tokenizerRef: string,
  categorySet: string,
  cacheDir: string,
  onProgress?: ProgressCallback,
): void {
  const named =
    findBuiltin(tokenizerRef) !== undefined || isHubReference(tokenizerRef) || existsSync(tokenizerRef);
  if (named && isBuiltinSetName(categorySet))
    materializeSetInBackground(categorySet, { cacheDir, onProgress });
}

/**
 * Checks the options, loads the tokenizer and fixes the merge range: everything a command checks
 * before long work (resolving the categories may extract the built-in sets, so runInfer does it).
 */
export async function planInfer(tokenizerRef: string, options: InferOptions = {}): Promise<InferPlan> {
  validateInferOptions(options);
  const deadline = options.deadline ?? new Deadline(options.timeLimitSeconds);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  assertApartFromCache(cacheDir, [tokenizerRef, options.categories ?? 'default']);
  const cache = new Cache(cacheDir);
  startBuiltinSamples(tokenizerRef, options.categories ?? 'default', cacheDir, options.onProgress);
  const loaded = await loadTokenizer(tokenizerRef, {
    // Built-ins derive their merges from ranks: cache the result like every other stage.
    cache,
    onProgress: options.onProgress,
    preTokenizer:
      options.pretokenizer === undefined ? undefined : parsePreTokenizerPreset(options.pretokenizer),
  });
  const tokenizer = options.name === undefined ? loaded : { ...loaded, name: options.name.trim() };
  deadline.check('loading the tokenizer');
  const range = await planMergeRange(tokenizer, {
    merges: options.merges,
    skipMerges: options.skipMerges,
    defaultMerges: DEFAULT_MERGES,
    keepHandAdded: options.keepHandAdded,
    cache,
  });
  deadline.check('comparing the tokenizer with the built-ins');
  return {
    options,
    tokenizer,
    range,
    categorySet: options.categories ?? 'default',
    cacheDir,
    deadline,
    ...(range.lineage ? { lineageNote: lineageLine(tokenizer.name, range.lineage, range.skip) } : {}),
    ...(range.excluded
      ? {
          excludedNote: `${range.excluded.count} hand-added merges applied but not attacked: ${describeHandAdded(range.excluded.blocks)}; --keep-hand-added attacks them`,
        }
      : {}),
  };
}

/** Resolves the planned categories, counts their samples and estimates the mixture. */
export async function runInfer(plan: InferPlan): Promise<InferResult> {
  const { options, tokenizer: spec, range, categorySet, deadline } = plan;
  const onProgress = options.onProgress ?? noProgress;
  const categories = await resolveCategories(categorySet, {
    textField: options.textField,
    textColumn: options.textColumn,
    cacheDir: plan.cacheDir,
    bytes: options.bytes ?? DEFAULT_BYTES_PER_CATEGORY,
    onProgress,
  });
  deadline.check('preparing the categories');
  const { skip, steps } = range;
  const cache = new Cache(plan.cacheDir);
  // Intervals are opt-in: DESIGN.md, "Intervals", measured their cost against the point estimate.
  const replicates = options.bootstrap ?? 0;
  const bytes = options.bytes ?? DEFAULT_BYTES_PER_CATEGORY;
  const counts = await countCategories(categories, spec, {
    bytes,
    seed: options.seed,
    jobs: options.jobs,
    cache,
    onProgress,
    textField: options.textField,
    textColumn: options.textColumn,
    deadline,
    blocks: replicates > 0,
  });
  // A sample too small to resample is the user's input to fix: say so before the long solve.
  if (replicates > 0) for (const c of counts) checkResamplable(c.category.name, c.blocks);
  const backend = (options.solver as SolverBackend | undefined) ?? 'highs';
  const mixture = await estimateMixture(counts, spec, steps, {
    firstStep: skip,
    normalizeAt: options.normalizeAt,
    ...(range.excluded ? { excludedSteps: range.excluded.mask } : {}),
    beforeSolve: (coverage) => {
      if (options.allowUnconstrained || 2 * coverage.unconstrainedMerges <= coverage.attackedMerges) return;
      throw new UserError(
        `${spec.name}: ${coverage.unconstrainedMerges} of the ${coverage.attackedMerges} attacked merges (steps ${skip}–${steps - 1}) occur in no category's sample, so the samples cannot decide the mixture; attack other merges (--skip-merges, --merges), give more or other categories (--categories, --bytes), or pass --allow-unconstrained`,
        '--allow-unconstrained',
      );
    },
    backend,
    cache,
    onProgress,
    deadline,
    exportRows: replicates > 0,
    gap: options.gap,
    signal: options.signal,
    estimator: options.estimator,
    sampledSteps: options.sampledSteps,
    checkpoint: {
      dir: join(plan.cacheDir, CHECKPOINT_FOLDER),
      resume: options.resume,
      onResume: options.onResume,
    },
    noiseZ: noiseZOf(options),
  });
  const { transcripts, estimate } = mixture;
  let intervals: Awaited<ReturnType<typeof bootstrapMixture>> | undefined;
  let prefixes: Awaited<ReturnType<typeof prefixEstimates>> = [];
  let intervalsCached = false;
  if (replicates > 0) {
    const rows = estimate.rows ?? [];
    // Replicates and prefixes solve with the point estimate's estimator and settings.
    const settings = {
      firstStep: skip,
      normalizeAt: options.normalizeAt,
      excludedSteps: range.excluded?.mask,
      backend,
      estimator: options.estimator,
      sampledSteps: options.sampledSteps,
      noiseZ: noiseZOf(options),
    };
    const key = intervalsKey(transcripts, settings, counts, spec.mergeList, estimate, {
      ...settings,
      excludedSteps: undefined,
      replicates,
      level: options.ci ?? null,
      seed: options.seed ?? null,
      method: DEFAULT_INTERVAL_METHOD,
    });
    const hit = readCachedIntervals(cache, key);
    if (hit) {
      ({ intervals, prefixes } = hit);
      intervalsCached = true;
    } else {
      intervals = await bootstrapMixture(
        counts,
        spec,
        steps,
        { ...estimate, rows },
        {
          ...settings,
          replicates,
          level: options.ci,
          seed: options.seed,
          jobs: options.jobs,
          onProgress,
          deadline,
        },
      );
      // Stability across merges: the same transcripts cut at a third and two thirds of the range.
      prefixes = await prefixEstimates({
        ...settings,
        transcripts,
        spec,
        names: counts.map((c) => c.category.name),
        rows,
        deadline,
      });
      // Only a certified point is a pure function of the problem (as for the estimate's own cache).
      if (estimate.certified && estimate.stopped === undefined) {
        writeCachedIntervals(cache, key, { intervals, prefixes });
      }
    }
  }
  // The training size replays the whole list (cached) at the estimated byte shares.
  const trainingSize =
    options.trainingSize === false
      ? undefined
      : await trainingSizeOf(counts, spec, mixture.estimate.byteShare, {
          firstStep: skip,
          cache,
          onProgress,
          deadline:
            options.trainingSizeSeconds === undefined
              ? deadline
              : new Deadline(Math.min(deadline.remainingMs() / 1000, options.trainingSizeSeconds)),
        });
  return buildInferResult({
    plan,
    counts,
    mixture,
    bytes,
    intervals,
    intervalsCached,
    prefixes,
    trainingSize,
  });
}

/** What a run found, from its counts to its intervals: the parts of its result.json. */
interface InferOutcome {
  plan: InferPlan;
  counts: Awaited<ReturnType<typeof countCategories>>;
  mixture: Awaited<ReturnType<typeof estimateMixture>>;
  /** Bytes sampled per category. */
  bytes: number;
  intervals?: Awaited<ReturnType<typeof bootstrapMixture>>;
  /** The intervals came from the cache. */
  intervalsCached?: boolean;
  prefixes: Awaited<ReturnType<typeof prefixEstimates>>;
  trainingSize?: Awaited<ReturnType<typeof trainingSizeOf>>;
}

/** The run's result.json: tokenizer and merges attacked, each category's shares, the solver, the options. */
function buildInferResult(outcome: InferOutcome): InferResult {
  const { plan, counts, mixture, bytes, intervals, intervalsCached, prefixes, trainingSize } = outcome;
  const { options, tokenizer: spec, range, categorySet } = plan;
  const { skip, merges: attacked, steps } = range;
  const { transcripts, estimate } = mixture;
  const ranges = estimate.uncertainty?.byteShareRange;
  const results: CategoryResult[] = counts.map((c, i) => ({
    name: c.category.name,
    kind: c.category.kind,
    ...(c.category.language !== undefined ? { language: c.category.language } : {}),
    ...(c.category.script !== undefined ? { script: c.category.script } : {}),
    bytes: transcripts[i].totals.bytes,
    pairs: transcripts[i].totals.pairs,
    pairShare: estimate.pairShare[i],
    byteShare: estimate.byteShare[i],
    ...(ranges?.[i] ? { byteShareRange: ranges[i] } : {}),
    ...(intervals
      ? {
          // One statement per share: the interval also holds the optimal face's range, when known.
          byteShareCI: hull(intervals.byteShareCI[i], ranges?.[i] ?? undefined),
          pairShareCI: intervals.pairShareCI[i],
          byteShareByMerges: [...prefixes.map((p) => p.byteShare[i]), estimate.byteShare[i]],
        }
      : {}),
  }));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    kind: 'tokmix-infer-result',
    tokenizer: {
      name: spec.name,
      source: spec.source,
      format: spec.format,
      alphabet: spec.alphabet,
      mergesUsed: attacked,
      mergesAvailable: spec.mergeList.length,
      ...(spec.hub ? { hub: spec.hub } : {}),
      firstStep: skip,
      lastStep: steps - 1,
      ...(range.lineage ? { lineage: range.lineage } : {}),
      ...(range.excluded
        ? { excludedMerges: { count: range.excluded.count, blocks: range.excluded.blocks } }
        : {}),
    },
    categorySet,
    categories: results,
    ...(trainingSize ? { trainingSize } : {}),
    ...(intervals
      ? {
          bootstrap: {
            replicates: intervals.replicates,
            level: intervals.level,
            method: intervals.method,
            form: intervals.settings.form,
            scale: intervals.settings.scale,
            ...(intervals.settings.scaleByKind ? { scaleByKind: { ...intervals.settings.scaleByKind } } : {}),
            seconds: intervals.seconds,
            ...(intervalsCached ? { cached: true } : {}),
            merges: [...prefixes.map((p) => p.merges), steps - skip],
            byteShareReplicates: intervals.byteShareReplicates,
          },
        }
      : {}),
    solver: {
      backend: estimate.backend,
      objective: estimate.objective,
      slackTotal: estimate.slackTotal,
      rounds: estimate.rounds,
      constraints: estimate.constraints,
      variables: estimate.variables,
      seconds: estimate.sweepSeconds + estimate.lpSeconds,
      sweepSeconds: estimate.sweepSeconds,
      lpSeconds: estimate.lpSeconds,
      certified: estimate.certified,
      gap: estimate.gap,
      lowerBound: estimate.lowerBound,
      ...(estimate.stopped ? { stopped: estimate.stopped } : {}),
      ...(estimate.cached === true ? { cached: true } : {}),
      ...(estimate.resumed
        ? { resumed: { rows: estimate.resumed.rows, previousGap: estimate.resumed.previousGap } }
        : {}),
      ...(estimate.checkpoint && 'file' in estimate.checkpoint
        ? { checkpoint: estimate.checkpoint.file, checkpointBytes: estimate.checkpoint.bytes }
        : {}),
      peakRows: estimate.peakRows,
      peakNonzeros: estimate.peakNonzeros,
      peakMemoryBytes: estimate.peakMemoryBytes,
      unique: estimate.uncertainty?.unique ?? true,
      ...(estimate.uncertainty?.movement !== undefined
        ? { faceMovement: estimate.uncertainty.movement }
        : {}),
      ...(estimate.uncertainty?.note ? { note: estimate.uncertainty.note } : {}),
      unexplainedMerges: estimate.unexplainedMerges,
      unconstrainedMerges: mixture.unconstrainedMerges,
    },
    options: {
      categories: categorySet,
      merges: attacked,
      skipMerges: skip,
      skipMergesAsked: options.skipMerges ?? null,
      normalizeAt: options.normalizeAt ?? 'first-step',
      keepHandAdded: options.keepHandAdded ?? false,
      allowUnconstrained: options.allowUnconstrained ?? false,
      bytes,
      seed: options.seed ?? 0,
      solver: estimate.backend,
      gap: options.gap ?? null,
      estimator: options.estimator ?? 'paper',
      ...(options.estimator === 'sampled'
        ? { sampledSteps: options.sampledSteps ?? DEFAULT_SAMPLED_STEPS }
        : {}),
      resume: typeof options.resume === 'object' ? options.resume.file : (options.resume ?? 'auto'),
      ...(options.estimator === 'noise-aware' ? { noiseZ: noiseZOf(options) } : {}),
      pretokenizer: options.pretokenizer ?? null,
      ...(intervals ? { bootstrap: intervals.replicates, ci: intervals.level } : {}),
      notes: [
        ...spec.notes,
        ...(plan.lineageNote ? [plan.lineageNote] : []),
        ...(plan.excludedNote ? [plan.excludedNote] : []),
        ...counts.flatMap((c) => c.notes ?? []),
      ],
    },
    tool: { name: 'tokmix', version: toolVersion() },
    createdAt: new Date().toISOString(),
  };
}

/** The smallest interval holding both (the second may be absent). */
function hull(a: [number, number], b: [number, number] | undefined): [number, number] {
  return b ? [Math.min(a[0], b[0]), Math.max(a[1], b[1])] : a;
}

/** The whole inference as one call: planInfer, then runInfer. */
export async function inferMixture(tokenizerRef: string, options: InferOptions = {}): Promise<InferResult> {
  return runInfer(await planInfer(tokenizerRef, options));
}
