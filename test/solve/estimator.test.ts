// The sampled estimator: which steps it constrains (as documented in src/solve/estimator.ts), that
// with every step sampled it is the paper's LP exactly, and that unsampled merges are applied (later
// steps see the replayed counts) but constrain nothing: its optimum is the full LP's over the
// sampled steps only. Also the checks of --estimator / --sampled-steps values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../src/solve/index.js';
import { constrainedCount, unconstrainedSteps, checkEstimatorOptions } from '../../src/solve/estimator.js';
import { parseEstimatorFlags } from '../../src/cli/estimator-flags.js';
import { isUserError } from '../../src/common/errors.js';
import { fullOptimum, randomProblem } from './full-lp-model.js';

const kept = (mask: Uint8Array | undefined, steps: number, first = 0): number[] => {
  const out: number[] = [];
  for (let t = first; t < steps; t++) if (mask?.[t] !== 1) out.push(t);
  return out;
};

test('sampled steps: ⌊k·A/N⌋-th of the eligible steps, hand-added exclusions kept out', () => {
  const excluded = new Uint8Array(10);
  excluded[4] = 1;
  // Eligible: 2, 3, 5, 6, 7, 8, 9 (A = 7); N = 3 keeps numbers 0, 2, 4.
  const mask = unconstrainedSteps(10, 2, excluded, { estimator: 'sampled', sampledSteps: 3 });
  assert.deepEqual(kept(mask, 10, 2), [2, 5, 7]);
  assert.equal(constrainedCount(10, 2, mask), 3);
  // Evenly spread over a long range: exactly N steps, gaps of ⌊T/N⌋ or ⌈T/N⌉.
  const long = unconstrainedSteps(30000, 0, undefined, { estimator: 'sampled', sampledSteps: 3000 });
  const steps = kept(long, 30000);
  assert.equal(steps.length, 3000);
  assert.equal(steps[0], 0);
  for (let k = 1; k < steps.length; k++) assert.equal(steps[k] - steps[k - 1], 10);
  const odd = kept(unconstrainedSteps(1000, 0, undefined, { estimator: 'sampled', sampledSteps: 300 }), 1000);
  assert.equal(odd.length, 300);
  for (let k = 1; k < odd.length; k++) assert.ok([3, 4].includes(odd[k] - odd[k - 1]));
  // N at least the eligible steps, or the paper's estimator: the exclusions unchanged.
  assert.equal(unconstrainedSteps(10, 2, excluded, { estimator: 'sampled', sampledSteps: 7 }), excluded);
  assert.equal(unconstrainedSteps(10, 2, excluded, { estimator: 'paper' }), excluded);
  assert.equal(unconstrainedSteps(10, 0, undefined, {}), undefined);
});

test('sampled with every step sampled is the paper LP exactly', async () => {
  const { mergeList, transcripts } = randomProblem(2, 3, 40);
  const paper = await solveMixture(transcripts, { mergeList });
  const sampled = await solveMixture(transcripts, { mergeList, estimator: 'sampled', sampledSteps: 40 });
  const more = await solveMixture(transcripts, { mergeList, estimator: 'sampled', sampledSteps: 1000 });
  for (const other of [sampled, more]) {
    assert.deepEqual(other.byteShare, paper.byteShare);
    assert.equal(other.objective, paper.objective);
    assert.equal(other.constraints, paper.constraints);
    assert.deepEqual(other.unexplainedMerges, paper.unexplainedMerges);
  }
});

test('unsampled merges are applied but unconstrained: the full LP over the sampled steps', async () => {
  for (const { seed, n, merges, first } of [
    { seed: 1, n: 2, merges: 30, first: 0 },
    { seed: 4, n: 3, merges: 45, first: 12 },
  ]) {
    const { mergeList, transcripts } = randomProblem(seed, n, merges);
    const options = { estimator: 'sampled' as const, sampledSteps: 9 };
    const mask = unconstrainedSteps(transcripts[0].steps, first, undefined, options)!;
    const estimate = await solveMixture(transcripts, {
      mergeList,
      firstStep: first,
      backend: 'glpk',
      ...options,
    });
    // The full LP's rows at the sampled steps only, their counts from the whole replay.
    const full = await fullOptimum(transcripts, first, mask);
    const paper = await fullOptimum(transcripts, first);
    const what = `problem ${seed}`;
    assert.ok(paper.objective > full.objective + 1e-6, `${what}: fewer steps must need less slack`);
    const gap = Math.abs(estimate.objective - full.objective) * full.scale;
    assert.ok(
      gap <= 1e-6 * full.objective * full.scale + 1e-5,
      `${what}: ${estimate.objective} vs ${full.objective}`,
    );
    assert.ok(estimate.certified);
    assert.ok(estimate.unexplainedMerges.length > 0, `${what}: some sampled merge needs slack`);
    for (const m of estimate.unexplainedMerges)
      assert.equal(mask[m.step], 0, `${what}: step ${m.step} unsampled`);
    assert.doesNotMatch(estimate.uncertainty?.note ?? '', /hand-added/);
  }
});

test('bad --estimator / --sampled-steps values are user errors', () => {
  const refused = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e: unknown) => isUserError(e) && pattern.test((e as Error).message));
  refused(
    () => parseEstimatorFlags('exact', undefined),
    /--estimator exact: unknown estimator; use one of paper, sampled/,
  );
  for (const value of ['0', '1.5', 'abc', '-3', ''])
    refused(
      () => parseEstimatorFlags('sampled', value),
      /--sampled-steps .*: expected a positive whole number/,
    );
  refused(() => parseEstimatorFlags(undefined, '3000'), /--sampled-steps 3000: .*add --estimator sampled/);
  refused(() => parseEstimatorFlags('paper', '3000'), /add --estimator sampled/);
  refused(() => checkEstimatorOptions({ estimator: 'sampled', sampledSteps: 2.5 }), /--sampled-steps 2.5/);
  assert.deepEqual(parseEstimatorFlags('sampled', '300'), { estimator: 'sampled', sampledSteps: 300 });
  assert.deepEqual(parseEstimatorFlags('sampled', undefined), { estimator: 'sampled' });
  assert.deepEqual(parseEstimatorFlags(undefined, undefined), {});
});
