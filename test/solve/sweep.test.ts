// The sweep against brute force: for random shares, every step must find exactly the pairs whose
// mixture-weighted count beats the merge's, with row coefficients equal to the counts at that step.
// The sweep keeps priorities in an indexed heap updated step by step, so a heap left invalid
// (several keys changed before one re-sift) or a count looked up at the wrong step shows here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LazyMixtureLp } from '../../src/solve/lazy-lp.js';
import { ViolationPool } from '../../src/solve/violation-pool.js';
import { buildPairUniverse } from '../../src/solve/pair-universe.js';
import { countsAtStep } from '../../src/bpe/transcript-cursor.js';
import { rng } from '../bpe/helpers.js';
import { ALPHABETS, mergeWords, replayNaive, symbolTable, syntheticLanguage, trainNaive } from './helpers.js';

const TOLERANCE = 1e-6;

function buildProblem() {
  // Alphabets 0, 2 and 5 share letters, so many pairs occur in several categories.
  const samples = [0, 2, 5, 1].map((a, i) => syntheticLanguage(40 + i, ALPHABETS[a], 2500));
  const mixture = mergeWords(samples);
  const mergeList = trainNaive(mixture, 150);
  const symbols = symbolTable(mergeList, [...mixture.keys()].join(''));
  return samples.map((s) => replayNaive(s, mergeList, symbols));
}

test('each step finds exactly the pairs beating its merge, with the counts at that step', () => {
  const transcripts = buildProblem();
  const universe = buildPairUniverse(transcripts);
  const n = transcripts.length;
  const lp = new LazyMixtureLp(transcripts, universe, { competitorBatch: 1e9, tolerance: TOLERANCE });
  const random = rng(7);
  let compared = 0;
  for (let trial = 0; trial < 4; trial++) {
    // Random shares, one of them 0 in the later trials (its counts must still be tracked).
    const raw = Array.from({ length: n }, (_, i) => (trial > 1 && i === trial - 2 ? 0 : random()));
    const sum = raw.reduce((a, b) => a + b, 0);
    raw.forEach((r, i) => (lp.alpha[i] = r / sum));
    const weight = Array.from({ length: n }, (_, i) => lp.alpha[i] * lp.unitWeight[i]);

    const pool = new ViolationPool(1 << 20, n);
    const found: number[] = [];
    lp.resetCounts();
    lp.recomputePriorities();
    for (let t = 0; t < lp.steps; t++) {
      found.push(lp.checkStep(t, pool));
      lp.applyStep(t);
    }

    const countsAt = (t: number) => {
      const byGlobal = transcripts.map(() => new Map<number, number>());
      transcripts.forEach((tr, i) => {
        countsAtStep(tr, t).forEach((c, l) => {
          if (c !== 0) byGlobal[i].set(universe.localToGlobal[i][l], c);
        });
      });
      return byGlobal;
    };
    const expectedRows = new Map<string, number[]>();
    for (let t = 0; t < lp.steps; t++) {
      const m = universe.mergeGlobal[t];
      if (m < 0) continue;
      const counts = countsAt(t);
      const mix = (g: number) => counts.reduce((s, c, i) => s + weight[i] * (c.get(g) ?? 0), 0);
      const bar = mix(m);
      const cutoff = bar + TOLERANCE * (1 + Math.abs(bar) * 1e-3);
      const pairs = new Set<number>();
      for (const c of counts) for (const g of c.keys()) pairs.add(g);
      let beating = 0;
      for (const p of pairs) {
        if (p === m || mix(p) <= cutoff) continue;
        beating++;
        expectedRows.set(
          `${t}:${p}`,
          counts.map((c, i) => ((c.get(m) ?? 0) - (c.get(p) ?? 0)) * lp.unitWeight[i]),
        );
      }
      assert.equal(
        found[t],
        beating,
        `trial ${trial}, step ${t}: ${found[t]} found, ${beating} beat the merge`,
      );
    }
    assert.equal(pool.size, expectedRows.size);
    pool.forEach((t, p, coef) => {
      const expected = expectedRows.get(`${t}:${p}`);
      assert.ok(expected, `row (${t}, ${p}) is not a violated constraint`);
      expected.forEach((e, i) =>
        assert.ok(Math.abs(coef[i] - e) <= 1e-9 * (1 + Math.abs(e)), `row (${t}, ${p})`),
      );
      compared++;
    });
  }
  assert.ok(compared > 100, `only ${compared} rows compared`);
});

test('the pool keeps the most violated candidates of a sweep', () => {
  const pool = new ViolationPool(3, 1);
  const violations = [5, 1, 9, 3, 7, 2, 8];
  violations.forEach((v, k) => {
    if (pool.wants(v)) pool.slot(k, k, v)[0] = v;
  });
  const kept: number[] = [];
  pool.forEach((_t, _p, coef) => kept.push(coef[0]));
  assert.deepEqual(
    kept.sort((a, b) => a - b),
    [7, 8, 9],
  );
  assert.equal(pool.wants(6), false);
  assert.equal(pool.wants(10), true);
});
