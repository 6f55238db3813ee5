// The lazy constraint search behind solveMixture: sweep the merge steps for violated constraints,
// add them in batches and re-solve, release the anchor, and stop once a whole sweep adds nothing.
// Also the search's tuning (bench/solve.ts compares the earlier loops through it; not public API).
import { UserError } from '../common/errors.js';
import type { ProgressCallback } from '../common/progress.js';
import type { LazyMixtureLp } from './lazy-lp.js';
import type { LpBackend } from './backends/lp-model.js';
import { ViolationPool } from './violation-pool.js';

/** How the search gets to the optimum; none of it changes the optimum, only the time to reach it. */
export interface SolveMixtureTuning {
  /** Competitors examined per merge step (reference: 10). */
  competitorBatch: number;
  /** New constraints collected before re-solving, at least (reference: 100). */
  maxAdd: number;
  /**
   * A round adds max(maxAdd, batchGrowth * rows the LP holds) new constraints (default 1;
   * bench/solve.ts's earlier loops use 0.25). 0 gives the reference's fixed batches. Batches tied
   * to the rows held (not to all constraints ever added) keep each warm-started solve small once
   * slack rows are dropped.
   */
  batchGrowth: number;
  /** What batchGrowth multiplies: the rows the LP holds (default) or all constraints ever added. */
  batchOf: 'rows' | 'constraints';
  /**
   * Drop constraint rows that are slack at the current optimum once the LP holds more than
   * dropRowsAbove rows (default true); the sweep re-adds any that become violated.
   */
  dropSlackRows: boolean;
  /** Rows the LP must hold before slack rows are dropped (default 1,000). */
  dropRowsAbove: number;
  /**
   * Weight of the pull towards uniform shares while constraints are being found, per unit of L1
   * distance, in occurrences of a typical category (default 1; 0 turns it off). See LazyMixtureLp.anchor.
   */
  anchorWeight: number;
  /**
   * After a re-solve, go on sweeping from the same step ('continue', default) or start again from
   * step firstStep ('restart', the reference's rule). Either way the answer is certified by a whole
   * sweep that adds nothing; 'continue' needs 2-3x less time (bench/solve.ts, infer gpt-4o).
   */
  resume: 'restart' | 'continue';
  /**
   * A round adds the `batch` most violated constraints among the first poolFactor x batch the
   * sweep meets (default 3; 1: those met first, as the earlier loops did; Infinity: the most
   * violated of a whole pass). Choosing among more candidates adds fewer rows that later go slack
   * (bench/solve.ts and the README's solver tables).
   */
  poolFactor: number;
}

export const DEFAULT_TUNING: SolveMixtureTuning = {
  competitorBatch: 10,
  maxAdd: 100,
  batchGrowth: 1,
  batchOf: 'rows',
  dropSlackRows: true,
  dropRowsAbove: 1000,
  anchorWeight: 1,
  resume: 'continue',
  poolFactor: 3,
};

export interface SearchSettings {
  tuning: SolveMixtureTuning;
  onProgress: ProgressCallback;
  /** performance.now() past which the search gives up with a UserError. */
  deadline: number;
  /** The time limit as the user gave it, for the error message. */
  timeLimitSeconds?: number;
}

export interface SearchResult {
  /** The plain LP's optimal objective in the model's scaled units (the anchor released). */
  objective: number;
  rounds: number;
  lpSeconds: number;
  /** Constraint rows dropped as slack over the whole search (they may have come back). */
  rowsDropped: number;
}

/** Rows the LP may hold, at least and per column, before tight rows without a dual are dropped. */
const ROW_CAP_MIN = 50_000;
const ROW_CAP_PER_COLUMN = 10;
/** Rounds after which slack rows are dropped only when the objective rose (a guard against cycling). */
const MAX_DROP_ROUNDS = 200;

/**
 * Runs the search on `lp` (fresh: only its simplex row) until the current shares violate no
 * constraint of the full LP; `lp` then holds the optimum (alpha, slacks) and the rows that made it.
 */
export function searchConstraints(
  lp: LazyMixtureLp,
  backend: LpBackend,
  settings: SearchSettings,
): SearchResult {
  return new ConstraintSearch(lp, backend, settings).run();
}

/**
 * The search's state, all of it here:
 * - `cursor`: the next step the sweep checks; the LP's counts are those after merges 0..cursor-1.
 *   The sweep wraps from the last step back to firstStep (counts and priorities recomputed).
 * - `clean`: consecutive steps, under the current shares, that found nothing. `span` of them (every
 *   step firstStep..T-1 once) certify the shares: no row of the full LP is violated.
 * - `seen`: candidates met since the last re-solve; the pool keeps the most violated of them.
 * - whether the LP is anchored: lives in the LP (`lp.anchored`), released once, never re-set.
 * - `droppedAt`: the objective when rows were last dropped (the anti-cycling guard).
 */
class ConstraintSearch {
  private readonly tuning: SolveMixtureTuning;
  private readonly T: number;
  private readonly span: number;
  private readonly pool: ViolationPool;
  private cursor = 0;
  private clean = 0;
  private seen = 0;
  private rounds = 0;
  private lpSeconds = 0;
  private objective = 0;
  private droppedAt = Number.NEGATIVE_INFINITY;
  private rowsDropped = 0;

  constructor(
    private readonly lp: LazyMixtureLp,
    private readonly backend: LpBackend,
    private readonly settings: SearchSettings,
  ) {
    this.tuning = settings.tuning;
    this.T = lp.steps;
    this.span = lp.steps - lp.firstStep;
    // 1. Setup: uniform shares pulled towards uniform by the anchor (its rows count in the first
    // batch's size), and the sweep at firstStep.
    if (this.tuning.anchorWeight > 0) lp.anchor(this.tuning.anchorWeight);
    this.pool = new ViolationPool(this.batchSize(), lp.n);
    this.startSweep();
  }

  run(): SearchResult {
    for (;;) {
      // 2. Sweep one step: offer the pairs beating its merge to the pool, then apply the merge.
      this.sweepStep();
      if (this.clean >= this.span) {
        // 5. Certified: a whole sweep under the plain LP's optimum added nothing.
        if (!this.lp.anchored) break;
        // 4. Optimal with the anchor: release it, re-solve, and sweep until the plain optimum is clean.
        this.releaseAnchor();
        this.solveRound();
        this.clean = 0;
        this.startSweep();
        continue;
      }
      // 3. Add a batch and re-solve once the pool has chosen among enough candidates (or a pass ended).
      const passEnded = this.cursor === this.T;
      if (this.seen >= this.tuning.poolFactor * this.pool.capacity || (passEnded && this.seen > 0)) {
        this.addBatchAndResolve();
      } else if (passEnded) this.startSweep();
    }
    return {
      objective: this.objective,
      rounds: this.rounds,
      lpSeconds: this.lpSeconds,
      rowsDropped: this.rowsDropped,
    };
  }

  /** Moves the sweep to firstStep under the current shares. */
  private startSweep(): void {
    this.cursor = this.lp.firstStep;
    this.lp.resetCounts();
    this.lp.recomputePriorities();
  }

  private sweepStep(): void {
    const found = this.lp.checkStep(this.cursor, this.pool);
    if (found > 0) {
      this.seen += found;
      this.clean = 0;
    } else this.clean++;
    this.lp.applyStep(this.cursor);
    this.cursor++;
  }

  private addBatchAndResolve(): void {
    this.lp.addPooled(this.pool);
    this.solveRound();
    this.pool.reset(this.batchSize());
    this.seen = 0;
    this.clean = 0;
    // 'continue' goes on from the same step under the new shares; 'restart' starts a new pass.
    if (this.tuning.resume === 'restart' || this.cursor === this.T) this.startSweep();
    else this.lp.recomputePriorities();
  }

  private batchSize(): number {
    const { maxAdd, batchGrowth, batchOf } = this.tuning;
    return Math.ceil(
      Math.max(maxAdd, batchGrowth * (batchOf === 'rows' ? this.lp.rows : this.lp.constraints)),
    );
  }

  private releaseAnchor(): void {
    this.lp.releaseAnchor();
    this.droppedAt = Number.NEGATIVE_INFINITY; // the objective loses the anchor's term
  }

  /** Re-solves the LP, adopts its optimum, and drops rows that went slack. */
  private solveRound(): void {
    const { lp, backend, settings } = this;
    if (performance.now() > settings.deadline) {
      throw new UserError(
        `solver ${backend.name}: time limit of ${settings.timeLimitSeconds} s reached after ${this.rounds} rounds; allow more time or use fewer --merges`,
      );
    }
    const lpStart = performance.now();
    let solution = lp.solve(backend, this.remaining(), 'the mixture LP');
    lp.adopt(solution.x);
    // The anchor only picks among shares that all explain the merges found so far without slack;
    // once slack is needed, the slacks decide and the pull would only slow the rounds down.
    if (lp.anchored && slackTotal(lp) > lp.settings.tolerance) {
      this.releaseAnchor();
      solution = lp.solve(backend, this.remaining(), 'the mixture LP');
      lp.adopt(solution.x);
    }
    this.lpSeconds += (performance.now() - lpStart) / 1000;
    this.objective = solution.objective;
    this.rounds++;
    // Dropping cannot cycle while the objective rises (it never falls as rows are added), so past
    // MAX_DROP_ROUNDS rows are only dropped after a round that raised it.
    const rising = this.objective > this.droppedAt * (1 + 1e-9) + 1e-12;
    const { dropSlackRows, dropRowsAbove } = this.tuning;
    if (dropSlackRows && (this.rounds <= MAX_DROP_ROUNDS || rising) && lp.rows > dropRowsAbove) {
      this.droppedAt = this.objective;
      // Tight rows pile up while many shares are optimal (up to a million at 112 categories, where
      // HiGHS's WebAssembly memory gives out); past the cap, rows without a shadow price go too.
      const crowded = lp.rows > Math.max(ROW_CAP_MIN, ROW_CAP_PER_COLUMN * lp.variables);
      this.rowsDropped += lp.dropSlackRows(solution.x, crowded ? solution.rowDual : undefined);
    }
    settings.onProgress({
      stage: 'solve',
      done: this.rounds,
      total: 0,
      unit: 'rounds',
      detail: `${lp.constraints} constraints (${lp.rows} rows), objective ${(this.objective / lp.scale).toExponential(3)}`,
    });
  }

  private remaining(): number | undefined {
    const { deadline } = this.settings;
    return deadline === Infinity ? undefined : Math.max(0.01, (deadline - performance.now()) / 1000);
  }
}

function slackTotal(lp: LazyMixtureLp): number {
  const sums = lp.slackSums();
  return sums.steps + sums.pairs;
}
