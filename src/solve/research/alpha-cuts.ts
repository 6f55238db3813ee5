// The paper's LP solved as a convex problem in the shares alone: for fixed alpha the slacks' LP is
// the dual of a maximum-weight matching between steps and pairs, so the optimum is min over the
// simplex of F(alpha) = max over matchings M of alpha . D_M. Matchings give cuts, a small master LP
// in (alpha, theta) gives the lower bound and the next shares, the matching's duals the upper bound.
import { grow } from '../../common/grow.js';
import type { ProgressCallback } from '../../common/progress.js';
import type { PricedMixtureLp } from './priced-lp.js';
import { LpModel } from '../backends/lp-model.js';
import type { LpBackend } from '../backends/lp-model.js';
import { maxWeightMatching } from './step-pair-matching.js';
import { gapOf, type StopReason } from '../constraint-search.js';

/** How the alpha-cuts solver steps; the research counterpart of SolveMixtureTuning. */
export interface AlphaCutsTuning {
  /** New edges (step, pair) a sweep collects per step for the matchings (default 10). */
  alphaEdges: number;
  /** Re-sweep the same shares while sweep bound - matching value > alphaAccuracy x gap (default 0.1). */
  alphaAccuracy: number;
  /** Sweeps per shares at most (default 4). */
  alphaRounds: number;
  /**
   * Next shares: the master LP's minimum ('kelley'), or the L1-nearest point at level
   * lower + alphaLevel x (upper - lower) to the last shares ('level', default) or the best ('level-best').
   */
  alphaStep: 'kelley' | 'level' | 'level-best';
  alphaLevel: number;
  /** Below this relative gap, level steps give way to the master's minimum (default 1e-3). */
  alphaKelleyBelow: number;
  /**
   * Matchings per sweep minimising F over the edges held, no sweep between them (default 0: one
   * master step per sweep). The next sweep then tests the best shares that loop found.
   */
  alphaInner: number;
  /** Start each matching from the last one and its prices (default true). */
  alphaWarm: boolean;
  /** Relative gap at which the answer counts as certified (default 1e-7). */
  alphaCertifyGap: number;
}

export const DEFAULT_ALPHA_CUTS_TUNING: AlphaCutsTuning = {
  alphaEdges: 10,
  alphaAccuracy: 0.1,
  alphaRounds: 4,
  alphaStep: 'level',
  alphaLevel: 0.5,
  alphaKelleyBelow: 1e-3,
  alphaInner: 0,
  alphaWarm: true,
  alphaCertifyGap: 1e-7,
};

export interface AlphaCutsSettings {
  tuning: AlphaCutsTuning;
  onProgress: ProgressCallback;
  /** performance.now() past which the solve stops with its best shares and their gap. */
  deadline: number;
  /** Stop once (upper - lower) / upper is at most this. */
  gap?: number;
  signal?: AbortSignal;
}

export interface AlphaCutsResult {
  /** The shares with the smallest full-LP objective found, their step slacks and that objective (scaled). */
  alpha: Float64Array;
  stepSlack: Float64Array;
  upper: number;
  /** The master LP's optimum: no shares do better (scaled). */
  lower: number;
  gap: number;
  /** True when the gap closed to tuning.alphaCertifyGap. */
  certified: boolean;
  stopped?: StopReason;
  /** Why it gave up, when stopped 'solver-aborted' (no progress). */
  detail?: string;
  /** Master iterations (shares tried), sweeps, cuts held, the most edges the matchings held. */
  iterations: number;
  sweeps: number;
  cuts: number;
  peakEdges: number;
  sweepSeconds: number;
  matchingSeconds: number;
  masterSeconds: number;
}

/** Iterations without either bound improving after which the solve gives up (numerical stall). */
const STALL_ITERATIONS = 50;
/** Sweep steps between checks of the clock and the abort signal. */
const CHECK_EVERY = 1024;

/**
 * The edges (t, p) the matchings may use, grouped by step (start[t]..start[t+1]), with their
 * weights a_tp = alpha . d_tp under the last swept shares. Each sweep writes a new generation:
 * the old edges still positive under the new shares, plus the new edges it found.
 */
class EdgeStore {
  start: Int32Array;
  pair = new Int32Array(1 << 12);
  weight = new Float64Array(1 << 12);
  /** Per edge, d_tp = w_i (c_i,t(p) - c_i,t(m_t)) for every category: the weight is alpha . d. */
  d: Float64Array;
  size = 0;

  constructor(
    steps: number,
    private readonly n: number,
  ) {
    this.start = new Int32Array(steps + 1);
    this.d = new Float64Array(this.pair.length * n);
  }

  /** Appends an edge; returns where its d goes (d[at .. at + n)). */
  push(p: number, a: number): number {
    if (this.size === this.pair.length) {
      this.pair = grow(this.pair, this.size + 1);
      this.weight = grow(this.weight, this.size + 1);
      this.d = grow(this.d, (this.size + 1) * this.n);
    }
    this.pair[this.size] = p;
    this.weight[this.size] = a;
    return this.size++ * this.n;
  }
}

/**
 * The master LP over (alpha, theta): min theta s.t. theta >= alpha . D_k for every cut, alpha in
 * the simplex (Kelley: its optimum is the lower bound); and the level step: the point of
 * {alpha : every cut <= level} nearest (L1) to a centre, through deviation columns dp, dm and rows
 * alpha_i - dp_i + dm_i = centre_i that are free during a Kelley solve. Cuts are in units of the
 * first upper bound, so theta is about 1 and the solver's absolute tolerances (1e-9) are relative.
 */
class CutMaster {
  readonly model = new LpModel();
  private readonly theta: number;
  private readonly projectionRows: number[] = [];
  private readonly deviationCols: number[] = [];
  cuts = 0;

  constructor(
    private readonly n: number,
    private readonly backend: LpBackend,
  ) {
    const model = this.model;
    for (let i = 0; i < n; i++) model.addCol(0, 1, 0);
    this.theta = model.addCol(0, Number.POSITIVE_INFINITY, 1);
    const all = Array.from({ length: n }, (_, i) => i);
    model.addRow(1, 1, all, new Array<number>(n).fill(1));
    for (let i = 0; i < n; i++) {
      const up = model.addCol(0, Number.POSITIVE_INFINITY, 0);
      const down = model.addCol(0, Number.POSITIVE_INFINITY, 0);
      this.deviationCols.push(up, down);
      this.projectionRows.push(
        model.addRow(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, [i, up, down], [1, -1, 1]),
      );
    }
  }

  /** Adds theta - alpha . D >= 0. */
  addCut(D: Float64Array): void {
    const index: number[] = [this.theta];
    const value: number[] = [1];
    for (let i = 0; i < this.n; i++) {
      if (D[i] === 0) continue;
      index.push(i);
      value.push(-D[i]);
    }
    this.model.addRow(0, Number.POSITIVE_INFINITY, index, value);
    this.cuts++;
  }

  /** The cutting-plane model's minimum over the simplex and where it is attained. */
  kelley(): { lower: number; alpha: Float64Array } {
    const { model } = this;
    model.setColCost(this.theta, 1);
    model.setColBounds(this.theta, 0, Number.POSITIVE_INFINITY);
    for (const col of this.deviationCols) model.setColCost(col, 0);
    for (const row of this.projectionRows)
      model.setRowBounds(row, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const solution = this.backend.solve(model, {});
    if (solution.status !== 'optimal')
      throw new Error(`alpha-cuts master LP: ${solution.detail ?? solution.status}`);
    return { lower: solution.objective, alpha: normalized(solution.x.subarray(0, this.n)) };
  }

  /** The point nearest `centre` (L1) where every cut is at most `level`; undefined when the solver fails. */
  level(centre: Float64Array, level: number): Float64Array | undefined {
    const { model } = this;
    model.setColCost(this.theta, 0);
    model.setColBounds(this.theta, 0, level);
    for (const col of this.deviationCols) model.setColCost(col, 1);
    this.projectionRows.forEach((row, i) => model.setRowBounds(row, centre[i], centre[i]));
    const solution = this.backend.solve(model, {});
    if (solution.status !== 'optimal') return undefined;
    return normalized(solution.x.subarray(0, this.n));
  }
}

function normalized(x: Float64Array): Float64Array {
  const alpha = Float64Array.from(x, (a) => Math.max(0, a));
  const sum = alpha.reduce((s, a) => s + a, 0);
  if (sum > 0) for (let i = 0; i < alpha.length; i++) alpha[i] /= sum;
  else alpha.fill(1 / alpha.length);
  return alpha;
}

/**
 * Runs the decomposition on `lp` (used for its sweep only: no rows are added to its model).
 * Each iteration evaluates the current shares: a sweep under the shares and the pair prices (the
 * last matching's duals) sets each step's slack to what its worst competitor needs, which is a
 * feasible point of the full LP (the upper bound), re-weights the edges held and collects up to
 * alphaEdges new ones per step that the prices leave violated; the matching on the edges held
 * gives a cut and new prices. While the sweep's bound and the matching's value differ by more
 * than alphaAccuracy x the gap, the same shares are swept again with the new prices (column
 * generation on the matching). Then the master gives the lower bound and the next shares.
 */
export async function solveAlphaCuts(
  lp: PricedMixtureLp,
  backend: LpBackend,
  settings: AlphaCutsSettings,
): Promise<AlphaCutsResult> {
  const { tuning } = settings;
  const { n, steps, numPairs, scale } = lp;
  /** The master's unit (scaled objective units): the first sweep's upper bound. */
  let unit = 0;
  const { mergeGlobal } = lp.universe;
  const excluded = lp.settings.excludedSteps;
  const first = lp.firstStep;
  const floor = lp.settings.tolerance * (steps - first);
  const prices = new Float64Array(numPairs);
  lp.setPairPrices(prices);
  let edges = new EdgeStore(steps, n);
  let spare = new EdgeStore(steps, n);
  const inner = tuning.alphaInner > 0;
  const stamp = new Int32Array(numPairs);
  let stampNow = 0;
  const colOf = new Int32Array(numPairs).fill(-1);
  /** Per step, the pair the last matching gave it (-1: none), for the next matching's warm start. */
  const matchedPair = new Int32Array(steps).fill(-1);
  const coef = new Float64Array(n);
  const master = new CutMaster(n, backend);
  let alpha: Float64Array = new Float64Array(n).fill(1 / n);
  let best: { alpha: Float64Array; stepSlack: Float64Array; upper: number } = {
    alpha: Float64Array.from(alpha),
    stepSlack: new Float64Array(steps),
    upper: Infinity,
  };
  let lower = 0;
  let iterations = 0;
  let sweeps = 0;
  let peakEdges = 0;
  let sweepSeconds = 0;
  let matchingSeconds = 0;
  let masterSeconds = 0;
  let stopped: StopReason | undefined;
  let certified = false;
  let lastYield = performance.now();
  let stalled = 0;
  /** The last matching's value under the current shares. */
  let lastValue = 0;
  let innerIterations = 0;
  let detail: string | undefined;

  const outOfTime = (): boolean => {
    if (settings.signal?.aborted) stopped = 'interrupted';
    else if (performance.now() >= settings.deadline) stopped = 'time-limit';
    return stopped !== undefined;
  };

  /** One sweep under `alpha` and `prices`: the full LP's objective there, or undefined when stopped. */
  const sweep = (): { upper: number; stepSlack: Float64Array; added: number } | undefined => {
    const started = performance.now();
    lp.alpha.set(alpha);
    lp.sweep.resetCounts();
    lp.sweep.recomputePriorities();
    const stepSlack = new Float64Array(steps);
    const next = spare;
    next.size = 0;
    let upper = 0;
    let added = 0;
    for (let t = 0; t < first; t++) next.start[t] = 0;
    for (let t = first; t < steps; t++) {
      // The first sweep always finishes: it gives the first feasible point.
      if ((t - first) % CHECK_EVERY === CHECK_EVERY - 1 && best.upper < Infinity && outOfTime())
        return undefined;
      next.start[t] = next.size;
      const m = mergeGlobal[t];
      if (m >= 0 && excluded?.[t] !== 1) {
        const rawM = lp.sweep.priority(m) + prices[m];
        const mark = ++stampNow;
        // The edges held: re-weighted under alpha, kept while positive; what they already need.
        let cover = 0;
        for (let k = edges.start[t]; k < edges.start[t + 1]; k++) {
          const p = edges.pair[k];
          const key = lp.sweep.priority(p);
          const a = key + prices[p] - rawM;
          stamp[p] = mark;
          // Kept whatever their weight when the inner loop re-weights them for other shares.
          if (a <= 0 && !inner) continue;
          const at = next.push(p, a); // may grow next.d: read it after
          next.d.set(edges.d.subarray(k * n, k * n + n), at);
          if (key - rawM > cover) cover = key - rawM;
        }
        const top = lp.sweep.topExcept(m);
        const need = top >= 0 ? Math.max(0, lp.sweep.priority(top) - rawM) : 0;
        stepSlack[t] = need;
        upper += need;
        const tolerance = lp.settings.tolerance * (1 + Math.abs(rawM) * 1e-3);
        if (need > cover + tolerance) {
          let found = 0;
          lp.sweep.forEachAbove(rawM + cover + tolerance, (p) => {
            if (p === m || stamp[p] === mark) return true;
            const at = next.push(p, lp.sweep.priority(p) + prices[p] - rawM);
            lp.sweep.rowCoefficients(t, p, coef);
            for (let i = 0; i < n; i++) next.d[at + i] = -coef[i];
            found++;
            return found < tuning.alphaEdges;
          });
          added += found;
        }
      }
      lp.sweep.applyStep(t);
    }
    next.start[steps] = next.size;
    for (let g = 0; g < numPairs; g++) upper += prices[g];
    spare = edges;
    edges = next;
    peakEdges = Math.max(peakEdges, edges.size);
    sweeps++;
    sweepSeconds += (performance.now() - started) / 1000;
    return { upper, stepSlack, added };
  };

  /**
   * The maximum-weight matching on the edges held, weighted as the last sweep found them or, with
   * `reweigh`, by alpha . d: its value, cut (in `unit`s) and new prices.
   */
  const match = (reweigh: boolean): { value: number; cut: Float64Array } => {
    const started = performance.now();
    const rowSteps: number[] = [];
    const colPairs: number[] = [];
    const rowStart: number[] = [0];
    const col = new Int32Array(edges.size);
    const weight = new Float64Array(edges.size);
    const edgeOf = new Int32Array(edges.size);
    let size = 0;
    for (let t = first; t < steps; t++) {
      for (let k = edges.start[t]; k < edges.start[t + 1]; k++) {
        let a = edges.weight[k];
        if (reweigh) {
          a = 0;
          for (let i = 0, at = k * n; i < n; i++) a += alpha[i] * edges.d[at + i];
        }
        if (a <= 0) continue;
        const p = edges.pair[k];
        if (colOf[p] < 0) {
          colOf[p] = colPairs.length;
          colPairs.push(p);
        }
        col[size] = colOf[p];
        weight[size] = a;
        edgeOf[size++] = k;
      }
      if (size > rowStart[rowStart.length - 1]) {
        rowSteps.push(t);
        rowStart.push(size);
      }
    }
    // Warm start: the last matching and its prices (the method stays exact from any start).
    const rowCol = Int32Array.from(rowSteps, (t) => (matchedPair[t] >= 0 ? colOf[matchedPair[t]] : -1));
    const colPrice = Float64Array.from(colPairs, (p) => prices[p]);
    const matching = maxWeightMatching(
      { rows: rowSteps.length, cols: colPairs.length, rowStart: Int32Array.from(rowStart), col, weight },
      tuning.alphaWarm ? { colPrice, rowCol } : undefined,
    );
    matchedPair.fill(-1);
    for (let r = 0; r < rowSteps.length; r++) {
      const e = matching.rowEdge[r];
      if (e >= 0) matchedPair[rowSteps[r]] = colPairs[col[e]];
    }
    prices.fill(0);
    colPairs.forEach((p, j) => {
      prices[p] = matching.colDual[j];
      colOf[p] = -1;
    });
    const cut = new Float64Array(n);
    for (let r = 0; r < rowSteps.length; r++) {
      const e = matching.rowEdge[r];
      if (e < 0) continue;
      const at = edgeOf[e] * n;
      for (let i = 0; i < n; i++) cut[i] += edges.d[at + i] / unit;
    }
    matchingSeconds += (performance.now() - started) / 1000;
    return { value: matching.value, cut };
  };

  /** The next shares by the stabilised master, given the best objective known for the model's function. */
  const step = (
    from: Float64Array,
    centreBest: Float64Array,
    upper: number,
    kelley: Float64Array,
    gap: number,
  ): Float64Array => {
    // Near the optimum the cutting-plane model is accurate and its minimum lands on the optimal
    // vertex (finite termination), where level steps only halve the gap each time.
    if (tuning.alphaStep === 'kelley' || gap <= tuning.alphaKelleyBelow) return kelley;
    const level = (lower + tuning.alphaLevel * (upper - lower)) / unit;
    return master.level(tuning.alphaStep === 'level-best' ? centreBest : from, level) ?? kelley;
  };

  /**
   * Inner loop: minimises F over the edges held (a lower bound on F everywhere, so its cuts are
   * valid) by matchings alone, no sweep, until its own gap is below alphaAccuracy x the outer gap
   * or alphaInner matchings; leaves alpha and prices at the best shares it found.
   */
  const innerLoop = (value: number, outerGap: number): void => {
    let innerBest = value;
    let innerAlpha = Float64Array.from(alpha);
    let innerPrices = Float64Array.from(prices);
    for (let k = 0; k < tuning.alphaInner; k++) {
      const kelley = master.kelley();
      lower = Math.max(lower, kelley.lower * unit);
      const gap = gapOf(lower, innerBest, floor);
      if (gap <= Math.max(tuning.alphaAccuracy * outerGap, tuning.alphaCertifyGap)) break;
      alpha = step(alpha, innerAlpha, innerBest, kelley.alpha, gap);
      const matched = match(true);
      master.addCut(matched.cut);
      innerIterations++;
      if (matched.value < innerBest) {
        innerBest = matched.value;
        innerAlpha = Float64Array.from(alpha);
        innerPrices = Float64Array.from(prices);
      }
    }
    alpha = innerAlpha;
    prices.set(innerPrices);
  };

  const report = (detail: string) =>
    settings.onProgress({ stage: 'solve', done: iterations, total: 0, unit: 'rounds', detail });

  outer: for (;;) {
    iterations++;
    const upperBefore = best.upper;
    // Evaluate the shares: sweep, match, and sweep again while the two disagree too much.
    for (let round = 0; ; round++) {
      if (best.upper < Infinity && outOfTime()) break outer;
      const swept = sweep();
      if (!swept) break outer;
      if (unit === 0) unit = Math.max(swept.upper, floor);
      if (swept.upper < best.upper) {
        best = { alpha: Float64Array.from(alpha), stepSlack: swept.stepSlack, upper: swept.upper };
      }
      const { value, cut } = match(false);
      lastValue = value;
      master.addCut(cut);
      const slack = swept.upper - value;
      const wanted = tuning.alphaAccuracy * Math.max(0, best.upper - lower);
      if (inner || slack <= Math.max(wanted, floor) || round + 1 >= tuning.alphaRounds) break;
      if (performance.now() - lastYield > 200) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    const started = performance.now();
    const matchedBefore = matchingSeconds;
    const masterDone = () => {
      masterSeconds += (performance.now() - started) / 1000 - (matchingSeconds - matchedBefore);
    };
    const kelley = master.kelley();
    const progress = kelley.lower * unit > lower * (1 + 1e-12) || best.upper < upperBefore * (1 - 1e-12);
    stalled = progress ? 0 : stalled + 1;
    lower = Math.max(lower, kelley.lower * unit);
    const gap = gapOf(lower, best.upper, floor);
    report(
      `${sweeps} sweeps, ${innerIterations} inner matchings, ${master.cuts} cuts, ${edges.size} edges, bounds ${(lower / scale).toExponential(4)} .. ${(best.upper / scale).toExponential(4)} (gap ${(100 * gap).toPrecision(3)}%); seconds sweeping ${sweepSeconds.toFixed(1)}, matching ${matchingSeconds.toFixed(1)}, master ${masterSeconds.toFixed(1)}`,
    );
    if (gap <= tuning.alphaCertifyGap) {
      certified = true;
      masterDone();
      break;
    }
    if ((settings.gap ?? 0) > 0 && gap <= settings.gap!) {
      stopped = 'gap';
      masterDone();
      break;
    }
    if (stalled >= STALL_ITERATIONS) {
      stopped = 'solver-aborted';
      detail = `alpha-cuts: neither bound moved in ${STALL_ITERATIONS} iterations`;
      masterDone();
      break;
    }
    if (inner) innerLoop(lastValue, gap);
    else alpha = step(alpha, best.alpha, best.upper, kelley.alpha, gap);
    masterDone();
    await new Promise((resolve) => setImmediate(resolve));
    lastYield = performance.now();
  }
  lp.setPairPrices(undefined);
  lp.alpha.set(best.alpha);
  const gap = best.upper === Infinity ? 1 : gapOf(lower, best.upper, floor);
  return {
    alpha: best.alpha,
    stepSlack: best.stepSlack,
    upper: best.upper,
    lower,
    gap,
    certified,
    ...(certified ? {} : { stopped: stopped ?? 'time-limit' }),
    ...(detail !== undefined ? { detail } : {}),
    iterations,
    sweeps,
    cuts: master.cuts,
    peakEdges,
    sweepSeconds,
    matchingSeconds,
    masterSeconds,
  };
}
