// LazyMixtureLp: the paper's linear program (§3) grown lazily. It owns the LP model, the sweep over
// merge steps with every pair's mixture-weighted count in an indexed max-heap, and the rule that
// turns "a pair beats merge t under the current shares" into a constraint row with its slacks.
import type { Transcript } from '../bpe/types.js';
import { countsAtStep } from '../bpe/transcript-cursor.js';
import { UserError } from '../common/errors.js';
import { IndexedMaxHeap } from './indexed-heap.js';
import type { PairUniverse } from './pair-universe.js';
import { LpModel } from './backends/lp-model.js';
import type { LpBackend, LpSolution } from './backends/lp-model.js';

/** Row duals at most this large (objective units per unit of row activity) count as zero. */
const DUAL_ZERO = 1e-9;

export interface LazyLpSettings {
  /** Competitors examined per step (the reference's competitor_batch_size). */
  competitorBatch: number;
  /** Absolute tolerance, in scaled count units (one occurrence in a typical category ~ 1). */
  tolerance: number;
  /** First merge step that gets constraints (default 0); earlier merges are applied only. */
  firstStep?: number;
}

/**
 * Counts are divided by each category's step-0 pair total as in the paper, then multiplied by
 * `scale` (the median pair total) so that one occurrence weighs about 1: the LP solver's absolute
 * tolerances (1e-7..1e-9) then sit far below one occurrence. Reported values are divided back.
 */
export class LazyMixtureLp {
  readonly n: number;
  readonly steps: number;
  readonly numPairs: number;
  readonly scale: number;
  /** First constrained step; every sweep runs over firstStep..steps-1 from the counts at firstStep. */
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
  /** Cost given to new slack columns (1 in the main LP; 0 while exploring the optimal face). */
  slackCost = 1;
  /** When set, new slack columns also enter this row with coefficient `slackRowCoef`. */
  slackRow = -1;
  constraints = 0;
  sweptSteps = 0;
  /** Deviation columns (d+ then d-) and rows alpha_i - d+_i + d-_i = 1/n of the anchor. */
  private readonly anchorCols: number[] = [];
  private readonly anchorRows: number[] = [];
  private readonly keys = new Set<number>();
  /** The (step, pair) key of each model row; -1 for rows that are not mixture constraints. */
  private rowKeys: number[] = [];
  private readonly current: Float64Array[];
  /** Per category: pair counts at `firstStep` (after merges 0..firstStep-1), computed once. */
  private readonly startCounts: Float64Array[];
  private readonly prio: Float64Array;
  private readonly heap: IndexedMaxHeap;
  private readonly countM: Float64Array;
  private readonly countP: Float64Array;
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
    this.current = transcripts.map((t) => new Float64Array(t.initialCounts.length));
    this.firstStep = settings.firstStep ?? 0;
    this.startCounts = transcripts.map((t) => countsAtStep(t, this.firstStep));
    this.prio = new Float64Array(this.numPairs);
    this.heap = new IndexedMaxHeap(this.prio);
    this.countM = new Float64Array(this.n);
    this.countP = new Float64Array(this.n);
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

  /** Counts back to step `firstStep` (the snapshot taken once at construction). */
  resetCounts(): void {
    this.startCounts.forEach((counts, i) => this.current[i].set(counts));
  }

  /** Recomputes every pair's priority for the current counts and assignment, and rebuilds the heap. */
  recomputePriorities(): void {
    const prio = this.prio;
    prio.fill(0);
    for (let i = 0; i < this.n; i++) {
      const w = this.alpha[i] * this.unitWeight[i];
      if (w === 0) continue;
      const cur = this.current[i];
      const map = this.universe.localToGlobal[i];
      for (let l = 0; l < cur.length; l++) {
        const c = cur[l];
        if (c !== 0) prio[map[l]] += w * c;
      }
    }
    for (const g of this.vpPairs) prio[g] -= Math.max(0, this.vp[g]);
    this.heap.rebuild(0);
  }

  /** Applies merge t's count changes to every category and to the priorities. */
  applyStep(t: number): void {
    const prio = this.prio;
    const heap = this.heap;
    for (let i = 0; i < this.n; i++) {
      const transcript = this.transcripts[i];
      const cur = this.current[i];
      const map = this.universe.localToGlobal[i];
      const w = this.alpha[i] * this.unitWeight[i];
      const end = transcript.stepOffsets[t + 1];
      const { changePair, changeCount } = transcript;
      if (w === 0) {
        for (let k = transcript.stepOffsets[t]; k < end; k++) cur[changePair[k]] = changeCount[k];
        continue;
      }
      for (let k = transcript.stepOffsets[t]; k < end; k++) {
        const l = changePair[k];
        const d = changeCount[k] - cur[l];
        if (d === 0) continue;
        cur[l] = changeCount[k];
        const g = map[l];
        prio[g] += w * d;
        heap.update(g);
      }
    }
    this.sweptSteps++;
  }

  /** Counts of global pair g in every category at the current step. */
  private countsOf(g: number, out: Float64Array): void {
    out.fill(0);
    const { occStart, occCategory, occLocal } = this.universe;
    for (let k = occStart[g]; k < occStart[g + 1]; k++) {
      out[occCategory[k]] = this.current[occCategory[k]][occLocal[k]];
    }
  }

  private slackColumn(): number {
    const col = this.model.addCol(0, Number.POSITIVE_INFINITY, this.slackCost);
    if (this.slackRow >= 0) this.model.addCoefficient(this.slackRow, col, 1);
    return col;
  }

  /**
   * Checks merge t against the pairs whose priority beats it (plus its slack and the tolerance)
   * and adds a constraint for each of up to `competitorBatch` new ones. Returns how many it added.
   */
  checkStep(t: number): number {
    const m = this.universe.mergeGlobal[t];
    if (m < 0) return 0;
    const mergePriority = this.prio[m] + (this.vpCol[m] >= 0 ? Math.max(0, this.vp[m]) : 0);
    const cutoff =
      mergePriority +
      Math.max(0, this.vt[t]) +
      this.settings.tolerance * (1 + Math.abs(mergePriority) * 1e-3);
    const candidates: number[] = [];
    const base = t * this.numPairs;
    const batch = this.settings.competitorBatch;
    this.heap.forEachAbove(cutoff, (id) => {
      if (id !== m && !this.keys.has(base + id)) candidates.push(id);
      return candidates.length < batch;
    });
    if (candidates.length === 0) return 0;
    this.countsOf(m, this.countM);
    if (this.vtCol[t] < 0) this.vtCol[t] = this.slackColumn();
    for (const p of candidates) {
      this.countsOf(p, this.countP);
      if (this.vpCol[p] < 0) {
        this.vpCol[p] = this.slackColumn();
        this.vpPairs.push(p);
      }
      let size = 0;
      for (let i = 0; i < this.n; i++) {
        const coef = (this.countM[i] - this.countP[i]) * this.unitWeight[i];
        if (coef === 0) continue;
        this.rowIndex[size] = i;
        this.rowValue[size++] = coef;
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
      this.keys.add(base + p);
      this.rowKeys.push(base + p);
      this.constraints++;
    }
    return candidates.length;
  }

  /**
   * One whole sweep from step `firstStep` under the current assignment, adding every constraint it finds
   * (no re-solve inside). Returns the number added: 0 means the assignment is feasible for the full LP.
   */
  fullPass(): number {
    this.resetCounts();
    this.recomputePriorities();
    let added = 0;
    for (let t = this.firstStep; t < this.steps; t++) {
      added += this.checkStep(t);
      this.applyStep(t);
    }
    return added;
  }

  /** Solves the model and adopts its solution as the current assignment. */
  solve(backend: LpBackend, timeLimitSeconds: number | undefined, what: string): LpSolution {
    const solution = backend.solve(this.model, { timeLimitSeconds });
    if (solution.status !== 'optimal') {
      const reason =
        solution.status === 'time-limit'
          ? `time limit reached while solving ${what}; allow more time or use fewer --merges`
          : `${solution.detail ?? solution.status} while solving ${what}; try another --solver`;
      throw new UserError(`solver ${backend.name}: ${reason}`, backend.name);
    }
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

  get rows(): number {
    return this.model.numRows;
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

  /** Sum of step slacks and of pair slacks in the scaled units of the model. */
  slackSums(): { steps: number; pairs: number } {
    let steps = 0;
    let pairs = 0;
    for (let t = 0; t < this.steps; t++) if (this.vtCol[t] >= 0) steps += Math.max(0, this.vt[t]);
    for (const g of this.vpPairs) pairs += Math.max(0, this.vp[g]);
    return { steps, pairs };
  }
}
