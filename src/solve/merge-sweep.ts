// MergeSweep: the walk over merge steps that finds what the LP is missing. It keeps every pair's
// mixture-weighted count (less its price) at the sweep's step in an indexed max-heap, applies each
// merge's count changes, and turns "a pair beats merge t under the current shares" into a row for
// the LP (checkStep) or into the step slack a feasible point needs (upperBound). It reads the
// current assignment and adds rows only through `SweepLp`; the LP itself is mixture-lp.ts.
import type { Transcript } from '../bpe/types.js';
import { countsAtStep } from '../bpe/transcript-cursor.js';
import { IndexedMaxHeap } from './indexed-heap.js';
import { countBefore, stepDeltas, type StepDeltas } from './step-deltas.js';
import type { PairUniverse } from './pair-universe.js';
import type { LazyLpSettings } from './mixture-lp.js';
import type { ViolationPool } from './violation-pool.js';

/** What the sweep needs of the LP: the point it tests, the rows it holds, and a way to add one. */
export interface SweepLp {
  /** Current shares, step slacks and pair slacks (scaled units). */
  readonly alpha: Float64Array;
  readonly vt: Float64Array;
  readonly vp: Float64Array;
  /** Pairs holding a slack column. */
  readonly vpPairs: readonly number[];
  /** scale / pairs_i: the coefficient of one occurrence of a pair in category i. */
  readonly unitWeight: Float64Array;
  hasRow(t: number, p: number): boolean;
  /** Adds row alpha . coef + v_t + v_p >= 0. */
  addConstraint(t: number, p: number, coef: Float64Array): void;
  /** Subtracts every pair's price (its slack, or more) from the priorities. */
  subtractPrices(prio: Float64Array): void;
  /** What pair g's priority has subtracted. */
  priceOf(g: number): number;
}

export class MergeSweep {
  readonly n: number;
  readonly steps: number;
  readonly numPairs: number;
  /** First constrained step; every sweep runs over firstStep..steps-1 from the counts at firstStep. */
  readonly firstStep: number;
  sweptSteps = 0;
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
    private readonly lp: SweepLp,
  ) {
    this.n = transcripts.length;
    this.steps = universe.steps;
    this.numPairs = universe.numPairs;
    this.firstStep = settings.firstStep ?? 0;
    this.noiseZ = settings.noiseZ ?? 0;
    if (!(this.noiseZ >= 0) || !Number.isFinite(this.noiseZ))
      throw new Error(`LazyMixtureLp: noiseZ ${this.noiseZ}`);
    this.startCounts = transcripts.map((t) => countsAtStep(t, this.firstStep));
    this.prio = new Float64Array(this.numPairs);
    this.heap = new IndexedMaxHeap(this.prio);
    this.countM = new Float64Array(this.n);
    this.countP = new Float64Array(this.n);
    this.coefScratch = new Float64Array(this.n);
    this.touchStamp = new Int32Array(this.numPairs);
    this.pendingDelta = new Float64Array(this.numPairs);
    this.deltas = transcripts.map((t, i) => stepDeltas(t, universe.localToGlobal[i]));
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
      const w = this.lp.alpha[i] * this.lp.unitWeight[i];
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
    this.lp.subtractPrices(prio);
    this.heap.rebuild(0);
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
    const { countM, countP, noiseZ } = this;
    const { unitWeight } = this.lp;
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
    const { countM, countP, noiseZ } = this;
    const { unitWeight, alpha } = this.lp;
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
    if (t !== this.at) throw new Error(`MergeSweep: step ${t} applied at step ${this.at}`);
    this.at = t + 1;
    for (let i = 0; i < this.n; i++) {
      const w = this.lp.alpha[i] * this.lp.unitWeight[i];
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
  countsOf(g: number, out: Float64Array, at = this.at): void {
    out.fill(0);
    const { occStart, occCategory, occLocal } = this.universe;
    for (let k = occStart[g]; k < occStart[g + 1]; k++) {
      const i = occCategory[k];
      out[i] = countBefore(this.deltas[i], this.transcripts[i].initialCounts, occLocal[k], at);
    }
  }

  /**
   * Checks merge t against the pairs whose priority beats it (plus its slack and the tolerance).
   * Without a pool, adds a constraint for each of up to `competitorBatch` new ones; with one, offers
   * them to the pool instead (which keeps the most violated it is offered). Returns how many it found.
   */
  checkStep(t: number, pool?: ViolationPool): number {
    const m = this.universe.mergeGlobal[t];
    if (m < 0 || this.settings.excludedSteps?.[t] === 1) return 0;
    const mergePriority = this.prio[m] + this.lp.priceOf(m);
    const bar = mergePriority + Math.max(0, this.lp.vt[t]);
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
      if (!pool) this.lp.addConstraint(t, p, coef);
    }
    return candidates.length;
  }

  /**
   * Into candidates/violations: the pairs without a row at step t whose priority passes `cutoff`
   * under the paper's rows, best first, at most competitorBatch; countM then holds the merge's counts.
   */
  private plainViolators(t: number, m: number, bar: number, cutoff: number): void {
    const { candidates, violations } = this;
    const batch = this.settings.competitorBatch;
    this.heap.forEachAbove(cutoff, (id) => {
      if (id === m || this.lp.hasRow(t, id)) return true;
      candidates.push(id);
      violations.push(this.prio[id] - bar);
      return candidates.length < batch;
    });
    if (candidates.length > 0) this.countsOf(m, this.countM);
  }

  /** As plainViolators, under noise-aware rows: a pair violates only by more than its loosening. */
  private noisyViolators(t: number, m: number, bar: number, cutoff: number): void {
    const { candidates, violations } = this;
    const batch = this.settings.competitorBatch;
    this.countsOf(m, this.countM);
    this.countMStep = this.at === t ? t : -1;
    this.countP.fill(0);
    // Every pair's loosening is at least the merge's own (sqrt(c_m + c_p) >= sqrt(c_m)): pairs
    // at most that far above the paper's cutoff violate nothing, so walking the pairs above it
    // (until `batch` violate) is an exact test.
    this.heap.forEachAbove(cutoff + this.noiseOf(), (id) => {
      if (id === m || this.lp.hasRow(t, id)) return true;
      this.countsOf(id, this.countP);
      const noise = this.noiseOf();
      if (this.prio[id] - noise <= cutoff) return true;
      candidates.push(id);
      violations.push(this.prio[id] - bar - noise);
      return candidates.length < batch;
    });
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
        const mergePriority = prio[m] + this.lp.priceOf(m);
        const need = this.noiseZ > 0 ? this.noisyNeed(m, mergePriority) : this.plainNeed(m, mergePriority);
        if (need > 0) {
          stepSlack[t] = need;
          total += need;
        }
      }
      this.applyStep(t);
    }
    for (const g of this.lp.vpPairs) total += Math.max(0, this.lp.vp[g]);
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
}
