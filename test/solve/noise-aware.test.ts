// Noise-aware rows (SolveMixtureOptions.noiseZ): z = 0 is the paper's LP exactly; z > 0 reaches the
// optimum of the full LP with every row loosened (built by brute force), and a certified search
// leaves no loosened row of the full LP violated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../src/solve/index.js';
import { withSearchedLp } from './helpers.js';
import { assertSameObjective, fullOptimum, pairCountsAt, randomProblem } from './full-lp-model.js';

test('noiseZ 0 gives the paper LP exactly', async () => {
  const { mergeList, transcripts } = randomProblem(2, 3, 40);
  const paper = await solveMixture(transcripts, { mergeList, backend: 'glpk' });
  const zero = await solveMixture(transcripts, { mergeList, backend: 'glpk', noiseZ: 0 });
  assert.deepEqual(zero.pairShare, paper.pairShare);
  assert.equal(zero.objective, paper.objective);
  assert.equal(zero.constraints, paper.constraints);
});

const PROBLEMS = [
  { seed: 1, n: 2, merges: 30, firstStep: 0 },
  { seed: 3, n: 4, merges: 35, firstStep: 0 },
  { seed: 4, n: 3, merges: 45, firstStep: 12 },
];

test('noise-aware rows reach the optimum of the full loosened LP on small random problems', async () => {
  for (const { seed, n, merges, firstStep } of PROBLEMS) {
    const { mergeList, transcripts } = randomProblem(seed, n, merges);
    const paper = await fullOptimum(transcripts, firstStep);
    for (const [z, backend] of [
      [0.5, 'glpk'],
      [2, 'highs'],
    ] as const) {
      const what = `problem ${seed}, z = ${z}`;
      const full = await fullOptimum(transcripts, firstStep, undefined, z);
      // The loosening must change the LP for this to test anything.
      assert.ok(full.objective < paper.objective * (1 - 1e-3), `${what}: loosening changed nothing`);
      const estimate = await solveMixture(transcripts, { mergeList, firstStep, backend, noiseZ: z });
      assert.ok(estimate.certified, `${what}, ${backend}: not certified`);
      assertSameObjective(estimate.objective, full.objective, full.scale, `${what}, ${backend}`);
      assertSameObjective(
        await full.at(estimate.pairShare),
        full.objective,
        full.scale,
        `${what}, ${backend}: full loosened LP at the lazy shares`,
      );
    }
  }
});

test('a certified noise-aware search violates no loosened row, and its upper bound is its objective', async () => {
  const { transcripts } = randomProblem(5, 4, 45);
  const z = 1;
  await withSearchedLp(
    transcripts,
    'highs',
    { maxAdd: 10, dropRowsAbove: 30 },
    (lp, search) => {
      assert.ok(search.certified);
      const { universe, alpha, unitWeight, vt, vp, n } = lp;
      let checked = 0;
      for (let t = 0; t < lp.steps; t++) {
        const m = universe.mergeGlobal[t];
        if (m < 0) continue;
        // Every pair's counts at step t, by brute force from the transcripts.
        const counts = pairCountsAt(transcripts, universe, t);
        const merge = counts.get(m) ?? new Float64Array(n);
        for (const [p, c] of counts) {
          if (p === m) continue;
          let lhs = Math.max(0, vt[t]) + Math.max(0, vp[p]);
          for (let i = 0; i < n; i++)
            lhs += alpha[i] * unitWeight[i] * (merge[i] - c[i] + z * Math.sqrt(merge[i] + c[i]));
          assert.ok(lhs >= -1e-5, `step ${t}, pair ${p}: loosened row violated by ${-lhs}`);
          checked++;
        }
      }
      assert.ok(checked > 1000, `only ${checked} rows checked`);
      const objective = lp.slackTotal();
      const upper = lp.upperBound(new Float64Array(lp.steps));
      assert.ok(upper >= objective - 1e-6, `upper bound ${upper} below the objective ${objective}`);
      assert.ok(
        upper <= objective * (1 + 1e-6) + 1e-5,
        `upper bound ${upper} above the objective ${objective}`,
      );
    },
    z,
  );
});
