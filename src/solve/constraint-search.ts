// The lazy constraint search behind solveMixture: sweep the merge steps for violated constraints,
// add them in batches and re-solve, release the anchor, and stop once a whole sweep adds nothing.
// Also the search's tuning (bench/solve.ts compares the earlier loops through it; not public API).
import type { ProgressCallback } from '../common/progress.js';
import { solveFailure, type LazyMixtureLp } from './lazy-lp.js';
import type { LpBackend, LpSolution } from './backends/lp-model.js';
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
  /**
   * A bound sweep is made at most once per boundInterval x the last one's time (default 10, so
   * bounds cost ~10% of a solve); 0 makes one after every round (tests that need it to be seen).
   */
  boundInterval: number;
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
  boundInterval: 10,
};

export interface SearchSettings {
  tuning: SolveMixtureTuning;
  onProgress: ProgressCallback;
  /** performance.now() past which the search stops with its best shares so far and their gap. */
  deadline: number;
  /** Stop once (upper - lower) / upper is at most this (default 0: only a certified optimum). */
  gap?: number;
  /** Cap on the LP's nonzeros: a batch that would pass it stops the search instead (default none). */
  maxNonzeros?: number;
  /** Aborting stops the search with its best shares so far (Ctrl-C). */
  signal?: AbortSignal;
  /** A resumed solve's state (checkpoint.ts): a lower bound of the same full LP and its best point. */
  resumed?: { lower: number; best?: BestPoint };
  /** Called after a re-solve at most every checkpointSeconds (default 60) with the bounds and best point. */
  onCheckpoint?: (state: CheckpointState) => void;
  checkpointSeconds?: number;
}

/** What a checkpoint of a running search holds besides the LP's rows (scaled units). */
export interface CheckpointState {
  lower: number;
  upper: number;
  gap: number;
  alpha: Float64Array;
  vp: Float64Array;
}

/** Why a search ended before a certified optimum. */
export type StopReason = 'gap' | 'time-limit' | 'size-cap' | 'interrupted' | 'solver-aborted';

export interface SearchResult {
  /** The plain LP's optimal objective in the model's scaled units (the anchor released). */
  objective: number;
  rounds: number;
  lpSeconds: number;
  /** Constraint rows dropped as slack over the whole search (they may have come back). */
  rowsDropped: number;
  /** True when a whole sweep under the plain LP's optimum found nothing (the paper's certificate). */
  certified: boolean;
  /** Set when the search stopped before that certificate. */
  stopped?: StopReason;
  /** The solver's words when it aborted (stopped 'solver-aborted'). */
  detail?: string;
  /** Scaled bounds on the full LP's optimum: a restricted LP's objective, and a feasible point's. */
  lower: number;
  upper: number;
  /** (upper - lower) / upper, 0 when certified. */
  gap: number;
  /**
   * Uncertified only: the step slacks of the reported point (the lp's alpha and vp hold its shares
   * and pair slacks), as `upperBound` computed them.
   */
  stepSlack?: Float64Array;
  /** The most rows and nonzeros the LP held. */
  peakRows: number;
  peakNonzeros: number;
  /** Bound sweeps made for the progress display and --gap, and their seconds. */
  boundSweeps: number;
  boundSeconds: number;
}

/** Rows the LP may hold, at least and per column, before tight rows without a dual are dropped. */
const ROW_CAP_MIN = 50_000;
const ROW_CAP_PER_COLUMN = 10;
/** Rounds after which slack rows are dropped only when the objective rose (a guard against cycling). */
const MAX_DROP_ROUNDS = 200;
/** Bound sweeps (one whole sweep each, spaced by tuning.boundInterval) start after this, unless --gap. */
const BOUND_FIRST_SECONDS = 2;
/** Sweep steps between checks of the clock and the abort signal. */
const CHECK_EVERY = 256;

/**
 * Runs the search on `lp` (fresh: only its simplex row) until the current shares violate no
 * constraint of the full LP; `lp` then holds the optimum (alpha, slacks) and the rows that made it.
 * Stopped early (time limit, --gap, size cap, abort), `lp.alpha` and `lp.vp` hold the best point
 * found, whose objective and distance to the lower bound the result states.
 */
export async function searchConstraints(
  lp: LazyMixtureLp,
  backend: LpBackend,
  settings: SearchSettings,
): Promise<SearchResult> {
  return new ConstraintSearch(lp, backend, settings).run();
}

/** The best point found so far by a bound sweep: shares, pair slacks, step slacks, objective. */
export interface BestPoint {
  alpha: Float64Array;
  vp: Float64Array;
  stepSlack: Float64Array;
  upper: number;
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
 * - `lower`: the largest plain restricted LP objective seen (every restriction is a relaxation);
 *   `best`: the point with the smallest full-LP objective a bound sweep has found; `boundFresh`:
 *   whether the current shares' bound has been computed since the last re-solve.
 */
class ConstraintSearch {
  private readonly tuning: SolveMixtureTuning;
  private readonly T: number;
  private readonly span: number;
  private readonly pool: ViolationPool;
  private readonly started = performance.now();
  private cursor = 0;
  private clean = 0;
  private seen = 0;
  private rounds = 0;
  private lpSeconds = 0;
  private objective = 0;
  private droppedAt = Number.NEGATIVE_INFINITY;
  private rowsDropped = 0;
  private lower = 0;
  private best?: BestPoint;
  private boundFresh = false;
  private boundSweeps = 0;
  private boundSeconds = 0;
  private lastBoundEnd = performance.now();
  private lastBoundSeconds = 0;
  private peakRows = 0;
  private peakNonzeros = 0;
  private stopped?: StopReason;
  private detail?: string;
  private lastYield = performance.now();
  private lastCheckpoint = performance.now();
  /** When the first sweep started (after the setup), for the sweep's pace. */
  private swept = 0;

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
    if (settings.resumed) {
      this.lower = settings.resumed.lower;
      this.best = settings.resumed.best;
    }
    this.startSweep();
    this.swept = performance.now();
  }

  async run(): Promise<SearchResult> {
    let certified = false;
    let steps = 0;
    for (;;) {
      if (steps++ % CHECK_EVERY === 0) {
        if (this.outOfTime()) break;
        await this.yieldNow();
        if (this.settings.signal?.aborted) {
          this.stopped = 'interrupted';
          break;
        }
      }
      // 2. Sweep one step: offer the pairs beating its merge to the pool, then apply the merge.
      this.sweepStep();
      if (this.clean >= this.span) {
        // 5. Certified: a whole sweep under the plain LP's optimum added nothing.
        if (!this.lp.anchored) {
          certified = true;
          break;
        }
        // 4. Optimal with the anchor: release it, re-solve, and sweep until the plain optimum is clean.
        this.releaseAnchor();
        if (!this.solveRound()) break;
        this.clean = 0;
        this.startSweep();
        continue;
      }
      // 3. Add a batch and re-solve once the pool has chosen among enough candidates (or a pass ended).
      const passEnded = this.cursor === this.T;
      if (this.seen >= this.tuning.poolFactor * this.pool.capacity || (passEnded && this.seen > 0)) {
        if (!this.addBatchAndResolve()) break;
        if (this.boundDue() && this.measureBound()) break;
        this.checkpointIfDue();
        await this.yieldNow();
      } else if (passEnded) this.startSweep();
    }
    return this.finish(certified);
  }

  /** The result; an uncertified search first bounds its current point and reports the best one. */
  private finish(certified: boolean): SearchResult {
    const { lp } = this;
    const base = {
      objective: this.objective,
      rounds: this.rounds,
      lpSeconds: this.lpSeconds,
      rowsDropped: this.rowsDropped,
      peakRows: Math.max(this.peakRows, lp.rows),
      peakNonzeros: Math.max(this.peakNonzeros, lp.model.numNonzeros),
    };
    if (certified) {
      this.lower = Math.max(this.lower, this.objective);
      return {
        ...base,
        certified,
        lower: this.lower,
        upper: this.objective,
        gap: 0,
        boundSweeps: this.boundSweeps,
        boundSeconds: this.boundSeconds,
      };
    }
    if (!this.boundFresh) this.measureBound();
    const best = this.best!;
    lp.alpha.set(best.alpha);
    lp.vp.set(best.vp);
    return {
      ...base,
      certified,
      stopped: this.stopped ?? 'time-limit',
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      lower: this.lower,
      upper: best.upper,
      gap: gapOf(this.lower, best.upper, this.floor()),
      stepSlack: best.stepSlack,
      boundSweeps: this.boundSweeps,
      boundSeconds: this.boundSeconds,
    };
  }

  /** Hands the search's state to onCheckpoint once checkpointSeconds have passed since the last time. */
  private checkpointIfDue(): void {
    const { onCheckpoint, checkpointSeconds = 60 } = this.settings;
    const best = this.best;
    if (!onCheckpoint || !best || performance.now() - this.lastCheckpoint < checkpointSeconds * 1000) return;
    onCheckpoint({
      lower: this.lower,
      upper: best.upper,
      gap: gapOf(this.lower, best.upper, this.floor()),
      alpha: best.alpha,
      vp: best.vp,
    });
    this.lastCheckpoint = performance.now();
  }

  /** Below this objective (scaled), upper and lower bounds count as equal: the sweep's tolerance per step. */
  private floor(): number {
    return this.lp.settings.tolerance * this.span;
  }

  /** Lets the event loop run (a Ctrl-C handler, timers), at most every 200 ms. */
  private async yieldNow(): Promise<void> {
    if (performance.now() - this.lastYield < 200) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }

  /**
   * Past the search's own deadline: the run's deadline less the time of one bound sweep (the last
   * one's, or an estimate from the sweep so far), kept for bounding the point to report.
   */
  private outOfTime(): boolean {
    if (this.settings.deadline === Infinity) return false;
    if (performance.now() + this.reserveMs() < this.settings.deadline) return false;
    this.stopped = 'time-limit';
    return true;
  }

  private reserveMs(): number {
    let estimate = 0;
    if (this.boundSweeps > 0) estimate = this.lastBoundSeconds * 1000;
    else if (this.lp.sweptSteps >= Math.min(this.span, CHECK_EVERY)) {
      // The sweep's pace so far (the setup's time left out), over one whole sweep.
      const sweepMs = performance.now() - this.swept - (this.lpSeconds + this.boundSeconds) * 1000;
      estimate = (sweepMs / this.lp.sweptSteps) * this.span;
    }
    return 1.5 * estimate + 50;
  }

  /** Whether a bound sweep is due: --gap or the progress display, within ~10% of the time. */
  private boundDue(): boolean {
    const now = performance.now();
    // Asked for a gap, or under a time limit, the first bound comes after the first round: the
    // time kept for the last bound is then that of a real sweep, not extrapolated from the first
    // steps (their pace, re-solves included, foretold 150 s sweeps at T = 30,000 and stopped a
    // 75 s run after 4 s). Otherwise the first bound comes after a few seconds.
    const early = this.settings.gap !== undefined || this.settings.deadline !== Infinity;
    if (!early && now - this.started < BOUND_FIRST_SECONDS * 1000) return false;
    return now - this.lastBoundEnd >= this.settings.tuning.boundInterval * this.lastBoundSeconds * 1000;
  }

  /**
   * One bound sweep under the current point; keeps it if it is the best so far, reports both
   * bounds, puts the sweep back where it was. Returns true when the gap asked for is reached.
   */
  private measureBound(): boolean {
    const { lp } = this;
    const start = performance.now();
    const stepSlack = new Float64Array(lp.steps);
    const upper = lp.upperBound(stepSlack);
    if (!this.best || upper < this.best.upper) {
      this.best = { alpha: Float64Array.from(lp.alpha), vp: Float64Array.from(lp.vp), stepSlack, upper };
    }
    lp.seek(this.cursor);
    this.boundFresh = true;
    this.lastBoundEnd = performance.now();
    this.lastBoundSeconds = (this.lastBoundEnd - start) / 1000;
    this.boundSeconds += this.lastBoundSeconds;
    this.boundSweeps++;
    const gap = gapOf(this.lower, this.best.upper, this.floor());
    this.settings.onProgress({
      stage: 'solve',
      done: this.rounds,
      total: 0,
      unit: 'rounds',
      detail: `${this.describe()}, bounds ${(this.lower / lp.scale).toExponential(3)} .. ${(this.best.upper / lp.scale).toExponential(3)} (gap ${(100 * gap).toPrecision(3)}%)`,
    });
    if ((this.settings.gap ?? 0) > 0 && gap <= this.settings.gap!) {
      this.stopped = 'gap';
      return true;
    }
    return false;
  }

  private describe(): string {
    return `${this.lp.constraints} constraints (${this.lp.rows} rows)`;
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

  /** Returns false when the search must stop (time, size cap, solver abort). */
  private addBatchAndResolve(): boolean {
    const cap = this.settings.maxNonzeros;
    if (cap !== undefined && this.lp.model.numNonzeros + this.pool.nonzeros() > cap) {
      this.stopped = 'size-cap';
      return false;
    }
    this.lp.addPooled(this.pool);
    if (!this.solveRound()) return false;
    this.pool.reset(this.batchSize());
    this.seen = 0;
    this.clean = 0;
    // 'continue' goes on from the same step under the new shares; 'restart' starts a new pass.
    if (this.tuning.resume === 'restart' || this.cursor === this.T) this.startSweep();
    else this.lp.recomputePriorities();
    return true;
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

  /**
   * Re-solves the LP, adopts its optimum, and drops rows that went slack. Returns false, leaving
   * the current point as it was, when the time is up or the solver aborted (out of memory).
   */
  private solveRound(): boolean {
    const { lp } = this;
    if (this.outOfTime()) return false;
    this.peakRows = Math.max(this.peakRows, lp.rows);
    this.peakNonzeros = Math.max(this.peakNonzeros, lp.model.numNonzeros);
    const lpStart = performance.now();
    let solution = this.solveLp();
    if (!solution) return false;
    lp.adopt(solution.x);
    // The anchor only picks among shares that all explain the merges found so far without slack;
    // once slack is needed, the slacks decide and the pull would only slow the rounds down.
    if (lp.anchored && lp.slackTotal() > lp.settings.tolerance) {
      this.releaseAnchor();
      solution = this.solveLp();
      if (!solution) return false;
      lp.adopt(solution.x);
    }
    this.lpSeconds += (performance.now() - lpStart) / 1000;
    this.objective = solution.objective;
    this.boundFresh = false;
    // Any restriction of the plain LP is a relaxation of the full one; the anchored LP's is not.
    if (!lp.anchored) this.lower = Math.max(this.lower, this.objective);
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
    this.settings.onProgress({
      stage: 'solve',
      done: this.rounds,
      total: 0,
      unit: 'rounds',
      detail: `${this.describe()}, objective ${(this.objective / lp.scale).toExponential(3)}`,
    });
    return true;
  }

  /**
   * One LP solve. A time limit inside the solver, or a WebAssembly abort once a point exists, stops
   * the search (undefined); any other failure is thrown as the solver's error.
   */
  private solveLp(): LpSolution | undefined {
    const solution = this.backend.solve(this.lp.model, { timeLimitSeconds: this.remaining() });
    if (solution.status === 'optimal') return solution;
    if (solution.status === 'time-limit') {
      this.stopped = 'time-limit';
      return undefined;
    }
    if (solution.status === 'error' && /aborted/i.test(solution.detail ?? '') && this.rounds > 0) {
      this.stopped = 'solver-aborted';
      this.detail = solution.detail;
      return undefined;
    }
    // Any other failure is the solver's error, as it said it (not re-solved: a second solve without
    // a time limit could run unbounded, or succeed and hide the first failure).
    throw solveFailure(solution, this.backend.name, 'the mixture LP');
  }

  private remaining(): number | undefined {
    const { deadline } = this.settings;
    if (deadline === Infinity) return undefined;
    return Math.max(0.01, (deadline - this.reserveMs() - performance.now()) / 1000);
  }
}

/** (upper - lower) / upper, with objectives below `floor` (the tolerance summed over steps) as 0. */
export function gapOf(lower: number, upper: number, floor: number): number {
  const gap = Math.max(0, upper - lower) / Math.max(upper, floor);
  return Math.min(1, gap);
}
