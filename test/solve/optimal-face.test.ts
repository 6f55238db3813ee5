// The optimal-face probe on problems whose face is known: a category given twice (identical
// samples) can split its share between the copies in any way, so each copy's byte share ranges
// over [0, the group's share]; with distinct categories the exact mixture is the unique optimum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../src/solve/index.js';
import { exploreOptimalFace } from '../../src/solve/optimal-face.js';
import { byteShareOf } from '../../src/solve/byte-share.js';
import { noProgress } from '../../src/common/progress.js';
import { ALPHABETS, mixtureProblem, syntheticLanguage, withSearchedLp } from './helpers.js';
import { fullFaceRanges, randomProblem } from './full-lp-model.js';

/** The probe on a certified optimum with a minute for it and its ranges (more than solveMixture grants). */
function exploreWithTimeToSpare(
  lp: Parameters<typeof exploreOptimalFace>[0],
  backend: Parameters<typeof exploreOptimalFace>[1],
  objective: number,
  ratios: number[],
) {
  const later = performance.now() + 60_000;
  return exploreOptimalFace(lp, backend, {
    objective,
    ratios,
    uniqueTolerance: 1e-6,
    seed: 1,
    deadline: later,
    rangesDeadline: later,
    byteShare: byteShareOf(Array.from(lp.alpha), ratios),
    onProgress: noProgress,
  });
}

const WEIGHTS = [2, 1, 3];

/** Three languages mixed with WEIGHTS, the tokenizer trained on the mixture of their own samples. */
function exactProblem() {
  const samples = WEIGHTS.map((_, i) => syntheticLanguage(60 + i, ALPHABETS[i], 2500, 300));
  return mixtureProblem(samples, WEIGHTS, 200);
}

test('distinct categories: the probe reports the exact mixture as unique', async () => {
  const { mergeList, transcripts, truth } = exactProblem();
  const estimate = await solveMixture(transcripts, { mergeList });
  assert.equal(estimate.uncertainty?.unique, true, estimate.uncertainty?.note);
  assert.equal(estimate.uncertainty?.byteShareRange, undefined);
  assert.ok(estimate.uncertainty!.movement! <= 1e-5, 'the movement the probe found');
  estimate.byteShare.forEach((b, i) =>
    assert.ok(Math.abs(b - truth[i]) < 1e-6, `share ${i}: ${b} vs ${truth[i]}`),
  );
});

test('a category given twice: not unique, each copy ranges over [0, its group share]', async () => {
  const { mergeList, transcripts, truth } = exactProblem();
  // Category 0 twice: any split of its share between the copies explains the merges as well.
  const doubled = [transcripts[0], transcripts[0], transcripts[1], transcripts[2]];
  const expected: [number, number][] = [
    [0, truth[0]],
    [0, truth[0]],
    [truth[1], truth[1]],
    [truth[2], truth[2]],
  ];

  const estimate = await solveMixture(doubled, { mergeList });
  assert.equal(estimate.uncertainty?.unique, false, estimate.uncertainty?.note);
  // The copies can trade their share: the movement found is a large part of it.
  assert.ok(estimate.uncertainty!.movement! > 0.1 * truth[0], `movement ${estimate.uncertainty?.movement}`);

  // The ranges need more time than solveMixture grants them on a problem this small: run the probe
  // directly on the certified optimum with time to spare.
  await withSearchedLp(doubled, 'highs', {}, (lp, search, backend) => {
    const ratios = doubled.map((t) => t.totals.bytes / t.totals.pairs);
    const face = exploreWithTimeToSpare(lp, backend, search.objective, ratios);
    assert.equal(face.uncertainty.unique, false, face.uncertainty.note);
    const ranges = face.uncertainty.byteShareRange;
    assert.ok(ranges, face.uncertainty.note);
    expected.forEach(([low, high], i) => {
      const range = ranges[i];
      assert.ok(range, `category ${i}: no range (${face.uncertainty.note})`);
      assert.ok(
        Math.abs(range[0] - low) < 1e-5 && Math.abs(range[1] - high) < 1e-5,
        `category ${i}: range [${range[0]}, ${range[1]}], expected [${low}, ${high}]`,
      );
    });
    // The reported centre lies on the face: the copies share their group's share, the rest is exact.
    assert.ok(face.centralAlpha, face.uncertainty.note);
    const centre = byteShareOf(Array.from(face.centralAlpha), ratios);
    assert.ok(
      Math.abs(centre[0] + centre[1] - truth[0]) < 1e-5,
      `copies ${centre[0]} + ${centre[1]} vs ${truth[0]}`,
    );
    assert.ok(Math.abs(centre[2] - truth[1]) < 1e-5 && Math.abs(centre[3] - truth[2]) < 1e-5, `${centre}`);
  });
});

test("a wide optimal face: the probe's byte-share ranges equal the full LP's", async () => {
  // Few merges fit many mixtures exactly; exploring this face adds rows its vertices violate.
  const { transcripts } = randomProblem(1, 4, 40, true);
  const ratios = transcripts.map((t) => t.totals.bytes / t.totals.pairs);
  await withSearchedLp(transcripts, 'highs', {}, async (lp, search, backend) => {
    const rowsBefore = lp.constraints;
    const face = exploreWithTimeToSpare(lp, backend, search.objective, ratios);
    assert.ok(lp.constraints > rowsBefore, 'the face must need rows the search did not add to be a test');
    assert.equal(face.uncertainty.unique, false);
    const ranges = face.uncertainty.byteShareRange ?? [];
    // The same delta above the optimum as exploreOptimalFace allows.
    const full = await fullFaceRanges(transcripts, 1e-7 * Math.abs(search.objective) + 1e-6);
    full.forEach(([low, high], i) => {
      const range = ranges[i];
      assert.ok(range, `category ${i}: no range (${face.uncertainty.note})`);
      assert.ok(
        Math.abs(range[0] - low) < 1e-5 && Math.abs(range[1] - high) < 1e-5,
        `category ${i}: range [${range[0]}, ${range[1]}], full LP [${low}, ${high}]`,
      );
    });
  });
});
