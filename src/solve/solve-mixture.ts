// solveMixture: from per-category transcripts to the estimated mixture. Sets up the lazy LP, runs
// the constraint search (constraint-search.ts) to a certified optimum, then checks whether the
// optimum is unique and converts pair shares into byte shares.
import type { Transcript } from '../bpe/types.js';
import { countsAtStep } from '../bpe/transcript-cursor.js';
import type { Merge } from '../tokenizer/spec.js';
import { UserError } from '../common/errors.js';
import { noProgress } from '../common/progress.js';
import type { ProgressCallback } from '../common/progress.js';
import type { MixtureEstimate, SolverBackend, UnexplainedMerge } from './types.js';
import { buildPairUniverse } from './pair-universe.js';
import { LazyMixtureLp, solveFailure, type LazyLpSettings, type WarmRow } from './lazy-lp.js';
import { createBackend } from './backends/index.js';
import { byteShareOf } from './byte-share.js';
import { exploreOptimalFace } from './optimal-face.js';
import { DEFAULT_TUNING, searchConstraints } from './constraint-search.js';
import type { SearchResult, SolveMixtureTuning, StopReason } from './constraint-search.js';
import { checkEstimatorOptions, noiseZOf, unconstrainedSteps, type EstimatorOptions } from './estimator.js';
import { SolveCheckpoints, type CheckpointOptions } from './resume.js';

/**
 * `estimator` 'sampled' constrains only `sampledSteps` attacked merges (estimator.ts says which);
 * the others are applied and treated exactly as excludedSteps (no v_t column, no rows, no slack in
 * the bounds, not among the unexplained merges).
 */
export interface SolveMixtureOptions extends EstimatorOptions {
  /** The tokenizer's merge list (at least as long as the transcripts), for naming merges. */
  mergeList: readonly Merge[];
  /**
   * 0-based first merge step that gets constraints (default 0). Merges before it are applied, so
   * step firstStep sees the counts after merges 0..firstStep-1, but constrain nothing (e.g. the
   * merges a tokenizer inherited from another). Shares are normalized as `normalizeAt` says.
   */
  firstStep?: number;
  /**
   * The pair totals that normalize each category's counts and turn pair shares into byte shares:
   * `'first-step'` (default: after the skipped merges, at firstStep) or `'step-0'` (before any
   * merge, as the paper normalizes a whole-list attack). They differ only when firstStep > 0: with
   * step-0 totals a category the skipped merges already compress has tiny normalized counts, a
   * near-free place to put share when the attacked merges cannot all be explained; first-step
   * totals scored equal or better in every setting of bench/extension.ts (bench/README.md).
   */
  normalizeAt?: 'step-0' | 'first-step';
  /**
   * Steps applied but never constrained, wherever they fall (mask over steps, 1 = excluded):
   * merges BPE did not learn, interleaved in the attacked range (src/tokenizer/hand-added.ts).
   */
  excludedSteps?: Uint8Array;
  backend?: SolverBackend;
  onProgress?: ProgressCallback;
  /** Wall-clock limit for the whole solve, in seconds: at it the solve returns its best point and gap. */
  timeLimitSeconds?: number;
  /** Category names, used in error messages. */
  names?: string[];
  /** Tolerance on a pair beating a merge, in occurrences of a typical category (default 1e-6). */
  tolerance?: number;
  /** How many of the worst-explained merges to report (default 20). */
  unexplainedCount?: number;
  /** Check whether the optimum is unique and, if not, bound each byte share (default true). */
  uncertainty?: boolean;
  /**
   * Byte-share spread below which the optimum counts as unique (default 1e-5, a hundredth of the
   * printed 0.1%). The probe lets the objective exceed its optimum by about 1e-6 (the LP solvers'
   * tolerance), which alone can move shares by ~1e-6 on an optimum that is a single point.
   */
  uniqueTolerance?: number;
  /** Seed of the random direction used to probe the optimal face (default 1). */
  seed?: number;
  /** Rows of a related LP's optimum (estimate.rows) to start from; the search still certifies. */
  warmStart?: readonly WarmRow[];
  /** Return the rows held at the optimum in estimate.rows (to warm-start related solves). */
  exportRows?: boolean;
  /**
   * Stop once the relative gap between the best point's objective and the lower bound is at most
   * this, in (0, 1) (default: only a certified optimum). The answer is then marked uncertified.
   */
  gap?: number;
  /**
   * Cap on the LP's size in nonzeros (default LP_MAX_NONZEROS, below where WebAssembly HiGHS
   * runs out of memory): a batch that would pass it stops the solve with the best point and its gap.
   */
  maxNonzeros?: number;
  /** Aborting (e.g. on Ctrl-C) stops the solve with its best point so far and its gap. */
  signal?: AbortSignal;
  /**
   * Checkpoints in a folder (resume.ts): resume from this problem's, write one every minute and
   * when the solve ends uncertified, remove it once certified.
   */
  checkpoint?: CheckpointOptions;
}

/**
 * The LP's default size cap, from bench/highs-memory.ts (bench/README.md): WebAssembly HiGHS (2 GB
 * heap) re-solved mixture-shaped LPs up to 658k rows x 230k columns (3.9M nonzeros) at 10
 * categories and aborted at 987k x 345k (5.9M); the cap keeps a margin below the smallest abort.
 */
export const LP_MAX_NONZEROS = 3_000_000;

/** Checks a --gap value: a fraction strictly between 0 and 1. */
export function checkGap(gap: number | undefined, text: string = String(gap)): void {
  if (gap === undefined) return;
  if (!Number.isFinite(gap) || gap <= 0 || gap >= 1) {
    throw new UserError(
      `--gap ${text}: expected a fraction between 0 and 1 (e.g. 0.01 stops within 1% of the optimum)`,
      '--gap',
    );
  }
}

/** Checks the transcripts and options before any solving (exported for estimateMixture's early check). */
export function validate(transcripts: Transcript[], options: SolveMixtureOptions): void {
  const names = options.names ?? transcripts.map((_, i) => `category ${i + 1}`);
  if (transcripts.length === 0) throw new UserError('no categories to solve for; give at least one category');
  const { steps, vocabSize } = transcripts[0];
  transcripts.forEach((t, i) => {
    if (t.totals.pairs <= 0) {
      throw new UserError(
        `${names[i]}: the category's sample has no pairs (empty or single-symbol text); give it more text or drop it`,
        names[i],
      );
    }
    if (t.steps !== steps || t.vocabSize !== vocabSize) {
      throw new Error(
        `transcript of ${names[i]} was replayed with another merge list (steps ${t.steps} != ${steps})`,
      );
    }
  });
  if (steps === 0)
    throw new UserError('no merges to solve with; give --merges a positive number', '--merges');
  const first = options.firstStep ?? 0;
  if (!Number.isInteger(first) || first < 0 || first >= steps) {
    throw new UserError(
      `first step ${first}: expected a whole number from 0 to ${steps - 1} (the transcripts hold ${steps} steps)`,
      '--skip-merges',
    );
  }
  checkGap(options.gap);
  checkEstimatorOptions(options);
  if (options.mergeList.length < steps) {
    throw new Error(`merge list has ${options.mergeList.length} merges, transcripts ${steps} steps`);
  }
}

/**
 * The transcripts with `totals.pairs` replaced by the pair total at `step` (the counts after
 * merges 0..step-1), which then normalizes the LP's counts and the byte shares.
 */
export function withPairTotalsAt(transcripts: Transcript[], step: number, names?: string[]): Transcript[] {
  if (step === 0) return transcripts;
  return transcripts.map((t, i) => {
    let pairs = 0;
    for (const count of countsAtStep(t, step)) pairs += count;
    if (!(pairs > 0)) {
      const name = names?.[i] ?? `category ${i + 1}`;
      throw new UserError(
        `${name}: no pairs are left in the category's sample after the first ${step} merges, so it constrains nothing; drop it or attack from an earlier merge (--skip-merges)`,
        name,
      );
    }
    return { ...t, totals: { ...t.totals, pairs } };
  });
}

/**
 * Checks the input and returns the transcripts as the LP normalizes them (`normalizeAt`) and the
 * steps applied but never constrained (excluded, plus the unsampled ones of estimator 'sampled').
 */
export function prepareSolve(
  replayed: Transcript[],
  options: SolveMixtureOptions,
): { transcripts: Transcript[]; excluded: Uint8Array | undefined; sampled: boolean } {
  validate(replayed, options);
  const transcripts =
    options.normalizeAt !== 'step-0'
      ? withPairTotalsAt(replayed, options.firstStep ?? 0, options.names)
      : replayed;
  // Unsampled steps join the excluded ones: applied, never constrained.
  const excluded = unconstrainedSteps(
    transcripts[0].steps,
    options.firstStep ?? 0,
    options.excludedSteps,
    options,
  );
  return { transcripts, excluded, sampled: excluded !== options.excludedSteps };
}

/** The lazy LP's settings for a solve of `options` with steps `excluded` left unconstrained. */
export function lpSettings(
  options: SolveMixtureOptions,
  excluded: Uint8Array | undefined,
  competitorBatch: number,
): LazyLpSettings {
  return {
    competitorBatch,
    tolerance: options.tolerance ?? 1e-6,
    firstStep: options.firstStep,
    excludedSteps: excluded,
    noiseZ: noiseZOf(options),
  };
}

/**
 * Phases: (1) check the input and set up the lazy LP; (2) search for the constraints that shape
 * the optimum (constraint-search.ts: sweep, add batch and re-solve, release the anchor, certify);
 * (3) read the answer off the LP; (4) probe the optimal face for uniqueness, and if it is not a
 * point, report share ranges and the face's centre. `tuning` is for bench/solve.ts's comparisons.
 */
export async function solveMixture(
  replayed: Transcript[],
  options: SolveMixtureOptions,
  tuning: Partial<SolveMixtureTuning> = {},
): Promise<MixtureEstimate> {
  // 1. Setup.
  const { transcripts, excluded, sampled } = prepareSolve(replayed, options);
  // The checkpoint's fingerprint takes the steps actually constrained and the rows' z, so solves
  // of different estimators never share one (a lower bound of one is not a bound of the other).
  const checkpoints = options.checkpoint
    ? new SolveCheckpoints(
        replayed,
        { ...options, excludedSteps: excluded, noiseZ: noiseZOf(options) },
        options.checkpoint,
      )
    : undefined;
  // A warm start or a resumed solve begins at its rows' optimum, not at uniform shares: no anchor.
  const warm = options.warmStart !== undefined || checkpoints?.resuming === true;
  const settings = { ...DEFAULT_TUNING, ...(warm ? { anchorWeight: 0 } : {}), ...tuning };
  const onProgress = options.onProgress ?? noProgress;
  const started = performance.now();
  const deadline =
    options.timeLimitSeconds !== undefined ? started + options.timeLimitSeconds * 1000 : Infinity;
  const backend = await createBackend(options.backend ?? 'highs');
  try {
    const lp = new LazyMixtureLp(
      transcripts,
      buildPairUniverse(transcripts),
      lpSettings(options, excluded, settings.competitorBatch),
    );

    const seeded = options.warmStart ? lp.seedRows(options.warmStart) : 0;
    const resumed = checkpoints?.resume(lp);
    if (resumed) {
      // Out of time here, the search stops at once and reports the checkpoint's point.
      const left = deadline === Infinity ? undefined : Math.max(0.01, (deadline - performance.now()) / 1000);
      const solution = backend.solve(lp.model, { timeLimitSeconds: left });
      if (solution.status === 'optimal') lp.adopt(solution.x);
      else if (solution.status !== 'time-limit') throw solveFailure(solution, backend.name, 'the mixture LP');
    } else if (seeded > 0) lp.adopt(lp.solve(backend, options.timeLimitSeconds, 'the mixture LP').x);
    // 2. The constraint search (stopped early, lp holds the best point it found).
    const search = await searchConstraints(lp, backend, {
      tuning: settings,
      onProgress,
      deadline,
      gap: options.gap,
      maxNonzeros: options.maxNonzeros ?? LP_MAX_NONZEROS,
      signal: options.signal,
      resumed,
      ...(checkpoints
        ? {
            onCheckpoint: (state) => checkpoints.save(lp, state),
            checkpointSeconds: checkpoints.everySeconds,
          }
        : {}),
    });
    if (search.certified) checkpoints?.remove();
    else
      checkpoints?.save(lp, {
        lower: search.lower,
        upper: search.upper,
        gap: search.gap,
        alpha: lp.alpha,
        vp: lp.vp,
      });
    const elapsed = (performance.now() - started) / 1000;

    // 3. The answer: the certified optimum, or the best point found and its gap.
    const pairShare = Array.from(lp.alpha);
    const ratios = bytesPerPair(transcripts);
    const byteShare = byteShareOf(pairShare, ratios);
    const stepSlack = search.stepSlack ?? lpStepSlacks(lp);
    const estimate: MixtureEstimate = {
      pairShare,
      byteShare,
      backend: backend.name,
      objective: search.certified ? lp.slackTotal() / lp.scale : search.upper / lp.scale,
      slackTotal: attackedSum(lp, stepSlack) / lp.scale,
      unexplainedMerges: worstMerges(lp, stepSlack, options.mergeList, options.unexplainedCount ?? 20),
      rounds: search.rounds,
      constraints: lp.constraints,
      variables: lp.variables,
      sweepSeconds: elapsed - search.lpSeconds,
      lpSeconds: search.lpSeconds,
      ...(options.exportRows ? { rows: lp.heldRows() } : {}),
      certified: search.certified,
      gap: search.gap,
      lowerBound: search.lower / lp.scale,
      upperBound: search.upper / lp.scale,
      ...(search.stopped ? { stopped: search.stopped } : {}),
      peakRows: search.peakRows,
      peakNonzeros: search.peakNonzeros,
      peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
      ...(checkpoints?.resumed ? { resumed: checkpoints.resumed } : {}),
      ...(checkpoints?.written ? { checkpoint: checkpoints.written } : {}),
    };
    if (!search.certified) {
      // The optimal face is only defined at a certified optimum.
      const written = checkpoints?.written;
      const unsaved = written && 'error' in written ? `; no checkpoint written (${written.error})` : '';
      estimate.uncertainty = { unique: false, note: stopNote(search) + unsaved };
    }

    // 4. Uniqueness: the optimal face's extent, and its centre in place of an arbitrary vertex.
    if (search.certified && (options.uncertainty ?? true)) {
      const face = exploreOptimalFace(lp, backend, {
        objective: search.objective,
        ratios,
        uniqueTolerance: options.uniqueTolerance ?? 1e-5,
        seed: options.seed ?? 1,
        // The first probe may take half as long as the solve itself (at least 5 s), never past the limit.
        deadline: Math.min(deadline, performance.now() + Math.max(5, 0.5 * elapsed) * 1000),
        // The ranges (2 slower LPs per category) only get what is left of a quarter of the solve's time.
        rangesDeadline: Math.min(deadline, performance.now() + 0.25 * elapsed * 1000),
        onProgress,
        byteShare,
      });
      estimate.uncertainty = face.uncertainty;
      if (face.centralAlpha) {
        estimate.pairShare = Array.from(face.centralAlpha);
        estimate.byteShare = byteShareOf(estimate.pairShare, ratios);
      }
      estimate.constraints = lp.constraints;
      estimate.variables = lp.variables;
      estimate.lpSeconds += face.lpSeconds;
      estimate.sweepSeconds += face.sweepSeconds;
      estimate.peakMemoryBytes = process.resourceUsage().maxRSS * 1024;
    }
    noteAbsent(estimate, lp, excluded, sampled);
    return estimate;
  } finally {
    backend.dispose();
  }
}

/**
 * The LP over another solve's held rows only (`options.warmStart`), recomputed on these transcripts
 * and solved once: no sweep, so rows these counts would add are missing and nothing is certified;
 * its objective is a lower bound of the full LP's. A cheap replicate for intervals, measured but not
 * the default (bootstrap/replicate.ts, `resolve: 'held-rows'`; DESIGN.md "Intervals"). On the
 * point's own counts it gives the point back: heldRows names every row the point holds, characters
 * outside the vocabulary by their code point.
 */
export async function solveHeldRows(
  replayed: Transcript[],
  options: SolveMixtureOptions & { warmStart: WarmRow[] },
): Promise<{ pairShare: number[]; byteShare: number[]; objective: number }> {
  const { transcripts, excluded } = prepareSolve(replayed, options);
  const backend = await createBackend(options.backend ?? 'highs');
  try {
    const lp = new LazyMixtureLp(
      transcripts,
      buildPairUniverse(transcripts),
      lpSettings(options, excluded, DEFAULT_TUNING.competitorBatch),
    );
    if (lp.seedRows(options.warmStart) > 0)
      lp.adopt(lp.solve(backend, options.timeLimitSeconds, 'the held rows').x);
    const pairShare = Array.from(lp.alpha);
    const objective = lp.slackTotal() / lp.scale;
    return { pairShare, byteShare: byteShareOf(pairShare, bytesPerPair(transcripts)), objective };
  } finally {
    backend.dispose();
  }
}

/** Each category's bytes per pair (its pair total as the transcripts normalize it): shares' pairs to bytes. */
export function bytesPerPair(transcripts: Transcript[]): number[] {
  return transcripts.map((t) => t.totals.bytes / t.totals.pairs);
}

/** The step slacks summed over the attacked steps (firstStep on). */
export function attackedSum(lp: LazyMixtureLp, stepSlack: Float64Array): number {
  let sum = 0;
  for (let t = lp.firstStep; t < lp.steps; t++) sum += stepSlack[t];
  return sum;
}

/** Adds to the estimate's note how many attacked merges occur in no sample. */
export function noteAbsent(
  estimate: MixtureEstimate,
  lp: LazyMixtureLp,
  excluded: Uint8Array | undefined,
  sampled: boolean,
): void {
  const absent = countAbsent(lp, excluded);
  if (absent === 0) return;
  const attacked = lp.steps - lp.firstStep - countExcluded(lp, excluded);
  const merges = sampled ? 'sampled merges' : 'merges';
  const note = `${absent} of ${attacked} ${merges} occur in no category's sample and constrain nothing`;
  estimate.uncertainty = estimate.uncertainty
    ? { ...estimate.uncertainty, note: `${estimate.uncertainty.note}; ${note}` }
    : { unique: true, note };
}

function countAbsent(lp: LazyMixtureLp, excluded: Uint8Array | undefined): number {
  let absent = 0;
  for (let t = lp.firstStep; t < lp.steps; t++)
    if (lp.universe.mergeGlobal[t] < 0 && excluded?.[t] !== 1) absent++;
  return absent;
}

function countExcluded(lp: LazyMixtureLp, excluded: Uint8Array | undefined): number {
  let count = 0;
  if (excluded) for (let t = lp.firstStep; t < lp.steps; t++) if (excluded[t] === 1) count++;
  return count;
}

/** Why an uncertified answer stopped, and how far from the optimum it may be. */
export function stopNote(search: Pick<SearchResult, 'stopped' | 'gap' | 'detail'>): string {
  const why: Record<StopReason, string> = {
    gap: 'the solve stopped within the --gap asked for',
    'time-limit': 'the time limit ended the solve',
    'size-cap': 'the LP reached its size cap (WebAssembly memory)',
    interrupted: 'the solve was interrupted',
    'solver-aborted': `the LP solver aborted (${search.detail ?? 'out of memory'})`,
  };
  return `${why[search.stopped ?? 'time-limit']}: not certified; these shares' objective is within ${(100 * search.gap).toPrecision(3)}% of the optimum's lower bound`;
}

/** Step slacks of the LP's current point (0 for steps without a slack column). */
function lpStepSlacks(lp: LazyMixtureLp): Float64Array {
  const slack = new Float64Array(lp.steps);
  for (let t = lp.firstStep; t < lp.steps; t++) if (lp.vtCol[t] >= 0) slack[t] = Math.max(0, lp.vt[t]);
  return slack;
}

/** The merges with the largest step slacks: those the candidate categories explain worst. */
export function worstMerges(
  lp: LazyMixtureLp,
  slack: Float64Array,
  mergeList: readonly Merge[],
  count: number,
): UnexplainedMerge[] {
  const steps: number[] = [];
  for (let t = lp.firstStep; t < lp.steps; t++) if (slack[t] > 1e-9) steps.push(t);
  steps.sort((a, b) => slack[b] - slack[a] || a - b);
  return steps.slice(0, count).map((t) => ({
    step: t,
    merge: [mergeList[t][0], mergeList[t][1]],
    slack: slack[t] / lp.scale,
  }));
}
