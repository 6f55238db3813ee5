// One honest statement of uncertainty per share (issue 26): a caution only when it changes a
// printed digit, and then with its number; stability warnings likewise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cautions } from '../../src/commands/infer.js';
import { PRINTED_MOVEMENT, stabilitySummary, unstableShares } from '../../src/report/stability.js';
import { describeIntervals } from '../../src/report/interval-text.js';
import { validationTable } from '../../src/experiment/validate.js';
import { makeBootstrapResult, makeInferResult } from './fixtures.js';

test('a non-unique optimum earns a caution only when its movement can change a printed digit', () => {
  const base = makeInferResult();
  const withMovement = (faceMovement: number | undefined) =>
    cautions({ ...base, solver: { ...base.solver, unique: false, faceMovement } });
  assert.deepEqual(withMovement(1.45e-4), [], 'far below the printed 0.1%: no caution');
  const [line] = withMovement(2.3e-3);
  assert.match(line, /byte shares move by up to 0\.23% at optimal objective/);
  assert.equal(withMovement(undefined).length, 1, 'an unchecked optimum says so');
  assert.deepEqual(cautions({ ...base, solver: { ...base.solver, unique: true } }), []);
});

test('shares that move across merges by less than a printed digit are not called unstable', () => {
  const result = makeBootstrapResult();
  const tiny = {
    ...result,
    categories: result.categories.map((c) => ({
      ...c,
      byteShareCI: [c.byteShare - 1e-5, c.byteShare + 1e-5] as [number, number],
      byteShareByMerges: [c.byteShare + 2e-4, c.byteShare],
    })),
  };
  assert.ok(2e-4 < PRINTED_MOVEMENT);
  assert.deepEqual(unstableShares(tiny.categories), []);
  assert.equal(stabilitySummary(tiny).length, 1, 'the largest move is still named, without a warning');
  assert.ok(unstableShares(result.categories).length > 0, "the fixture's drifting share is still flagged");
});

test('the summary says how intervals were made, with their width factors and held-rows solves', () => {
  const b = {
    replicates: 8,
    level: 0.9,
    method: 'chunks20-x2-normal-scale1.8-language1.4',
    form: 'normal' as const,
    scale: 1.8,
    scaleByKind: { language: 1.4 },
    seconds: 12.34,
    merges: [1000],
  };
  assert.equal(
    describeIntervals(b),
    '90% intervals from 8 replicates: 20 chunks of each sample resampled twice (the training text and the sample are both draws), point ± t × sd, scaled ×1.4 for languages, ×1.8 for the rest (calibrated on validate --shift); 12.3 s',
  );
  assert.equal(
    describeIntervals({
      ...b,
      method: 'chunks20-x2-held-normal-scale1.2-language0.9',
      scale: 1.2,
      scaleByKind: { language: 0.9 },
      cached: true,
    }),
    "90% intervals from 8 replicates: 20 chunks of each sample resampled twice (the training text and the sample are both draws), each re-solving the point's held rows, point ± t × sd, scaled ×0.9 for languages, ×1.2 for the rest (calibrated on validate --shift); cached (computed in 12.3 s)",
  );
  assert.match(
    describeIntervals({ ...b, method: 'percentile', form: undefined }),
    /^90% percentile intervals from 8/,
  );
});

test('validate coverage tables name their setting (--shift, --omit) and flag under-coverage', () => {
  const coverage = [
    { n: 5, trials: 30, level: 0.9, coverage: 0.373, meanWidth: 0.0266, trialsCovering80: 3 },
    { n: 10, trials: 30, level: 0.9, coverage: 0.92, meanWidth: 0.0361, trialsCovering80: 28 },
  ];
  const table = validationTable({ rows: [], coverage, options: { shift: true, omit: 1 } });
  assert.match(
    table,
    /90% intervals \(--shift \(estimated from the other half of each category\), --omit 1\)/,
  );
  const lines = table.split('\n');
  assert.match(
    lines.find((l) => l.startsWith('n = 5'))!,
    /37\.3%.*UNDER-COVERS/,
  );
  assert.match(
    lines.find((l) => l.startsWith('n = 10'))!,
    /92\.0%.*ok$/,
  );
  assert.match(validationTable({ rows: [], coverage }), /90% intervals \(same samples\)/);
});
