// The lazy LP against the full LP: on small random problems every row of the paper's LP (each
// merge step x each pair present at that step) goes to GLPK at once, and the lazy search must reach
// the same objective with shares that are optimal for the full LP, with and without row dropping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../src/solve/index.js';
import type { SolverBackend } from '../../src/solve/types.js';
import type { SolveMixtureTuning } from '../../src/solve/constraint-search.js';
import type { Transcript } from '../../src/bpe/types.js';
import { withSearchedLp } from './helpers.js';
import { assertSameObjective, fullOptimum, randomProblem } from './full-lp-model.js';

/** The search alone, with small batches and rows dropped past `dropRowsAbove`. */
function search(transcripts: Transcript[], backend: SolverBackend, dropRowsAbove: number) {
  return withSearchedLp(transcripts, backend, { dropRowsAbove, maxAdd: 20 }, (lp, result) => {
    return {
      ...result,
      objective: lp.slackTotal() / lp.scale,
      alpha: Array.from(lp.alpha),
      rows: lp.rows,
      // A fresh whole sweep under the final shares (after the fields above are read) finds nothing.
      sweepAdds: lp.fullPass(),
    };
  });
}

const PROBLEMS = [
  { seed: 1, n: 2, merges: 30, firstStep: 0 },
  { seed: 2, n: 3, merges: 40, firstStep: 0 },
  { seed: 3, n: 4, merges: 35, firstStep: 0 },
  { seed: 4, n: 3, merges: 45, firstStep: 12 },
];

test('the lazy LP reaches the full LP optimum on small random problems', async () => {
  for (const { seed, n, merges, firstStep } of PROBLEMS) {
    const { mergeList, transcripts } = randomProblem(seed, n, merges);
    const what = `problem ${seed} (${n} categories, ${mergeList.length} merges from ${firstStep})`;
    const estimate = await solveMixture(transcripts, { mergeList, firstStep, backend: 'glpk' });
    const full = await fullOptimum(transcripts, firstStep);
    assert.ok(full.objective > 0, `${what}: the problem must need slack to be a test`);
    assert.ok(
      estimate.constraints < full.rows,
      `${what}: the lazy LP should need fewer rows than the full one`,
    );
    assertSameObjective(estimate.objective, full.objective, full.scale, what);
    // The lazy shares are optimal for the full LP (whether or not the optimum is unique) ...
    const atShares = await full.at(estimate.pairShare);
    assertSameObjective(atShares, full.objective, full.scale, `${what}, full LP at the lazy shares`);
    // ... and equal to the full LP's when the probe finds the optimum unique.
    if (estimate.uncertainty?.unique) {
      estimate.pairShare.forEach((a, i) =>
        assert.ok(Math.abs(a - full.alpha[i]) < 1e-6, `${what}: share ${i} ${a} vs full LP ${full.alpha[i]}`),
      );
    }
  }
});

/** Search loops that re-solve mid-pass (tiny batches) and certify without the anchor's last sweep. */
const TUNINGS: [string, Partial<SolveMixtureTuning>][] = [
  ['tiny batches, no anchor', { maxAdd: 3, batchGrowth: 0, poolFactor: 1, anchorWeight: 0 }],
  ['tiny batches, restart', { maxAdd: 3, batchGrowth: 0, resume: 'restart' }],
  ['whole-pass pool', { maxAdd: 5, batchGrowth: 0, poolFactor: Infinity, anchorWeight: 0 }],
];

test('every search loop reaches the full LP optimum', async () => {
  for (const { seed, n, merges, firstStep } of PROBLEMS) {
    const { mergeList, transcripts } = randomProblem(seed, n, merges);
    const full = await fullOptimum(transcripts, firstStep);
    for (const [name, tuning] of TUNINGS) {
      const what = `problem ${seed}, ${name}`;
      const estimate = await solveMixture(transcripts, { mergeList, firstStep, uncertainty: false }, tuning);
      assert.ok(estimate.rounds > 1, `${what}: only ${estimate.rounds} rounds`);
      assertSameObjective(estimate.objective, full.objective, full.scale, what);
      const atShares = await full.at(estimate.pairShare);
      assertSameObjective(atShares, full.objective, full.scale, `${what}, full LP at its shares`);
    }
  }
});

test('dropping slack rows (HiGHS row deletion, and GLPK) leaves the optimum unchanged', async () => {
  const { transcripts } = randomProblem(5, 4, 45);
  const kept = await search(transcripts, 'highs', Infinity);
  assert.equal(kept.rowsDropped, 0);
  const full = await fullOptimum(transcripts, 0);
  assertSameObjective(kept.objective, full.objective, full.scale, 'no dropping');
  for (const backend of ['highs', 'glpk'] as const) {
    const dropping = await search(transcripts, backend, 30);
    assert.equal(dropping.sweepAdds, 0, `${backend}: a fresh sweep still finds violated rows`);
    assert.ok(dropping.rowsDropped > 0, `${backend}: no row was dropped, the path is not reached`);
    assert.ok(
      dropping.rows < kept.rows,
      `${backend}: ${dropping.rows} rows held vs ${kept.rows} without dropping`,
    );
    assertSameObjective(dropping.objective, full.objective, full.scale, `${backend} dropping rows`);
    assertSameObjective(
      await full.at(dropping.alpha),
      full.objective,
      full.scale,
      `${backend}: full LP at the shares found dropping rows`,
    );
  }
});

test('solveMixture with a small row-drop threshold gives the default answer', async () => {
  const { mergeList, transcripts } = randomProblem(6, 3, 40);
  const plain = await solveMixture(transcripts, { mergeList, uncertainty: false });
  const dropping = await solveMixture(
    transcripts,
    { mergeList, uncertainty: false },
    { dropRowsAbove: 20, maxAdd: 10 },
  );
  const full = await fullOptimum(transcripts, 0);
  assertSameObjective(plain.objective, full.objective, full.scale, 'default');
  assertSameObjective(dropping.objective, full.objective, full.scale, 'dropping at 20 rows');
  assertSameObjective(
    await full.at(dropping.pairShare),
    full.objective,
    full.scale,
    'full LP at the shares found dropping rows',
  );
});

test('dropSlackRows drops exactly the rows slack at the optimum, and the optimum stands without them', async () => {
  const { transcripts } = randomProblem(7, 3, 40);
  const n = transcripts.length;
  await withSearchedLp(transcripts, 'highs', { dropSlackRows: false }, (lp, _search, backend) => {
    const before = lp.solve(backend, undefined, 'the test LP');
    const activity = lp.model.rowActivity(before.x);
    // The simplex row and the (released) anchor's n rows come first; the rest are mixture rows.
    const mixtureRows = activity.subarray(1 + n);
    const slack = mixtureRows.filter((a) => a > 1e-6).length;
    assert.ok(slack > 0 && slack < mixtureRows.length, `${slack} of ${mixtureRows.length} rows slack`);
    assert.equal(lp.dropSlackRows(before.x), slack);
    assert.equal(lp.rows, 1 + n + mixtureRows.length - slack);
    const kept = lp.model.rowActivity(before.x).subarray(1 + n);
    assert.ok(
      kept.every((a) => a <= 1e-6),
      'a row left in is slack',
    );
    const after = lp.solve(backend, undefined, 'the test LP');
    assert.ok(Math.abs(after.objective - before.objective) <= 1e-9 * (1 + before.objective));
  });
});
