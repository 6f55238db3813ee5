// The optimal face: is the LP's optimum unique, and if not, how far can each byte share move while
// the objective stays at its optimum? Uses the Charnes-Cooper form (y = t * alpha, sum r y = 1) so
// that a byte share, a ratio in alpha, becomes linear; every vertex found is checked by a sweep.
import type { ProgressCallback } from '../common/progress.js';
import type { MixtureEstimate } from './types.js';
import type { LpBackend } from './backends/lp-model.js';
import type { LazyMixtureLp } from './lazy-lp.js';
import { byteShareOf } from './byte-share.js';

export interface FaceOptions {
  /** Optimal objective of the main LP, in the model's scaled units. */
  objective: number;
  /** Bytes per pair of each category. */
  ratios: number[];
  uniqueTolerance: number;
  seed: number;
  /** performance.now() deadline for the whole solve. */
  deadline: number;
  /** performance.now() deadline for the byte-share ranges, computed after the first probe. */
  rangesDeadline: number;
  byteShare: number[];
  onProgress: ProgressCallback;
}

export interface FaceResult {
  uncertainty: NonNullable<MixtureEstimate['uncertainty']>;
  /** Mean of the extreme points found (a point of the optimal face), when the face is not a point. */
  centralAlpha?: Float64Array;
  lpSeconds: number;
  sweepSeconds: number;
}

/** A reproducible probe direction: a golden-ratio sequence shifted by the seed, centred on 0. */
function probeDirection(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => (((seed + i + 1) * 0.6180339887498949) % 1) - 0.5);
}

/** Rounds of "solve, sweep the vertex, add what it violates" before trusting a vertex. */
const MAX_VERIFY_ROUNDS = 8;

/** Time below which the byte-share ranges are never attempted: their first ratio LP alone takes seconds. */
const MIN_RANGES_MS = 2000;

export function exploreOptimalFace(lp: LazyMixtureLp, backend: LpBackend, options: FaceOptions): FaceResult {
  const n = lp.n;
  const model = lp.model;
  let lpSeconds = 0;
  let sweepSeconds = 0;
  const meanRatio = options.ratios.reduce((a, b) => a + b, 0) / n;
  const r = options.ratios.map((x) => x / meanRatio);
  const result = (uncertainty: FaceResult['uncertainty']): FaceResult => ({
    uncertainty,
    lpSeconds,
    sweepSeconds,
  });
  const delta = 1e-7 * Math.abs(options.objective) + 1e-6;
  const direction = probeDirection(n, options.seed);

  // The cheap question first, in the LP's own variables so the solver starts from its optimal
  // basis: can a random direction in the shares improve while the objective stays optimal? Only if
  // it can are the byte-share ranges worth their slower ratio LPs below.
  let slackCols = lp.slackColumns();
  const probeRow = model.addRow(
    Number.NEGATIVE_INFINITY,
    options.objective + delta,
    slackCols,
    slackCols.map(() => 1),
  );
  lp.exploreFace(probeRow);
  /**
   * Optimizes `cost` over the optimal face, re-solving while a sweep finds constraints the vertex
   * violates, for at most MAX_VERIFY_ROUNDS sweeps. Returns the last solution and whether its
   * sweep came back clean; undefined on a time-out or a solver failure, which leaves the main
   * optimum standing, only unchecked. `homogenizer` is the Charnes-Cooper column, once it exists.
   */
  const solveVerified = (
    cost: ArrayLike<number>,
    sense: 'min' | 'max',
    deadline: number,
    homogenizer?: number,
  ): { x: Float64Array; verified: boolean } | undefined => {
    for (let round = 0; ; round++) {
      if (performance.now() > deadline) return undefined;
      model.setObjective(cost, sense);
      const lpStart = performance.now();
      const limit = deadline === Infinity ? undefined : (deadline - performance.now()) / 1000;
      const solution = backend.solve(model, { timeLimitSeconds: limit, simplex: 'primal' });
      lpSeconds += (performance.now() - lpStart) / 1000;
      if (solution.status !== 'optimal') return undefined;
      lp.adopt(solution.x, homogenizer === undefined ? 1 : solution.x[homogenizer]);
      if (round >= MAX_VERIFY_ROUNDS) return { x: solution.x, verified: false };
      const sweepStart = performance.now();
      const added = lp.fullPass();
      sweepSeconds += (performance.now() - sweepStart) / 1000;
      if (added === 0) return { x: solution.x, verified: true };
    }
  };
  const probe = (sense: 'min' | 'max'): number[] | undefined =>
    solveVerified(direction, sense, options.deadline)?.verified
      ? byteShareOf(Array.from(lp.alpha), options.ratios)
      : undefined;
  const probeStart = performance.now();
  const probeHigh = probe('max');
  const probeLow = probe('min');
  const probeMs = performance.now() - probeStart;
  let probeSpread: number | undefined;
  if (probeHigh && probeLow) {
    let spread = 0;
    for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs(probeHigh[i] - probeLow[i]));
    probeSpread = spread;
    if (spread <= options.uniqueTolerance) {
      return result({
        unique: true,
        movement: spread,
        note: `optimum unique: a random direction moves no byte share by more than ${spread.toExponential(1)}`,
      });
    }
  }
  if (probeSpread === undefined) {
    return result({
      unique: false,
      note: 'the optimum could not be checked for uniqueness (time limit or solver failure on the probe LP)',
    });
  }
  // One category's range takes two ratio LPs, each slower than a probe LP: unless about twice the
  // probes' time is left, not even the largest share's range would finish.
  if (options.rangesDeadline - performance.now() < Math.max(MIN_RANGES_MS, 2 * probeMs)) {
    return result({
      unique: false,
      movement: probeSpread,
      note: `optimum not unique: along a random direction byte shares move by up to ${probeSpread.toExponential(2)} at optimal objective; per-category ranges not computed (no time left)`,
    });
  }
  model.setRowBounds(probeRow, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);

  // Charnes-Cooper: alpha = y / t with t = 1 / sum(r alpha). Every mixture row is homogeneous (>= 0),
  // so it holds for (y, t * v) unchanged; the simplex row becomes sum y - t = 0, a new row fixes
  // sum r y = 1 (so byte share i = r_i y_i), and the objective may exceed its optimum by delta only.
  const tCol = model.addCol(0, Number.POSITIVE_INFINITY, 0);
  for (let i = 0; i < n; i++) model.setColBounds(i, 0, Number.POSITIVE_INFINITY);
  model.setRowBounds(lp.simplexRow, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  const idx = Array.from({ length: n }, (_, i) => i);
  model.addRow(0, 0, [...idx, tCol], [...idx.map(() => 1), -1]);
  model.addRow(1, 1, idx, r);
  slackCols = lp.slackColumns();
  const boundRow = model.addRow(
    Number.NEGATIVE_INFINITY,
    0,
    [...slackCols, tCol],
    [...slackCols.map(() => 1), -(options.objective + delta)],
  );
  lp.exploreFace(boundRow);

  const vertices: Float64Array[] = [];
  let unverified = 0;
  /** Optimizes sum c_i * byteShare_i over the optimal face; returns the byte shares of the vertex. */
  const extreme = (c: number[], sense: 'min' | 'max'): number[] | undefined => {
    const cost = Float64Array.from(c, (ci, i) => ci * r[i]);
    const vertex = solveVerified(cost, sense, options.rangesDeadline, tCol);
    if (!vertex) return undefined;
    vertices.push(Float64Array.from(lp.alpha));
    if (vertex.verified)
      options.onProgress({ stage: 'uniqueness', done: vertices.length, total: 0, unit: 'items' });
    else unverified++;
    return Array.from({ length: n }, (_, i) => r[i] * vertex.x[i]);
  };

  const ranges: ([number, number] | null)[] = options.byteShare.map(() => null);
  let computed = 0;
  // Largest shares first: if time runs out, the ranges that matter most are there.
  const order = idx.slice().sort((a, b) => options.byteShare[b] - options.byteShare[a]);
  for (const i of order) {
    const unit = idx.map((j) => (j === i ? 1 : 0));
    const lowShares = extreme(unit, 'min');
    const highShares = lowShares && extreme(unit, 'max');
    if (!lowShares || !highShares) break;
    ranges[i] = [Math.max(0, lowShares[i]), Math.min(1, highShares[i])];
    computed++;
  }
  let widest = probeSpread;
  for (const range of ranges) if (range) widest = Math.max(widest, range[1] - range[0]);
  const notes = [
    `optimum not unique: byte shares can move by up to ${widest.toExponential(2)} at optimal objective`,
  ];
  let centralAlpha: Float64Array | undefined;
  if (computed === n) {
    centralAlpha = new Float64Array(n);
    for (const v of vertices) for (let i = 0; i < n; i++) centralAlpha[i] += v[i] / vertices.length;
    notes.push("shares reported are the mean of the optimal face's extreme points");
  } else {
    notes.push(
      computed === 0
        ? 'per-category ranges not computed (time limit or solver failure)'
        : `time limit or solver failure: ranges computed for the ${computed} largest of ${n} categories only`,
    );
  }
  if (unverified > 0)
    notes.push(
      `${unverified} extreme points not fully checked against all constraints (ranges may be wider than the truth)`,
    );
  return {
    ...result({ unique: false, movement: widest, byteShareRange: ranges, note: notes.join('; ') }),
    centralAlpha,
  };
}
