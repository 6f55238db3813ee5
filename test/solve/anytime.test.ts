// Anytime answers: the bound sweep's upper bound, and solves stopped early (size cap, --gap, abort,
// time limit) returning their best shares with a lower and an upper bound around the full LP's
// optimum, checked against the full LP (every row, GLPK) on small random problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../src/solve/index.js';
import { checkGap } from '../../src/solve/solve-mixture.js';
import { isUserError } from '../../src/common/errors.js';
import type { MixtureEstimate } from '../../src/solve/types.js';
import { withSearchedLp } from './helpers.js';
import { LazyMixtureLp } from '../../src/solve/lazy-lp.js';
import { buildPairUniverse } from '../../src/solve/pair-universe.js';
import { DEFAULT_TUNING, searchConstraints } from '../../src/solve/constraint-search.js';
import { createBackend } from '../../src/solve/backends/index.js';
import type { LpBackend } from '../../src/solve/backends/lp-model.js';
import { noProgress } from '../../src/common/progress.js';
import { fullOptimum, randomProblem } from './full-lp-model.js';

/** The sweep's tolerance (1e-6 scaled occurrences per step) in normalized units, with room. */
const slackOf = (steps: number, scale: number) => (2e-6 * steps + 1e-6) / scale;

async function assertBracketed(
  estimate: MixtureEstimate,
  transcripts: Parameters<typeof fullOptimum>[0],
  steps: number,
  what: string,
): Promise<void> {
  const full = await fullOptimum(transcripts, 0);
  const eps = slackOf(steps, full.scale);
  assert.equal(estimate.certified, false, `${what}: certified`);
  assert.ok(
    estimate.lowerBound <= full.objective + eps,
    `${what}: lower ${estimate.lowerBound} > ${full.objective}`,
  );
  assert.ok(
    estimate.upperBound >= full.objective - eps,
    `${what}: upper ${estimate.upperBound} < ${full.objective}`,
  );
  // The upper bound is the full LP's objective at a feasible point with these shares.
  const atShares = await full.at(estimate.pairShare);
  assert.ok(
    estimate.upperBound >= atShares - eps,
    `${what}: upper ${estimate.upperBound} < ${atShares} at its shares`,
  );
  assert.equal(estimate.objective, estimate.upperBound);
  const gap = (estimate.upperBound - estimate.lowerBound) / estimate.upperBound;
  assert.ok(Math.abs(estimate.gap - Math.min(1, gap)) < 1e-9, `${what}: gap ${estimate.gap} vs ${gap}`);
  assert.match(estimate.uncertainty?.note ?? '', /not certified/);
}

test('the bound sweep: the full LP objective at a feasible point, the optimum at the certified one', async () => {
  const { transcripts } = randomProblem(3, 4, 35);
  const full = await fullOptimum(transcripts, 0);
  await withSearchedLp(transcripts, 'highs', {}, async (lp) => {
    const eps = slackOf(lp.steps, full.scale);
    const slack = new Float64Array(lp.steps);
    const atOptimum = lp.upperBound(slack) / lp.scale;
    assert.ok(Math.abs(atOptimum - full.objective) <= eps, `${atOptimum} vs optimum ${full.objective}`);
    // Uniform shares, no pair slacks: each step pays its worst competitor, which is exactly the full
    // LP's objective with the shares fixed and every v_p held at 0, so no less than with v_p free.
    const uniform = new Array<number>(lp.n).fill(1 / lp.n);
    lp.alpha.set(uniform);
    lp.vp.fill(0);
    const atUniform = lp.upperBound(slack) / lp.scale;
    assert.ok(atUniform >= (await full.at(uniform)) - eps, `${atUniform} below the full LP at uniform`);
    assert.ok(atUniform > full.objective + eps, 'uniform shares should not be optimal here');
    let sum = 0;
    for (const v of slack) sum += v;
    assert.ok(Math.abs(sum / lp.scale - atUniform) <= 1e-12 * (1 + atUniform));
  });
});

test('a size cap stops the solve with the best shares so far, bracketed by its bounds', async () => {
  const { mergeList, transcripts } = randomProblem(5, 4, 45);
  const estimate = await solveMixture(
    transcripts,
    { mergeList, uncertainty: false, maxNonzeros: 120 },
    { maxAdd: 5 },
  );
  assert.equal(estimate.stopped, 'size-cap');
  assert.ok(estimate.peakNonzeros <= 120, `${estimate.peakNonzeros} nonzeros held`);
  await assertBracketed(estimate, transcripts, 45, 'size cap');
});

test('--gap stops once the bounds are that close, and the gap is stated', async () => {
  const { mergeList, transcripts } = randomProblem(5, 4, 45);
  const estimate = await solveMixture(
    transcripts,
    { mergeList, uncertainty: false, gap: 0.9 },
    // A bound after every round: spaced by time, a slow first sweep could leave none before the end.
    { maxAdd: 3, boundInterval: 0 },
  );
  assert.equal(estimate.stopped, 'gap');
  assert.ok(estimate.gap <= 0.9, `gap ${estimate.gap}`);
  await assertBracketed(estimate, transcripts, 45, 'gap');
  const certified = await solveMixture(transcripts, { mergeList, uncertainty: false }, { maxAdd: 3 });
  assert.equal(certified.certified, true);
  assert.equal(certified.gap, 0);
  assert.ok(certified.rounds > estimate.rounds);
});

test('an abort or a time limit is a result with a stated gap, not an error', async () => {
  const { mergeList, transcripts } = randomProblem(4, 3, 45);
  const controller = new AbortController();
  controller.abort();
  const aborted = await solveMixture(transcripts, { mergeList, signal: controller.signal });
  assert.equal(aborted.stopped, 'interrupted');
  await assertBracketed(aborted, transcripts, 45, 'abort');
  const limited = await solveMixture(transcripts, { mergeList, timeLimitSeconds: 1e-6 });
  assert.equal(limited.stopped, 'time-limit');
  await assertBracketed(limited, transcripts, 45, 'time limit');
  // A limit with room to spare certifies as before (the time kept for a final bound is estimated
  // from the sweep's pace, not from the setup).
  const roomy = await solveMixture(transcripts, { mergeList, timeLimitSeconds: 120, uncertainty: false });
  assert.equal(roomy.certified, true, roomy.stopped);
});

test("--gap outside (0, 1) is the user's to fix", () => {
  for (const bad of [0, 1, -0.5, 2, Number.NaN]) {
    assert.throws(
      () => checkGap(bad),
      (error: Error) =>
        isUserError(error) && /^--gap .*: expected a fraction between 0 and 1/.test(error.message),
    );
  }
  assert.doesNotThrow(() => checkGap(0.01));
});

test("a solver failure mid-search is the solver's own error, not a re-solve without a time limit", async () => {
  const { transcripts } = randomProblem(8, 5, 60);
  const lp = new LazyMixtureLp(transcripts, buildPairUniverse(transcripts), {
    competitorBatch: DEFAULT_TUNING.competitorBatch,
    tolerance: 1e-6,
  });
  const highs = await createBackend('highs');
  let solves = 0;
  // The first solve fails for a reason that is neither a time limit nor an abort; a second would succeed.
  const failingOnce: LpBackend = {
    name: 'highs',
    solve: (model, options) =>
      solves++ === 0
        ? { ...highs.solve(model, options), status: 'error', detail: 'numerical trouble' }
        : highs.solve(model, options),
    dispose: () => highs.dispose(),
  };
  try {
    await assert.rejects(
      searchConstraints(lp, failingOnce, {
        tuning: DEFAULT_TUNING,
        onProgress: noProgress,
        deadline: Infinity,
      }),
      (e: unknown) =>
        isUserError(e) && /numerical trouble while solving the mixture LP/.test((e as Error).message),
    );
    assert.equal(solves, 1, 'the failed solve is not repeated');
  } finally {
    failingOnce.dispose();
  }
});
