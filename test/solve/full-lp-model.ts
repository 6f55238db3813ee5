// The paper's LP with all its rows, for checking the lazy LP on small problems: every merge step
// x every pair present at that step goes to the model at once. Also the random problems it is built on.
import assert from 'node:assert/strict';
import { withPairTotalsAt } from '../../src/solve/solve-mixture.js';
import type { Transcript } from '../../src/bpe/types.js';
import { countsAtStep } from '../../src/bpe/transcript-cursor.js';
import { LpModel, createBackend } from '../../src/solve/backends/index.js';
import { buildPairUniverse, type PairUniverse } from '../../src/solve/pair-universe.js';
import { rng } from '../bpe/helpers.js';
import { ALPHABETS, mixtureProblem, syntheticLanguage } from './helpers.js';

/**
 * n synthetic languages (alphabets drawn at random, so some share letters), a tokenizer trained on
 * a random mixture of them, and held-out samples replayed: the LP needs slack, as on real data.
 * `exact` replays the training samples instead: objective 0, and with few merges a wide optimal face.
 */
export function randomProblem(seed: number, n: number, merges: number, exact = false) {
  const random = rng(seed);
  const alphabets = Array.from({ length: n }, () => ALPHABETS[Math.floor(random() * ALPHABETS.length)]);
  const weights = alphabets.map(() => 1 + Math.floor(random() * 4));
  const training = alphabets.map((a, i) => syntheticLanguage(seed * 10 + i, a, 1200, 80));
  const heldOut = alphabets.map((a, i) => syntheticLanguage(seed * 10 + i, a, 1200, 80, 700 + seed * 10 + i));
  return mixtureProblem(training, weights, merges, exact ? training : heldOut);
}

/** Every pair present at step t (global id) with its count per category, after merges 0..t-1. */
export function pairCountsAt(transcripts: Transcript[], universe: PairUniverse, t: number) {
  const counts = new Map<number, Float64Array>();
  transcripts.forEach((tr, i) => {
    countsAtStep(tr, t).forEach((c, l) => {
      if (c === 0) return;
      const g = universe.localToGlobal[i][l];
      if (!counts.has(g)) counts.set(g, new Float64Array(transcripts.length));
      counts.get(g)![i] = c;
    });
  });
  return counts;
}

/** Objectives agree to 1e-6 relative, or 1e-5 occurrences of a typical category (the sweep's tolerance). */
export function assertSameObjective(lazy: number, full: number, scale: number, what: string): void {
  const gap = Math.abs(lazy - full) * scale;
  assert.ok(gap <= 1e-6 * full * scale + 1e-5, `${what}: lazy objective ${lazy} vs full LP ${full}`);
}

/**
 * The paper's LP with all its rows: for every step t >= firstStep and every pair p present at t,
 * sum_i alpha_i w_i (c_merge,i - c_p,i) + v_t + v_p >= 0, in the same scaled units as LazyMixtureLp.
 * Steps with unconstrained[t] = 1 get no rows (their merges still shape later steps' counts).
 * With noiseZ > 0, the noise-aware rows: each coefficient gains w_i z sqrt(c_merge,i + c_p,i).
 */
export function fullLp(transcripts: Transcript[], firstStep: number, unconstrained?: Uint8Array, noiseZ = 0) {
  const universe = buildPairUniverse(transcripts);
  const n = transcripts.length;
  const totals = transcripts.map((t) => t.totals.pairs).sort((a, b) => a - b);
  const scale = totals[totals.length >> 1];
  const w = transcripts.map((t) => scale / t.totals.pairs);
  const model = new LpModel();
  for (let i = 0; i < n; i++) model.addCol(0, 1, 0);
  const alphaCols = Array.from({ length: n }, (_, i) => i);
  model.addRow(1, 1, alphaCols, new Array<number>(n).fill(1));
  const vpCol = new Map<number, number>();
  for (let t = firstStep; t < universe.steps; t++) {
    const m = universe.mergeGlobal[t];
    if (m < 0 || unconstrained?.[t] === 1) continue;
    const counts = pairCountsAt(transcripts, universe, t);
    const merge = counts.get(m) ?? new Float64Array(n);
    const vt = model.addCol(0, Number.POSITIVE_INFINITY, 1);
    for (const [p, c] of counts) {
      if (p === m) continue;
      if (!vpCol.has(p)) vpCol.set(p, model.addCol(0, Number.POSITIVE_INFINITY, 1));
      const coef = alphaCols.map((i) => (merge[i] - c[i] + noiseZ * Math.sqrt(merge[i] + c[i])) * w[i]);
      model.addRow(0, Number.POSITIVE_INFINITY, [...alphaCols, vt, vpCol.get(p)!], [...coef, 1, 1]);
    }
  }
  return { model, scale };
}

/**
 * The full LP's optimum (scaled back), and `at(alpha)`: its optimum with the shares fixed at alpha.
 * Counts are normalized as solveMixture's default does: by the pair totals at firstStep.
 */
export async function fullOptimum(
  transcripts: Transcript[],
  firstStep: number,
  unconstrained?: Uint8Array,
  noiseZ = 0,
) {
  const { model, scale } = fullLp(withPairTotalsAt(transcripts, firstStep), firstStep, unconstrained, noiseZ);
  const n = transcripts.length;
  const solveAt = async (alpha?: number[]) => {
    for (let i = 0; i < n; i++) model.setColBounds(i, alpha ? alpha[i] : 0, alpha ? alpha[i] : 1);
    const glpk = await createBackend('glpk');
    try {
      const solution = glpk.solve(model, {});
      if (solution.status !== 'optimal') throw new Error(`full LP: ${solution.status}`);
      return solution;
    } finally {
      glpk.dispose();
    }
  };
  const free = await solveAt();
  return {
    objective: free.objective / scale,
    alpha: Array.from(free.x.subarray(0, n)),
    rows: model.numRows,
    scale,
    at: async (alpha: number[]) => (await solveAt(alpha)).objective / scale,
  };
}

/**
 * Each category's byte-share range over the full LP's near-optimal face (objective at most its
 * optimum plus delta, scaled units), by GLPK on the Charnes-Cooper form: y = t alpha, sum y = t,
 * sum ratio_i y_i = 1, so byte share i = ratio_i y_i is linear. Slacks scale with t too.
 */
export async function fullFaceRanges(transcripts: Transcript[], delta: number): Promise<[number, number][]> {
  const { model } = fullLp(transcripts, 0);
  const n = transcripts.length;
  const ratios = transcripts.map((t) => t.totals.bytes / t.totals.pairs);
  const glpk = await createBackend('glpk');
  try {
    const optimum = glpk.solve(model, {}).objective;
    const slacks = Array.from({ length: model.numCols - n }, (_, k) => n + k);
    for (let i = 0; i < n; i++) model.setColBounds(i, 0, Number.POSITIVE_INFINITY);
    model.setRowBounds(0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const t = model.addCol(0, Number.POSITIVE_INFINITY, 0);
    const alpha = Array.from({ length: n }, (_, i) => i);
    model.addRow(0, 0, [...alpha, t], [...alpha.map(() => 1), -1]);
    model.addRow(1, 1, alpha, ratios);
    model.addRow(Number.NEGATIVE_INFINITY, 0, [...slacks, t], [...slacks.map(() => 1), -(optimum + delta)]);
    return alpha.map((i) => {
      const share = (sense: 'min' | 'max') => {
        model.setObjective(
          alpha.map((j) => (j === i ? ratios[i] : 0)),
          sense,
        );
        const solution = glpk.solve(model, {});
        if (solution.status !== 'optimal') throw new Error(`full face LP: ${solution.status}`);
        return solution.objective;
      };
      return [share('min'), share('max')];
    });
  } finally {
    glpk.dispose();
  }
}
