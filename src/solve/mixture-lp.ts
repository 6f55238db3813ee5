// MixtureLp: the paper's linear program (§3) as the rows found so far. It owns the LP model (share
// columns, the simplex row, one slack column per constrained step and per competing pair, the
// objective), the rows held, solving, the current assignment and the portable state for warm starts
// and checkpoints. Which rows to add is the merge sweep's job (merge-sweep.ts); this module only
// holds them.
import type { Transcript } from '../bpe/types.js';
import { UserError } from '../common/errors.js';
import type { PairUniverse } from './pair-universe.js';
import { LpModel } from './backends/lp-model.js';
import type { ViolationPool } from './violation-pool.js';
import type { LpBackend, LpSolution } from './backends/lp-model.js';

/**
 * A constraint row by merge step and pair symbols, portable between LPs of one tokenizer (warm
 * starts). A symbol is its vocabulary id (>= 0), or, for a character outside the vocabulary (ids
 * there are per transcript), -(code point + 1): `portableSymbol`.
 */
export interface WarmRow {
  step: number;
  left: number;
  right: number;
}

/** Largest code point + 1: the span of negative portable symbols. */
const CODE_POINTS = 0x110000;

/** A symbol as a WarmRow names it: its id in the vocabulary, else its character; undefined if several. */
export function portableSymbol(transcript: Transcript, id: number): number | undefined {
  if (id < transcript.vocabSize) return id;
  const name = transcript.extraSymbols[id - transcript.vocabSize];
  const point = name.codePointAt(0);
  return point !== undefined && name.length === (point > 0xffff ? 2 : 1) ? -(point + 1) : undefined;
}

/** A pair's slack by the pair's symbols (portable like a WarmRow), for a checkpoint. */
export interface PairSlackEntry {
  left: number;
  right: number;
  value: number;
}

/** Row duals at most this large (objective units per unit of row activity) count as zero. */
const DUAL_ZERO = 1e-9;

export interface LazyLpSettings {
  /** Competitors examined per step (the reference's competitor_batch_size). */
  competitorBatch: number;
  /** Absolute tolerance, in scaled count units (one occurrence in a typical category ~ 1). */
  tolerance: number;
  /** First merge step that gets constraints (default 0); earlier merges are applied only. */
  firstStep?: number;
  /** Steps (mask, 1 = excluded) applied but never constrained, e.g. hand-added merges. */
  excludedSteps?: Uint8Array;
  /**
   * Noise-aware rows (default 0: the paper's LP): each row is loosened by noiseZ Poisson standard
   * deviations per category, sum_i alpha_i w_i [(c_i(m) - c_i(p)) + z sqrt(c_i(m) + c_i(p))].
   */
  noiseZ?: number;
}

/** The user's error for a solve of `what` that did not end optimal. */
export function solveFailure(solution: LpSolution, backend: string, what: string): UserError {
  const reason =
    solution.status === 'time-limit'
      ? `time limit reached while solving ${what}; allow more time or use fewer --merges`
      : `${solution.detail ?? solution.status} while solving ${what}; try another --solver`;
  return new UserError(`solver ${backend}: ${reason}`, backend);
}

/**
 * Counts are divided by each category's step-0 pair total as in the paper, then multiplied by
 * `scale` (the median pair total) so that one occurrence weighs about 1: the LP solver's absolute
 * tolerances (1e-7..1e-9) then sit far below one occurrence. Reported values are divided back.
 */
export class MixtureLp {
  readonly n: number;
  readonly steps: number;
  readonly numPairs: number;
  readonly scale: number;
  /** First constrained step: rows and step slacks exist only from here on. */
  readonly firstStep: number;
  /** scale / pairs_i: the coefficient of one occurrence of a pair in category i. */
  readonly unitWeight: Float64Array;
  readonly model = new LpModel();
  /** Current assignment the sweep tests: shares, step slacks and pair slacks (scaled). */
  readonly alpha: Float64Array;
  readonly vt: Float64Array;
  readonly vp: Float64Array;
  readonly vtCol: Int32Array;
  readonly vpCol: Int32Array;
  /** Pairs holding a slack column, in creation order. */
  readonly vpPairs: number[] = [];
  readonly simplexRow: number;
  /**
   * Where new slack columns go: -1 in the main LP (they cost 1 in the objective); while exploring
   * the optimal face, the row bounding the total slack (they cost 0 and enter it with coefficient 1).
   */
  private faceBoundRow = -1;
  constraints = 0;
  /** Deviation columns (d+ then d-) and rows alpha_i - d+_i + d-_i = 1/n of the anchor. */
  private readonly anchorCols: number[] = [];
  private readonly anchorRows: number[] = [];
  private readonly keys = new Set<number>();
  /** The (step, pair) key of each model row; -1 for rows that are not mixture constraints. */
  protected rowKeys: number[] = [];
  private readonly rowIndex: Int32Array;
  private readonly rowValue: Float64Array;

  constructor(
    readonly transcripts: Transcript[],
    readonly universe: PairUniverse,
    readonly settings: LazyLpSettings,
  ) {
    this.n = transcripts.length;
    this.steps = universe.steps;
    this.numPairs = universe.numPairs;
    const totals = transcripts.map((t) => t.totals.pairs).sort((a, b) => a - b);
    this.scale = totals[totals.length >> 1];
    this.unitWeight = Float64Array.from(transcripts, (t) => this.scale / t.totals.pairs);
    this.alpha = new Float64Array(this.n).fill(1 / this.n);
    this.vt = new Float64Array(this.steps);
    this.vp = new Float64Array(this.numPairs);
    this.vtCol = new Int32Array(this.steps).fill(-1);
    this.vpCol = new Int32Array(this.numPairs).fill(-1);
    this.firstStep = settings.firstStep ?? 0;
    this.rowIndex = new Int32Array(this.n + 2);
    this.rowValue = new Float64Array(this.n + 2);
    for (let i = 0; i < this.n; i++) this.model.addCol(0, 1, 0);
    const all = Int32Array.from({ length: this.n }, (_, i) => i);
    this.simplexRow = this.model.addRow(1, 1, all, new Float64Array(this.n).fill(1));
    this.rowKeys.push(-1);
  }

  /**
   * Pulls the shares towards uniform by `weight` per unit of L1 distance. While the constraints
   * found so far leave many shares optimal, the simplex returns an extreme vertex (most shares 0)
   * and the next sweep only cuts off that vertex; the anchored optimum is the optimal point closest
   * to uniform, so each sweep tests a central mixture. Released before the final rounds, so the
   * answer is an optimum of the paper's LP.
   */
  anchor(weight: number): void {
    if (this.anchorRows.length > 0) throw new Error('LazyMixtureLp: anchored twice');
    for (let i = 0; i < this.n; i++) {
      const up = this.model.addCol(0, Number.POSITIVE_INFINITY, weight);
      const down = this.model.addCol(0, Number.POSITIVE_INFINITY, weight);
      this.anchorCols.push(up, down);
      this.anchorRows.push(this.model.addRow(1 / this.n, 1 / this.n, [i, up, down], [1, -1, 1]));
      this.rowKeys.push(-1);
    }
  }

  get anchored(): boolean {
    return this.anchorRows.length > 0 && this.model.colCost.data[this.anchorCols[0]] !== 0;
  }

  /** Removes the anchor's pull: its rows become free and its columns cost nothing. */
  releaseAnchor(): void {
    for (const col of this.anchorCols) this.model.setColCost(col, 0);
    for (const row of this.anchorRows)
      this.model.setRowBounds(row, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  get variables(): number {
    return this.model.numCols;
  }

  get rows(): number {
    return this.model.numRows;
  }

  /** Whether the LP holds the row of (step t, pair p). */
  hasRow(t: number, p: number): boolean {
    return this.keys.has(t * this.numPairs + p);
  }

  /** Subtracts each pair's price from its priority: its slack v_p (research/priced-lp.ts adds more). */
  subtractPrices(prio: Float64Array): void {
    for (const g of this.vpPairs) prio[g] -= Math.max(0, this.vp[g]);
  }

  /** What pair g's priority has subtracted: its slack v_p, 0 without a slack column. */
  priceOf(g: number): number {
    return this.vpCol[g] >= 0 ? Math.max(0, this.vp[g]) : 0;
  }

  /** Adds row alpha . coef + v_t + v_p >= 0, creating the two slack columns when new. */
  addConstraint(t: number, p: number, coef: Float64Array): void {
    if (this.vtCol[t] < 0) this.vtCol[t] = this.slackColumn();
    if (this.vpCol[p] < 0) {
      this.vpCol[p] = this.slackColumn();
      this.vpPairs.push(p);
    }
    let size = 0;
    for (let i = 0; i < this.n; i++) {
      if (coef[i] === 0) continue;
      this.rowIndex[size] = i;
      this.rowValue[size++] = coef[i];
    }
    this.rowIndex[size] = this.vtCol[t];
    this.rowValue[size++] = 1;
    this.rowIndex[size] = this.vpCol[p];
    this.rowValue[size++] = 1;
    this.model.addRow(
      0,
      Number.POSITIVE_INFINITY,
      this.rowIndex.subarray(0, size),
      this.rowValue.subarray(0, size),
    );
    const key = t * this.numPairs + p;
    this.keys.add(key);
    this.rowKeys.push(key);
    this.constraints++;
  }

  /** Adds the pool's constraints (its steps' rows were computed when offered). Returns how many. */
  addPooled(pool: ViolationPool): number {
    pool.forEach((t, p, coef) => this.addConstraint(t, p, coef));
    return pool.size;
  }

  /**
   * A new slack column and its place in the objective: every step and pair slack costs 1 in the
   * main LP (the paper's objective, sum_t v_t + sum_p v_p); while exploring the optimal face it
   * costs 0 and enters the row bounding the total slack instead.
   */
  private slackColumn(): number {
    const bounded = this.faceBoundRow >= 0;
    const col = this.model.addCol(0, Number.POSITIVE_INFINITY, bounded ? 0 : 1);
    if (bounded) this.model.addCoefficient(this.faceBoundRow, col, 1);
    return col;
  }

  /** The slack columns (step slacks in step order, then pair slacks in creation order). */
  slackColumns(): number[] {
    const cols: number[] = [];
    for (let t = this.firstStep; t < this.steps; t++) if (this.vtCol[t] >= 0) cols.push(this.vtCol[t]);
    for (const g of this.vpPairs) cols.push(this.vpCol[g]);
    return cols;
  }

  /**
   * Switches to exploring the optimal face: `boundRow` bounds the total slack (the objective), and
   * slack columns created from now on (for constraints a face vertex violates) cost nothing and
   * enter that row, so they stay within the optimal objective instead of adding to a cost.
   * Called again with the next bound row when the face LP is reformulated.
   */
  exploreFace(boundRow: number): void {
    this.faceBoundRow = boundRow;
  }

  /** Solves the model and adopts its solution as the current assignment. */
  solve(backend: LpBackend, timeLimitSeconds: number | undefined, what: string): LpSolution {
    const solution = backend.solve(this.model, { timeLimitSeconds });
    if (solution.status !== 'optimal') throw solveFailure(solution, backend.name, what);
    return solution;
  }

  /**
   * Drops the constraint rows that are slack at `x` by more than the tolerance (they do not shape
   * the optimum); a later sweep adds any of them back if it becomes violated. Keeps the LP near the
   * size of its basis. With `rowDual`, also drops tight rows whose dual is zero: the optimum stands
   * without them, but dropping them every round can cycle, so the caller does it only when the LP
   * has grown too large. Returns the number of rows dropped.
   */
  dropSlackRows(x: Float64Array, rowDual?: Float64Array): number {
    const activity = this.model.rowActivity(x);
    const mask = new Uint8Array(this.model.numRows);
    let dropped = 0;
    const kept: number[] = [];
    for (let r = 0; r < mask.length; r++) {
      const key = this.rowKeys[r];
      const free = rowDual !== undefined && Math.abs(rowDual[r]) <= DUAL_ZERO;
      if (key >= 0 && (free || activity[r] > this.settings.tolerance)) {
        mask[r] = 1;
        this.keys.delete(key);
        dropped++;
      } else kept.push(key);
    }
    if (dropped > 0) {
      this.model.deleteRows(mask);
      this.rowKeys = kept;
    }
    return dropped;
  }

  /** Takes shares and slacks from a solution of the main LP. */
  adopt(x: Float64Array, homogenizer = 1): void {
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      this.alpha[i] = Math.max(0, x[i] / homogenizer);
      sum += this.alpha[i];
    }
    if (sum > 0) for (let i = 0; i < this.n; i++) this.alpha[i] /= sum;
    for (let t = 0; t < this.steps; t++) if (this.vtCol[t] >= 0) this.vt[t] = x[this.vtCol[t]] / homogenizer;
    for (const g of this.vpPairs) this.vp[g] = x[this.vpCol[g]] / homogenizer;
  }

  /** The objective at the current point: every step and pair slack, in the model's scaled units. */
  slackTotal(): number {
    let total = 0;
    for (let t = 0; t < this.steps; t++) if (this.vtCol[t] >= 0) total += Math.max(0, this.vt[t]);
    for (const g of this.vpPairs) total += Math.max(0, this.vp[g]);
    return total;
  }

  /** Global pair g as portable symbols (WarmRow's), or undefined when one has no portable name. */
  private portablePair(g: number): { left: number; right: number } | undefined {
    const k = this.universe.occStart[g];
    const transcript = this.transcripts[this.universe.occCategory[k]];
    const local = this.universe.occLocal[k];
    const left = portableSymbol(transcript, transcript.pairLeft[local]);
    const right = portableSymbol(transcript, transcript.pairRight[local]);
    return left === undefined || right === undefined ? undefined : { left, right };
  }

  /** One number for a pair of portable symbols (both may be negative). */
  private portableKey(left: number, right: number): number {
    const span = this.transcripts[0].vocabSize + CODE_POINTS;
    const index = (s: number) => (s >= 0 ? s : span + s);
    return index(left) * span + index(right);
  }

  /**
   * The constraint rows held, as (step, left, right), for warm-starting a related LP. Pairs with a
   * character outside the vocabulary are named by that character, so the rows a point needs all
   * reach an LP over other counts of the same text (held-rows replicates).
   */
  heldRows(): WarmRow[] {
    const rows: WarmRow[] = [];
    for (const key of this.rowKeys) {
      if (key < 0) continue;
      const pair = this.portablePair(key % this.numPairs);
      if (pair) rows.push({ step: Math.floor(key / this.numPairs), ...pair });
    }
    return rows;
  }

  /**
   * Warm start: adds the rows of another LP's heldRows whose step is constrained here (not
   * excluded) and whose pair and merge occur here, with coefficients from `coefficients` (the
   * sweep's rowCoefficients). Rows only restrict; the search still certifies the optimum.
   */
  seedRows(
    rows: readonly WarmRow[],
    coefficients: (t: number, p: number, out: Float64Array) => void,
  ): number {
    const wanted = new Map<number, number[]>();
    for (const { step, left, right } of rows) {
      if (step < this.firstStep || step >= this.steps || this.universe.mergeGlobal[step] < 0) continue;
      // An excluded step constrains nothing here: its rows (a hostile checkpoint's) would bias the LP.
      if (this.settings.excludedSteps?.[step] === 1) continue;
      const key = this.portableKey(left, right);
      const steps = wanted.get(key);
      if (steps) steps.push(step);
      else wanted.set(key, [step]);
    }
    const coef = new Float64Array(this.n);
    let added = 0;
    for (let p = 0; p < this.numPairs && wanted.size > 0; p++) {
      const pair = this.portablePair(p);
      const steps = pair ? wanted.get(this.portableKey(pair.left, pair.right)) : undefined;
      if (!steps) continue;
      for (const t of steps) {
        const m = this.universe.mergeGlobal[t];
        if (p === m || this.hasRow(t, p)) continue;
        coefficients(t, p, coef);
        this.addConstraint(t, p, coef);
        added++;
      }
    }
    return added;
  }

  /** The positive pair slacks of `vp` (pairs with a slack column), by portable symbols, for a checkpoint. */
  pairSlackEntries(vp: Float64Array): PairSlackEntry[] {
    const entries: PairSlackEntry[] = [];
    for (const g of this.vpPairs) {
      const pair = vp[g] > 0 ? this.portablePair(g) : undefined;
      if (pair) entries.push({ ...pair, value: vp[g] });
    }
    return entries;
  }

  /**
   * Sets the slacks of pairs holding a slack column from a checkpoint's entries, the others to 0
   * (entries of pairs without a column here are left out: the point stays feasible, its bound looser).
   */
  setPairSlacks(entries: readonly PairSlackEntry[]): void {
    const bySymbols = new Map<number, number>();
    for (const g of this.vpPairs) {
      const pair = this.portablePair(g);
      if (pair) bySymbols.set(this.portableKey(pair.left, pair.right), g);
    }
    for (const g of this.vpPairs) this.vp[g] = 0;
    for (const { left, right, value } of entries) {
      const g = bySymbols.get(this.portableKey(left, right));
      if (g !== undefined) this.vp[g] = value;
    }
  }
}
