// The likelihood estimator (solve/likelihood.ts, solve/softmax-race.ts): its races are the counts
// the transcripts hold, its fit is the maximum of its own objective (against brute force on small
// random problems, within its stated gap), it recovers a noiseless mixture, and it does not depend
// on the order of the categories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveLikelihood } from '../../src/solve/likelihood.js';
import {
  fitRaces,
  frankWolfeGap,
  projectCappedSimplex,
  raceLogLikelihood,
  type SoftmaxRaces,
} from '../../src/solve/softmax-race.js';
import { buildPairUniverse } from '../../src/solve/pair-universe.js';
import { rng } from '../bpe/helpers.js';
import { pairCountsAt, randomProblem } from './full-lp-model.js';

/** Random races: `count` races of 1..6 candidates in n dimensions. */
function randomRaces(seed: number, n: number, count: number): SoftmaxRaces {
  const random = rng(seed);
  const start = new Uint32Array(count + 1);
  const rows: number[] = [];
  for (let s = 0; s < count; s++) {
    start[s] = rows.length / n;
    const candidates = 1 + Math.floor(random() * 6);
    for (let k = 0; k < candidates; k++) for (let i = 0; i < n; i++) rows.push((random() - 0.6) * 4);
  }
  start[count] = rows.length / n;
  return { n, start, d: Float32Array.from(rows) };
}

test('the projection onto {β ≥ 0, Σβ ≤ B} is the nearest point of the set', () => {
  const random = rng(3);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(random() * 5);
    const point = Float64Array.from({ length: n }, () => (random() - 0.3) * 5);
    const cap = 0.5 + random() * 3;
    const projected = Float64Array.from(point);
    projectCappedSimplex(projected, cap);
    assert.ok(projected.every((v) => v >= 0));
    assert.ok(projected.reduce((a, b) => a + b, 0) <= cap + 1e-12);
    const distance = (q: Float64Array) => q.reduce((sum, v, i) => sum + (v - point[i]) ** 2, 0);
    // No random point of the set is nearer.
    for (let k = 0; k < 200; k++) {
      const other = Float64Array.from({ length: n }, () => random() * cap);
      projectCappedSimplex(other, cap);
      assert.ok(distance(other) >= distance(projected) - 1e-12);
    }
  }
});

test('the fit reaches the maximum of its own objective: brute force on small random problems', () => {
  for (const seed of [1, 2, 3, 4]) {
    const n = 2;
    const races = randomRaces(seed, n, 40);
    const cap = 50;
    const fit = fitRaces(races, { precisionCap: cap, tolerance: 1e-10 });
    assert.ok(fit.converged, `seed ${seed}: not converged (gap ${fit.gap})`);
    // Brute force: a fine grid over mass and direction, then the stated gap bounds every point.
    const grad = new Float64Array(n);
    let best = -Infinity;
    for (let m = 0; m <= 400; m++) {
      const mass = (cap * m) / 400;
      for (let a = 0; a <= 400; a++) {
        const beta = Float64Array.from([(mass * a) / 400, (mass * (400 - a)) / 400]);
        best = Math.max(best, raceLogLikelihood(races, beta, grad));
      }
    }
    assert.ok(
      best <= fit.logLikelihood + fit.gap + 1e-9,
      `seed ${seed}: grid ${best} beats the fit ${fit.logLikelihood}`,
    );
    assert.ok(
      fit.logLikelihood - best < 0.05,
      `seed ${seed}: fit ${fit.logLikelihood} far above the grid ${best}`,
    );
    // The reported gap is the Frank–Wolfe gap at the returned point.
    const value = raceLogLikelihood(races, fit.beta, grad);
    assert.ok(Math.abs(value - fit.logLikelihood) < 1e-9);
    assert.ok(Math.abs(frankWolfeGap(fit.beta, grad, cap) - fit.gap) < 1e-9);
  }
});

test('the fit agrees with a long projected-gradient ascent in 3 and 5 dimensions', () => {
  for (const [seed, n] of [
    [5, 3],
    [6, 5],
  ]) {
    const races = randomRaces(seed, n, 60);
    const cap = 20;
    const fit = fitRaces(races, { precisionCap: cap, tolerance: 1e-10 });
    let beta = new Float64Array(n).fill(1 / n);
    const grad = new Float64Array(n);
    for (let k = 0; k < 20000; k++) {
      raceLogLikelihood(races, beta, grad);
      beta = Float64Array.from(beta, (b, i) => b + 0.002 * grad[i]);
      projectCappedSimplex(beta, cap);
    }
    const slow = raceLogLikelihood(races, beta, grad);
    assert.ok(slow <= fit.logLikelihood + fit.gap + 1e-9, `n = ${n}: ascent ${slow} beats the fit`);
    assert.ok(fit.logLikelihood - slow < 1e-3, `n = ${n}: fit ${fit.logLikelihood}, ascent ${slow}`);
  }
});

test('with every pair a candidate, the races hold the transcripts’ counts (brute force)', async () => {
  const { mergeList, transcripts } = randomProblem(7, 3, 40);
  const estimate = await solveLikelihood(transcripts, { mergeList }, { candidates: 1e9, maxRounds: 1 });
  // Recompute the log-likelihood from scratch with every pair present at every step.
  const universe = buildPairUniverse(transcripts);
  const n = transcripts.length;
  const totals = transcripts.map((t) => t.totals.pairs);
  const scale = [...totals].sort((a, b) => a - b)[Math.floor(n / 2)];
  const unit = totals.map((p) => scale / p);
  // The fitted β is α times the fitted mass; the objective does not depend on how β is split
  // into the two, so compare at the estimate's α with the mass that the brute force refits.
  const alpha = estimate.pairShare;
  const logLikelihoodAt = (mass: number) => {
    let total = 0;
    for (let t = 0; t < universe.steps; t++) {
      const m = universe.mergeGlobal[t];
      if (m < 0) continue;
      const counts = pairCountsAt(transcripts, universe, t);
      const x = (c: Float64Array) => c.reduce((sum, v, i) => sum + mass * alpha[i] * unit[i] * v, 0);
      const merge = counts.get(m)!;
      // The default noise scale is flat: σ_t = 1.
      const sigma = 1;
      let z = 1;
      for (const [p, c] of counts) if (p !== m) z += Math.exp((x(c) - x(merge)) / sigma);
      total -= Math.log(z);
    }
    return total;
  };
  // Concave in the mass: ternary search over the cap's range.
  let [lo, hi] = [0, 1000];
  for (let k = 0; k < 100; k++) {
    const a = lo + (hi - lo) / 3;
    const b = hi - (hi - lo) / 3;
    if (logLikelihoodAt(a) < logLikelihoodAt(b)) lo = a;
    else hi = b;
  }
  const best = logLikelihoodAt((lo + hi) / 2);
  // The estimator's objective is the negative log-likelihood at its fit; the brute force over the
  // mass at the same α cannot beat it by more than the stated gap (and the grid's resolution).
  assert.ok(
    best <= -estimate.objective + estimate.upperBound - estimate.lowerBound + 1e-5,
    `brute force ${best} above the estimate ${-estimate.objective}`,
  );
  // The races are stored in single precision.
  assert.ok(-estimate.objective - best < 1e-5, `estimate ${-estimate.objective}, brute force ${best}`);
  assert.ok(estimate.certified);
});

test('a noiseless mixture is recovered', async () => {
  for (const seed of [1, 2, 3]) {
    const { mergeList, transcripts, truth } = randomProblem(seed, 3, 120, true);
    const estimate = await solveLikelihood(transcripts, { mergeList });
    const error = Math.max(...estimate.byteShare.map((s, i) => Math.abs(s - truth[i])));
    assert.ok(error < 0.01, `seed ${seed}: shares ${estimate.byteShare} vs truth ${truth}`);
    assert.ok(estimate.certified);
  }
});

test('the estimate does not depend on the order of the categories', async () => {
  const { mergeList, transcripts } = randomProblem(4, 4, 60);
  const order = [2, 0, 3, 1];
  // One round: the same races exactly; more rounds: the same within what the fits' tolerance leaves
  // (a round's candidates follow the last fit's shares).
  for (const [tuning, tolerance] of [
    [{ maxRounds: 1 }, 1e-6],
    [{}, 1e-4],
  ] as const) {
    const forward = await solveLikelihood(transcripts, { mergeList }, tuning);
    const permuted = await solveLikelihood(
      order.map((i) => transcripts[i]),
      { mergeList },
      tuning,
    );
    order.forEach((i, k) =>
      assert.ok(
        Math.abs(permuted.byteShare[k] - forward.byteShare[i]) < tolerance,
        `category ${i}: ${permuted.byteShare[k]} vs ${forward.byteShare[i]}`,
      ),
    );
    assert.equal(permuted.constraints, forward.constraints);
    assert.ok(
      Math.abs(permuted.objective - forward.objective) < tolerance * Math.max(1, forward.objective),
      `objective ${permuted.objective} vs ${forward.objective}`,
    );
  }
});
