// solveMixture: from per-category transcripts to the estimated mixture. Drives the lazy LP (sweep,
// add constraints, re-solve until a whole sweep adds none), then checks whether the optimum is
// unique and converts pair shares into byte shares.
import type { Transcript } from '../bpe/types.js';
import type { Merge } from '../tokenizer/spec.js';
import { UserError } from '../common/errors.js';
import { noProgress } from '../common/progress.js';
import type { ProgressCallback } from '../common/progress.js';
import type { MixtureEstimate, SolverBackend, UnexplainedMerge } from './types.js';
import { buildPairUniverse } from './pair-universe.js';
import { LazyMixtureLp } from './lazy-lp.js';
import { createBackend } from './backends/index.js';
import { byteShareOf } from './shares.js';
import { exploreOptimalFace } from './optimal-face.js';
import { ViolationPool } from './violation-pool.js';

export interface SolveMixtureOptions {
  /** The tokenizer's merge list (at least as long as the transcripts), for naming merges. */
  mergeList: readonly Merge[];
  /**
   * 0-based first merge step that gets constraints (default 0). Merges before it are applied, so
   * step firstStep sees the counts after merges 0..firstStep-1, but constrain nothing (e.g. the
   * merges a tokenizer inherited from another). Shares stay normalized by step-0 pair totals.
   */
  firstStep?: number;
  /**
   * Steps applied but never constrained, wherever they fall (mask over steps, 1 = excluded):
   * merges BPE did not learn, interleaved in the attacked range (src/tokenizer/hand-added.ts).
   */
  excludedSteps?: Uint8Array;
  backend?: SolverBackend;
  onProgress?: ProgressCallback;
  /** Wall-clock limit for the whole solve (sweeps and LPs), in seconds. */
  timeLimitSeconds?: number;
  /** Category names, used in error messages. */
  names?: string[];
  /** Competitors examined per merge step (reference: 10). */
  competitorBatch?: number;
  /** New constraints collected before re-solving, at least (reference: 100). */
  maxAdd?: number;
  /**
   * A round adds max(maxAdd, batchGrowth * rows the LP holds) new constraints (default 1;
   * bench/solve.ts's earlier loops use 0.25). 0 gives the reference's fixed batches. Batches tied
   * to the rows held (not to all constraints ever added) keep each warm-started solve small once
   * slack rows are dropped.
   */
  batchGrowth?: number;
  /** What batchGrowth multiplies: the rows the LP holds (default) or all constraints ever added. */
  batchOf?: 'rows' | 'constraints';
  /**
   * Drop constraint rows that are slack at the current optimum once the LP holds more than twice
   * as many rows as columns (default true); the sweep re-adds any that become violated.
   */
  dropSlackRows?: boolean;
  /**
   * Weight of the pull towards uniform shares while constraints are being found, per unit of L1
   * distance, in occurrences of a typical category (default 1; 0 turns it off). See LazyMixtureLp.anchor.
   */
  anchorWeight?: number;
  /**
   * After a re-solve, go on sweeping from the same step ('continue', default) or start again from
   * step 0 ('restart', the reference's rule). Either way the answer is certified by a whole sweep
   * that adds nothing; 'continue' needs 2-3x less time (bench/solve.ts, infer gpt-4o).
   */
  resume?: 'restart' | 'continue';
  /**
   * A round adds the `batch` most violated constraints among the first poolFactor x batch the
   * sweep meets (default 3; 1: those met first, as the earlier loops did; Infinity: the most
   * violated of a whole pass). Choosing among more candidates adds fewer rows that later go slack
   * (bench/solve.ts and the README's solver tables).
   */
  poolFactor?: number;
  /** Tolerance on a pair beating a merge, in occurrences of a typical category (default 1e-6). */
  tolerance?: number;
  /** How many of the worst-explained merges to report (default 20). */
  unexplainedCount?: number;
  /** Check whether the optimum is unique and, if not, bound each byte share (default true). */
  uncertainty?: boolean;
  /** Byte-share spread below which the optimum counts as unique (default 1e-6). */
  uniqueTolerance?: number;
  /** Seed of the random direction used to probe the optimal face (default 1). */
  seed?: number;
}

/** Rows the LP may hold, at least and per column, before tight rows without a dual are dropped. */
const ROW_CAP_MIN = 50_000;
const ROW_CAP_PER_COLUMN = 10;
/** Rounds after which slack rows are dropped only when the objective rose (a guard against cycling). */
const MAX_DROP_ROUNDS = 200;

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
  if (options.mergeList.length < steps) {
    throw new Error(`merge list has ${options.mergeList.length} merges, transcripts ${steps} steps`);
  }
}

export async function solveMixture(
  transcripts: Transcript[],
  options: SolveMixtureOptions,
): Promise<MixtureEstimate> {
  validate(transcripts, options);
  const onProgress = options.onProgress ?? noProgress;
  const started = performance.now();
  const deadline =
    options.timeLimitSeconds !== undefined ? started + options.timeLimitSeconds * 1000 : Infinity;
  const remaining = () =>
    deadline === Infinity ? undefined : Math.max(0.01, (deadline - performance.now()) / 1000);
  const backend = await createBackend(options.backend ?? 'highs');
  try {
    const universe = buildPairUniverse(transcripts);
    const lp = new LazyMixtureLp(transcripts, universe, {
      competitorBatch: options.competitorBatch ?? 10,
      tolerance: options.tolerance ?? 1e-6,
      firstStep: options.firstStep,
      excludedSteps: options.excludedSteps,
    });
    const maxAdd = options.maxAdd ?? 100;
    const batchGrowth = options.batchGrowth ?? 1;
    const batchOfRows = (options.batchOf ?? 'rows') === 'rows';
    const dropSlack = options.dropSlackRows ?? true;
    const T = lp.steps;
    let lpSeconds = 0;
    let rounds = 0;
    let objectiveScaled = 0;
    let droppedAt = Number.NEGATIVE_INFINITY;
    const releaseAnchor = () => {
      lp.releaseAnchor();
      droppedAt = Number.NEGATIVE_INFINITY; // the objective loses the anchor's term
    };
    let cursor = lp.firstStep;
    const solveRound = () => {
      if (performance.now() > deadline) {
        throw new UserError(
          `solver ${backend.name}: time limit of ${options.timeLimitSeconds} s reached after ${rounds} rounds; allow more time or use fewer --merges`,
        );
      }
      const lpStart = performance.now();
      let solution = lp.solve(backend, remaining(), 'the mixture LP');
      lp.adopt(solution.x);
      // The anchor only picks among shares that all explain the merges found so far without slack;
      // once slack is needed, the slacks decide and the pull would only slow the rounds down.
      if (lp.anchored && slackTotal(lp) > lp.settings.tolerance) {
        releaseAnchor();
        solution = lp.solve(backend, remaining(), 'the mixture LP');
        lp.adopt(solution.x);
      }
      lpSeconds += (performance.now() - lpStart) / 1000;
      objectiveScaled = solution.objective;
      rounds++;
      // Dropping cannot cycle while the objective rises (it never falls as rows are added), so past
      // MAX_DROP_ROUNDS rows are only dropped after a round that raised it.
      const rising = objectiveScaled > droppedAt * (1 + 1e-9) + 1e-12;
      if (dropSlack && (rounds <= MAX_DROP_ROUNDS || rising) && lp.rows > 1000) {
        droppedAt = objectiveScaled;
        // Tight rows pile up while many shares are optimal (up to a million at 112 categories, where
        // HiGHS's WebAssembly memory gives out); past the cap, rows without a shadow price go too.
        const crowded = lp.rows > Math.max(ROW_CAP_MIN, ROW_CAP_PER_COLUMN * lp.variables);
        lp.dropSlackRows(solution.x, crowded ? solution.rowDual : undefined);
      }
      onProgress({
        stage: 'solve',
        done: rounds,
        total: 0,
        unit: 'rounds',
        detail: `${lp.constraints} constraints (${lp.rows} rows), objective ${(objectiveScaled / lp.scale).toExponential(3)}`,
      });
    };

    // Sweep the steps; re-solve after a batch of new constraints. With `restart` (the reference's
    // rule) the next sweep starts again at step firstStep under the new shares; with `continue` it
    // goes on from the same step and wraps around. Stop after `span` consecutive steps (a whole
    // sweep of steps firstStep..T-1 under one assignment) add no constraint.
    const restart = (options.resume ?? 'continue') === 'restart';
    const span = T - lp.firstStep;
    lp.resetCounts();
    lp.recomputePriorities();
    let clean = 0;
    const anchorWeight = options.anchorWeight ?? 1;
    if (anchorWeight > 0) lp.anchor(anchorWeight);
    // Candidates wait in a pool that keeps the most violated; a round adds the pool's rows once the
    // sweep has met poolFactor times as many candidates as a batch holds (or at the end of a pass).
    const poolFactor = options.poolFactor ?? 3;
    const batchSize = () =>
      Math.ceil(Math.max(maxAdd, batchGrowth * (batchOfRows ? lp.rows : lp.constraints)));
    const pool = new ViolationPool(batchSize(), lp.n);
    let seen = 0;
    for (;;) {
      const found = lp.checkStep(cursor, pool);
      if (found > 0) {
        seen += found;
        clean = 0;
      } else clean++;
      lp.applyStep(cursor);
      cursor++;
      if (clean >= span) {
        if (!lp.anchored) break;
        // Optimal with the anchor: release it and go on until a sweep under the plain LP's optimum is clean.
        releaseAnchor();
        solveRound();
        clean = 0;
        cursor = T;
      }
      if (seen >= poolFactor * pool.capacity || (cursor === T && seen > 0)) {
        lp.addPooled(pool);
        solveRound();
        pool.reset(batchSize());
        seen = 0;
        clean = 0;
        if (restart) cursor = T;
        else if (cursor < T) lp.recomputePriorities();
      }
      if (cursor === T) {
        cursor = lp.firstStep;
        lp.resetCounts();
        lp.recomputePriorities();
      }
    }
    const elapsed = (performance.now() - started) / 1000;
    let sweepSeconds = elapsed - lpSeconds;

    const pairShare = Array.from(lp.alpha);
    const ratios = transcripts.map((t) => t.totals.bytes / t.totals.pairs);
    const byteShare = byteShareOf(pairShare, ratios);
    const sums = lp.slackSums();

    const estimate: MixtureEstimate = {
      pairShare,
      byteShare,
      backend: backend.name,
      objective: (sums.steps + sums.pairs) / lp.scale,
      slackTotal: sums.steps / lp.scale,
      unexplainedMerges: worstMerges(lp, options.mergeList, options.unexplainedCount ?? 20),
      rounds,
      constraints: lp.constraints,
      variables: lp.variables,
      sweepSeconds,
      lpSeconds,
    };
    if (options.uncertainty ?? true) {
      const face = exploreOptimalFace(lp, backend, {
        objective: objectiveScaled,
        ratios,
        uniqueTolerance: options.uniqueTolerance ?? 1e-6,
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
      sweepSeconds += face.sweepSeconds;
      estimate.sweepSeconds = sweepSeconds;
    }
    const absent = countAbsent(lp, options.excludedSteps);
    if (absent > 0) {
      const attacked = span - countExcluded(lp, options.excludedSteps);
      const note = `${absent} of ${attacked} merges occur in no category's sample and constrain nothing`;
      estimate.uncertainty = estimate.uncertainty
        ? { ...estimate.uncertainty, note: `${estimate.uncertainty.note}; ${note}` }
        : { unique: true, note };
    }
    return estimate;
  } finally {
    backend.dispose();
  }
}

function slackTotal(lp: LazyMixtureLp): number {
  const sums = lp.slackSums();
  return sums.steps + sums.pairs;
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

/** The merges with the largest step slacks: those the candidate categories explain worst. */
function worstMerges(lp: LazyMixtureLp, mergeList: readonly Merge[], count: number): UnexplainedMerge[] {
  const steps: number[] = [];
  for (let t = lp.firstStep; t < lp.steps; t++) if (lp.vtCol[t] >= 0 && lp.vt[t] > 1e-9) steps.push(t);
  steps.sort((a, b) => lp.vt[b] - lp.vt[a] || a - b);
  return steps.slice(0, count).map((t) => ({
    step: t,
    merge: [mergeList[t][0], mergeList[t][1]],
    slack: lp.vt[t] / lp.scale,
  }));
}
