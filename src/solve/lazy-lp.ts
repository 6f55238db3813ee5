// LazyMixtureLp: the paper's linear program (§3) grown lazily. It owns the LP model, the sweep over
// merge steps with every pair's mixture-weighted count in an indexed max-heap, and the rule that
// turns "a pair beats merge t under the current shares" into a constraint row with its slacks.
import type { Transcript } from '../bpe/types.js';
import { countsAtStep } from '../bpe/transcript-cursor.js';
import { UserError } from '../common/errors.js';
import { IndexedMaxHeap } from './indexed-heap.js';
import { countBefore, stepDeltas, type StepDeltas } from './step-deltas.js';
import type { PairUniverse } from './pair-universe.js';
import { LpModel } from './backends/lp-model.js';
import type { ViolationPool } from './violation-pool.js';
import type { LpBackend, LpSolution } from './backends/lp-model.js';

/** A constraint row by merge step and pair symbols, portable between LPs of one tokenizer (warm starts). */
export interface WarmRow {
  step: number;
  left: number;
  right: number;
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
  /**
   * Where new slack columns go: -1 in the main LP (they cost 1 in the objective); while exploring
   * the optimal face, the row bounding the total slack (they cost 0 and enter it with coefficient 1).
   */
  private faceBoundRow = -1;
  constraints = 0;
  sweptSteps = 0;
  /** Deviation columns (d+ then d-) and rows alpha_i - d+_i + d-_i = 1/n of the anchor. */
  private readonly anchorCols: number[] = [];
  private readonly anchorRows: number[] = [];
  private readonly keys = new Set<number>();
  /** The (step, pair) key of each model row; -1 for rows that are not mixture constraints. */
  protected rowKeys: number[] = [];
  /** The sweep's position: priorities reflect the counts after merges 0..at-1. */
  private at = 0;
  /** Per category: pair counts at `firstStep` (after merges 0..firstStep-1), computed once. */
  private readonly startCounts: Float64Array[];
  private readonly prio: Float64Array;
  private readonly heap: IndexedMaxHeap;
  private readonly countM: Float64Array;
  /** The step whose merge's counts countM holds (-1: none). */
  private countMStep = -1;
  private readonly countP: Float64Array;
  private readonly rowIndex: Int32Array;
  private readonly rowValue: Float64Array;
  private readonly coefScratch: Float64Array;
  /** Per category, its transcript's changes as deltas with global ids, zero deltas left out. */
  private readonly deltas: StepDeltas[];
  /** Pairs whose priority changed in the current step (deduplicated by stamp). */
  private touched: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private readonly touchStamp: Int32Array;
  /** Each touched pair's priority change in the current step, applied once all categories are in. */
  private readonly pendingDelta: Float64Array;
  private touchMark = 0;
  /** The current checkStep's violating pairs and their violations (reused: no allocation per step). */
  private readonly candidates: number[] = [];
  private readonly violations: number[] = [];
  /** Standard deviations each row is loosened by (settings.noiseZ; 0: the paper's rows). */
  readonly noiseZ: number;

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
    this.noiseZ = settings.noiseZ ?? 0;
    if (!(this.noiseZ >= 0) || !Number.isFinite(this.noiseZ))
      throw new Error(`LazyMixtureLp: noiseZ ${this.noiseZ}`);
    this.startCounts = transcripts.map((t) => countsAtStep(t, this.firstStep));
    this.prio = new Float64Array(this.numPairs);
    this.heap = new IndexedMaxHeap(this.prio);
    this.countM = new Float64Array(this.n);
    this.countP = new Float64Array(this.n);
    this.rowIndex = new Int32Array(this.n + 2);
    this.rowValue = new Float64Array(this.n + 2);
    this.coefScratch = new Float64Array(this.n);
    this.touchStamp = new Int32Array(this.numPairs);
    this.pendingDelta = new Float64Array(this.numPairs);
    this.deltas = transcripts.map((t, i) => stepDeltas(t, universe.localToGlobal[i]));
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

  /** Moves the sweep back to step `firstStep` (priorities follow at the next recompute). */
  resetCounts(): void {
    this.at = this.firstStep;
  }

  /**
   * Recomputes every pair's priority for the counts at the sweep's step and the current
   * assignment, and rebuilds the heap: from the snapshot at `firstStep`, plus the changes of the
   * steps swept since when recomputing mid-sweep.
   */
  recomputePriorities(): void {
    const prio = this.prio;
    prio.fill(0);
    for (let i = 0; i < this.n; i++) {
      const w = this.alpha[i] * this.unitWeight[i];
      if (w === 0) continue;
      const counts = this.startCounts[i];
      const map = this.universe.localToGlobal[i];
      for (let l = 0; l < counts.length; l++) {
        const c = counts[l];
        if (c !== 0) prio[map[l]] += w * c;
      }
      const { start, global, delta } = this.deltas[i];
      for (let k = start[this.firstStep]; k < start[this.at]; k++) prio[global[k]] += w * delta[k];
    }
    this.subtractPrices(prio);
    this.heap.rebuild(0);
  }

  /** Subtracts each pair's price from its priority: its slack v_p (research/priced-lp.ts adds more). */
  protected subtractPrices(prio: Float64Array): void {
    for (const g of this.vpPairs) prio[g] -= Math.max(0, this.vp[g]);
  }

  /** What pair g's priority has subtracted: its slack v_p, 0 without a slack column. */
  protected priceOf(g: number): number {
    return this.vpCol[g] >= 0 ? Math.max(0, this.vp[g]) : 0;
  }

  /** Pair g's priority at the sweep's step: its mixture-weighted count less its price or slack. */
  priority(g: number): number {
    return this.prio[g];
  }

  /** The pair with the highest priority other than `except` (-1 when none); see IndexedMaxHeap.topExcept. */
  topExcept(except: number): number {
    return this.heap.topExcept(except);
  }

  /** Visits the pairs whose priority exceeds `cutoff`, best first, until `visit` returns false. */
  forEachAbove(cutoff: number, visit: (g: number) => boolean): void {
    this.heap.forEachAbove(cutoff, visit);
  }

  /**
   * Row coefficients of constraint (t, p), counts before merge t: w_i (c_i,t(m_t) - c_i,t(p)), plus
   * w_i z sqrt(c_i,t(m_t) + c_i,t(p)) with noise-aware rows.
   */
  rowCoefficients(t: number, p: number, out: Float64Array): void {
    // The merge's counts before its own step never change: kept for the next row of the same step.
    if (this.countMStep !== t) this.countsOf(this.universe.mergeGlobal[t], this.countM, t);
    this.countMStep = t;
    this.countsOf(p, this.countP, t);
    this.fillCoefficients(out);
  }

  /** Row coefficients from countM (the merge's counts) and countP (the pair's). */
  private fillCoefficients(out: Float64Array): void {
    const { countM, countP, unitWeight, noiseZ } = this;
    for (let i = 0; i < this.n; i++) {
      const noise = noiseZ > 0 ? noiseZ * Math.sqrt(countM[i] + countP[i]) : 0;
      out[i] = (countM[i] - countP[i] + noise) * unitWeight[i];
    }
  }

  /**
   * The noise-aware rows' loosening under the current shares, sum_i alpha_i w_i z sqrt(c_m + c_p),
   * from countM and countP: a pair beats the merge in the modified LP only by more than this.
   */
  private noiseOf(): number {
    const { countM, countP, unitWeight, alpha, noiseZ } = this;
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      const c = countM[i] + countP[i];
      if (c > 0 && alpha[i] > 0) sum += alpha[i] * unitWeight[i] * Math.sqrt(c);
    }
    return noiseZ * sum;
  }

  /**
   * Applies merge t's count changes to every category and to the priorities. A pair shared by
   * several categories is re-sifted in the heap once, after all of them changed it.
   */
  applyStep(t: number): void {
    const prio = this.prio;
    const pending = this.pendingDelta;
    const stamp = this.touchStamp;
    const mark = ++this.touchMark;
    let count = 0;
    if (t !== this.at) throw new Error(`LazyMixtureLp: step ${t} applied at step ${this.at}`);
    this.at = t + 1;
    for (let i = 0; i < this.n; i++) {
      const w = this.alpha[i] * this.unitWeight[i];
      // Only priorities change here; counts are looked up in the history when a row needs them.
      if (w === 0) continue;
      const { start, global, delta } = this.deltas[i];
      const end = start[t + 1];
      for (let k = start[t]; k < end; k++) {
        const d = delta[k];
        const g = global[k];
        pending[g] += w * d;
        if (stamp[g] !== mark) {
          stamp[g] = mark;
          if (count === this.touched.length) this.touched = this.grow();
          this.touched[count++] = g;
        }
      }
    }
    // One key changes at a time, each re-sifted at once: sifting after several keys changed could
    // leave the heap invalid (a sift-up moves an ancestor below a changed, already-sifted child).
    const heap = this.heap;
    const list = this.touched;
    for (let k = 0; k < count; k++) {
      const g = list[k];
      prio[g] += pending[g];
      pending[g] = 0;
      heap.update(g);
    }
    this.sweptSteps++;
  }

  private grow(): Int32Array<ArrayBuffer> {
    const bigger = new Int32Array(this.touched.length * 2);
    bigger.set(this.touched);
    return bigger;
  }

  /** Counts of global pair g in every category at the sweep's step (or before step `at`). */
  protected countsOf(g: number, out: Float64Array, at = this.at): void {
    out.fill(0);
    const { occStart, occCategory, occLocal } = this.universe;
    for (let k = occStart[g]; k < occStart[g + 1]; k++) {
      const i = occCategory[k];
      out[i] = countBefore(this.deltas[i], this.transcripts[i].initialCounts, occLocal[k], at);
    }
  }

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

  /**
   * Checks merge t against the pairs whose priority beats it (plus its slack and the tolerance).
   * Without a pool, adds a constraint for each of up to `competitorBatch` new ones; with one, offers
   * them to the pool instead (which keeps the most violated it is offered). Returns how many it found.
   */
  checkStep(t: number, pool?: ViolationPool): number {
    const m = this.universe.mergeGlobal[t];
    if (m < 0 || this.settings.excludedSteps?.[t] === 1) return 0;
    const mergePriority = this.prio[m] + this.priceOf(m);
    const bar = mergePriority + Math.max(0, this.vt[t]);
    const cutoff = bar + this.settings.tolerance * (1 + Math.abs(mergePriority) * 1e-3);
    const { candidates, violations } = this;
    candidates.length = 0;
    violations.length = 0;
    if (this.noiseZ > 0) this.noisyViolators(t, m, bar, cutoff);
    else this.plainViolators(t, m, bar, cutoff);
    if (candidates.length === 0) return 0;
    this.countMStep = this.at === t ? t : -1;
    for (let k = 0; k < candidates.length; k++) {
      const p = candidates[k];
      const violation = violations[k];
      if (pool && !pool.wants(violation)) continue;
      this.countsOf(p, this.countP);
      const coef = pool ? pool.slot(t, p, violation) : this.coefScratch;
      this.fillCoefficients(coef);
      if (!pool) this.addConstraint(t, p, coef);
    }
    return candidates.length;
  }

  /**
   * Into candidates/violations: the pairs without a row at step t whose priority passes `cutoff`
   * under the paper's rows, best first, at most competitorBatch; countM then holds the merge's counts.
   */
  private plainViolators(t: number, m: number, bar: number, cutoff: number): void {
    const { candidates, violations } = this;
    const base = t * this.numPairs;
    const batch = this.settings.competitorBatch;
    this.heap.forEachAbove(cutoff, (id) => {
      if (id === m || this.keys.has(base + id)) return true;
      candidates.push(id);
      violations.push(this.prio[id] - bar);
      return candidates.length < batch;
    });
    if (candidates.length > 0) this.countsOf(m, this.countM);
  }

  /** As plainViolators, under noise-aware rows: a pair violates only by more than its loosening. */
  private noisyViolators(t: number, m: number, bar: number, cutoff: number): void {
    const { candidates, violations } = this;
    const base = t * this.numPairs;
    const batch = this.settings.competitorBatch;
    this.countsOf(m, this.countM);
    this.countMStep = this.at === t ? t : -1;
    this.countP.fill(0);
    // Every pair's loosening is at least the merge's own (sqrt(c_m + c_p) >= sqrt(c_m)): pairs
    // at most that far above the paper's cutoff violate nothing, so walking the pairs above it
    // (until `batch` violate) is an exact test.
    this.heap.forEachAbove(cutoff + this.noiseOf(), (id) => {
      if (id === m || this.keys.has(base + id)) return true;
      this.countsOf(id, this.countP);
      const noise = this.noiseOf();
      if (this.prio[id] - noise <= cutoff) return true;
      candidates.push(id);
      violations.push(this.prio[id] - bar - noise);
      return candidates.length < batch;
    });
  }

  /** Symbols of global pair g as one number (left * vocabSize + right); -1 for symbols outside the vocabulary. */
  private pairSymbols(g: number): number {
    const k = this.universe.occStart[g];
    const transcript = this.transcripts[this.universe.occCategory[k]];
    const local = this.universe.occLocal[k];
    const { vocabSize } = transcript;
    const left = transcript.pairLeft[local];
    const right = transcript.pairRight[local];
    return left < vocabSize && right < vocabSize ? left * vocabSize + right : -1;
  }

  /** The constraint rows held, as (step, left, right), for warm-starting a related LP. */
  heldRows(): WarmRow[] {
    const vocabSize = this.transcripts[0].vocabSize;
    const rows: WarmRow[] = [];
    for (const key of this.rowKeys) {
      if (key < 0) continue;
      const symbols = this.pairSymbols(key % this.numPairs);
      if (symbols < 0) continue;
      const left = Math.floor(symbols / vocabSize);
      rows.push({ step: Math.floor(key / this.numPairs), left, right: symbols - left * vocabSize });
    }
    return rows;
  }

  /**
   * Warm start: adds the rows of another LP's heldRows whose step is constrained here (not
   * excluded) and whose pair and merge occur here. Rows only restrict; the search still certifies
   * the optimum.
   */
  seedRows(rows: readonly WarmRow[]): number {
    const vocabSize = this.transcripts[0].vocabSize;
    const wanted = new Map<number, number[]>();
    for (const { step, left, right } of rows) {
      if (step < this.firstStep || step >= this.steps || this.universe.mergeGlobal[step] < 0) continue;
      // An excluded step constrains nothing here: its rows (a hostile checkpoint's) would bias the LP.
      if (this.settings.excludedSteps?.[step] === 1) continue;
      const key = left * vocabSize + right;
      const steps = wanted.get(key);
      if (steps) steps.push(step);
      else wanted.set(key, [step]);
    }
    let added = 0;
    for (let p = 0; p < this.numPairs && wanted.size > 0; p++) {
      const steps = wanted.get(this.pairSymbols(p));
      if (!steps) continue;
      for (const t of steps) {
        const m = this.universe.mergeGlobal[t];
        if (p === m || this.keys.has(t * this.numPairs + p)) continue;
        this.rowCoefficients(t, p, this.coefScratch);
        this.addConstraint(t, p, this.coefScratch);
        added++;
      }
    }
    return added;
  }

  /** The positive pair slacks of `vp` (pairs with a slack column), by symbols, for a checkpoint. */
  pairSlackEntries(vp: Float64Array): { left: number; right: number; value: number }[] {
    const vocabSize = this.transcripts[0].vocabSize;
    const entries: { left: number; right: number; value: number }[] = [];
    for (const g of this.vpPairs) {
      const symbols = vp[g] > 0 ? this.pairSymbols(g) : -1;
      if (symbols < 0) continue;
      const left = Math.floor(symbols / vocabSize);
      entries.push({ left, right: symbols - left * vocabSize, value: vp[g] });
    }
    return entries;
  }

  /**
   * Sets the slacks of pairs holding a slack column from a checkpoint's entries, the others to 0
   * (entries of pairs without a column here are left out: the point stays feasible, its bound looser).
   */
  setPairSlacks(entries: readonly { left: number; right: number; value: number }[]): void {
    const vocabSize = this.transcripts[0].vocabSize;
    const bySymbols = new Map<number, number>();
    for (const g of this.vpPairs) bySymbols.set(this.pairSymbols(g), g);
    for (const g of this.vpPairs) this.vp[g] = 0;
    for (const { left, right, value } of entries) {
      const g = bySymbols.get(left * vocabSize + right);
      if (g !== undefined) this.vp[g] = value;
    }
  }

  /** Adds the pool's constraints (its steps' rows were computed when offered). Returns how many. */
  addPooled(pool: ViolationPool): number {
    pool.forEach((t, p, coef) => this.addConstraint(t, p, coef));
    return pool.size;
  }

  /** Adds row alpha . coef + v_t + v_p >= 0, creating the two slack columns when new. */
  private addConstraint(t: number, p: number, coef: Float64Array): void {
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

  /**
   * An upper bound on the full LP's optimum, from one whole sweep under the current shares and pair
   * slacks: each step's slack is set to what its worst competitor (over every pair, rows or not)
   * needs beyond the merge, v_t = max(0, max_p (α·c_p - v_p) - α·c_m), which with the current v_p
   * is a feasible point of the full LP; its objective is returned (scaled units) and the step
   * slacks are written to `stepSlack`. The exact least slack cost for these shares is a bipartite
   * matching LP over all violated (step, pair) edges; keeping v_p fixed is its cheap bound. Leaves
   * the sweep at the last step: `seek` puts it back.
   */
  upperBound(stepSlack: Float64Array): number {
    this.resetCounts();
    this.recomputePriorities();
    const { mergeGlobal } = this.universe;
    const prio = this.prio;
    let total = 0;
    stepSlack.fill(0);
    for (let t = this.firstStep; t < this.steps; t++) {
      const m = mergeGlobal[t];
      // Excluded steps constrain nothing in the LP: they need no slack here either.
      if (m >= 0 && this.settings.excludedSteps?.[t] !== 1) {
        const mergePriority = prio[m] + this.priceOf(m);
        const need = this.noiseZ > 0 ? this.noisyNeed(m, mergePriority) : this.plainNeed(m, mergePriority);
        if (need > 0) {
          stepSlack[t] = need;
          total += need;
        }
      }
      this.applyStep(t);
    }
    for (const g of this.vpPairs) total += Math.max(0, this.vp[g]);
    return total;
  }

  /** The step slack merge m needs under the paper's rows: its best competitor's excess. */
  private plainNeed(m: number, mergePriority: number): number {
    const best = this.heap.topExcept(m);
    return best >= 0 ? this.prio[best] - mergePriority : 0;
  }

  /**
   * The step slack merge m needs under noise-aware rows: max_p (excess_p - noise_p). A pair's
   * loosened excess is at most its plain one less the merge's own loosening, so the walk (best
   * first) stops at the first pair where that no longer beats the largest loosened excess found.
   */
  private noisyNeed(m: number, mergePriority: number): number {
    this.countsOf(m, this.countM);
    this.countMStep = -1;
    this.countP.fill(0);
    // No pair's loosening is below the merge's own (as in checkStep).
    const floor = this.noiseOf();
    let need = 0;
    this.heap.forEachAbove(mergePriority + floor, (p) => {
      const excess = this.prio[p] - mergePriority;
      if (excess - floor <= need) return false;
      if (p === m) return true;
      this.countsOf(p, this.countP);
      need = Math.max(need, excess - this.noiseOf());
      return true;
    });
    return need;
  }

  /** Puts the sweep at step `at` (counts after merges 0..at-1) under the current assignment. */
  seek(at: number): void {
    this.at = at;
    this.recomputePriorities();
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

  /** The objective at the current point: every step and pair slack, in the model's scaled units. */
  slackTotal(): number {
    let total = 0;
    for (let t = 0; t < this.steps; t++) if (this.vtCol[t] >= 0) total += Math.max(0, this.vt[t]);
    for (const g of this.vpPairs) total += Math.max(0, this.vp[g]);
    return total;
  }
}
