// The solver recovers known mixtures: exactly when the tokenizer was trained on the categories'
// own samples, approximately on held-out samples; the three backends agree on the objective.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../src/solve/index.js';
import { ALPHABETS, mixtureProblem, mse, syntheticLanguage } from './helpers.js';

function exactProblem(weights: number[], merges: number, seed = 7) {
  const samples = weights.map((_, i) => syntheticLanguage(seed + i, ALPHABETS[i], 3000));
  return mixtureProblem(samples, weights, merges);
}

test('exact mixture of 5 synthetic languages: byte shares recovered with MSE < 1e-7', async () => {
  const { mergeList, transcripts, truth } = exactProblem([1, 2, 3, 5, 8], 300);
  const estimate = await solveMixture(transcripts, { mergeList });
  assert.ok(
    mse(estimate.byteShare, truth) < 1e-7,
    `MSE ${mse(estimate.byteShare, truth)}: ${estimate.byteShare} vs ${truth}`,
  );
  assert.ok(estimate.objective < 1e-9, `objective ${estimate.objective}`);
  assert.equal(estimate.byteShare.length, 5);
  assert.ok(Math.abs(estimate.byteShare.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(estimate.rounds >= 1 && estimate.constraints > 0);
});

test('held-out samples: shares close to the truth, slacks explain the noise', async () => {
  const weights = [1, 3, 2, 4];
  const training = weights.map((_, i) => syntheticLanguage(100 + i, ALPHABETS[i], 4000));
  // Same lexicons (same seeds) but other draws of words from them.
  const heldOut = weights.map((_, i) => syntheticLanguage(100 + i, ALPHABETS[i], 4000, 400, 555 + i));
  const { mergeList, transcripts, truth } = mixtureProblem(training, weights, 200, heldOut);
  const estimate = await solveMixture(transcripts, { mergeList });
  assert.ok(mse(estimate.byteShare, truth) < 1e-3, `MSE ${mse(estimate.byteShare, truth)}`);
});

test('the three backends reach the same objective', async () => {
  const weights = [2, 1, 3];
  const training = weights.map((_, i) => syntheticLanguage(300 + i, ALPHABETS[i], 1500, 150));
  const other = weights.map((_, i) => syntheticLanguage(300 + i, ALPHABETS[i], 1500, 150, 900 + i));
  const { mergeList, transcripts } = mixtureProblem(training, weights, 60, other);
  const results = [];
  for (const backend of ['highs', 'glpk', 'jsl'] as const) {
    results.push(await solveMixture(transcripts, { mergeList, backend, uncertainty: false }));
  }
  const [highs, glpk, jsl] = results;
  assert.ok(highs.objective > 0, 'the problem must need slack to be a test');
  for (const other of [glpk, jsl]) {
    const relative = Math.abs(other.objective - highs.objective) / highs.objective;
    assert.ok(relative < 1e-6, `${other.backend}: objective ${other.objective} vs highs ${highs.objective}`);
  }
});
