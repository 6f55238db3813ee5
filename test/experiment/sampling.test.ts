// The seeded generator, the simplex draw and the scoring functions the validation stands on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, deriveSeed, sampleWithoutReplacement } from '../../src/common/random.js';
import { sampleFromSimplex } from '../../src/experiment/simplex.js';
import { meanAndSd, meanSquaredError, log10Mse, normalizeShares } from '../../src/experiment/metrics.js';

test('the generator is reproducible from its seed and differs across seeds', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c.next()),
  );
  for (const x of xs) assert.ok(x >= 0 && x < 1);
  assert.notEqual(deriveSeed(1, 5, 0), deriveSeed(1, 5, 1));
  assert.equal(deriveSeed(1, 5, 0), deriveSeed(1, 5, 0));
});

test('int(bound) is uniform: chi-square over 10 bins stays small', () => {
  const rng = createRng(7);
  const bins = new Array(10).fill(0);
  const draws = 100000;
  for (let i = 0; i < draws; i++) bins[rng.int(10)]++;
  const expected = draws / 10;
  const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 30, `chi-square ${chi2} too large for 9 degrees of freedom`);
});

test('sampling without replacement gives distinct in-range indices', () => {
  const rng = createRng(1);
  const picked = sampleWithoutReplacement(112, 30, rng);
  assert.equal(new Set(picked).size, 30);
  for (const i of picked) assert.ok(i >= 0 && i < 112);
  assert.throws(() => sampleWithoutReplacement(3, 4, rng), RangeError);
});

test('simplex draws sum to one, are positive, and are uniform (each marginal has mean 1/n)', () => {
  const rng = createRng(3);
  const n = 5;
  const trials = 20000;
  const sums = new Array(n).fill(0);
  let firstSquares = 0;
  for (let t = 0; t < trials; t++) {
    const x = sampleFromSimplex(n, rng);
    assert.equal(x.length, n);
    assert.ok(Math.abs(x.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    for (let i = 0; i < n; i++) {
      assert.ok(x[i] > 0);
      sums[i] += x[i];
    }
    firstSquares += x[0] ** 2;
  }
  for (const s of sums) assert.ok(Math.abs(s / trials - 1 / n) < 0.005, `marginal mean ${s / trials}`);
  // Dirichlet(1,…,1): E[x_1^2] = 2 / (n (n + 1)).
  assert.ok(Math.abs(firstSquares / trials - 2 / (n * (n + 1))) < 0.004);
  assert.deepEqual(sampleFromSimplex(1, rng), [1]);
});

test('random-vs-random MSE matches the paper’s random baseline (log10 ≈ -1.39 at n = 5, -1.84 at n = 10)', () => {
  const rng = createRng(11);
  for (const [n, paper] of [
    [5, -1.39],
    [10, -1.84],
  ] as const) {
    const logs: number[] = [];
    for (let t = 0; t < 5000; t++) logs.push(log10Mse(sampleFromSimplex(n, rng), sampleFromSimplex(n, rng)));
    const { mean } = meanAndSd(logs);
    assert.ok(Math.abs(mean - paper) < 0.05, `n=${n}: mean log10 MSE ${mean}, paper ${paper}`);
  }
});

test('MSE, mean ± sd and normalization', () => {
  assert.ok(Math.abs(meanSquaredError([0.5, 0.5], [0.7, 0.3]) - 0.04) < 1e-15);
  assert.throws(() => meanSquaredError([1], [0.5, 0.5]), RangeError);
  assert.ok(Number.isFinite(log10Mse([0.5, 0.5], [0.5, 0.5])));
  const { mean, sd } = meanAndSd([1, 3]);
  assert.equal(mean, 2);
  assert.equal(sd, 1);
  assert.deepEqual(normalizeShares([1, 3]), [0.25, 0.75]);
  assert.deepEqual(normalizeShares([0, 0]), [0.5, 0.5]);
});
