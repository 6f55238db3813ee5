// The clp backend (native, optional): on LPs of every row and bound kind and on small mixture LPs it
// agrees with HiGHS and GLPK, and a time limit stops it; skipped when `clp` is not installed. Without it,
// one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LpModel, createBackend } from '../../../src/solve/backends/index.js';
import { CLP_MISSING, findClp } from '../../../src/solve/backends/clp.js';
import { solveMixture } from '../../../src/solve/index.js';
import { UserError } from '../../../src/common/errors.js';
import { assertUserError, tokmix } from '../../helpers/cli.js';
import { rng } from '../../bpe/helpers.js';
import { ALPHABETS, mixtureProblem, syntheticLanguage } from '../helpers.js';

const skip = findClp() === undefined ? 'clp is not installed (Debian package coinor-clp)' : false;

function solveWith(name: 'highs' | 'glpk' | 'clp', model: LpModel) {
  return createBackend(name).then((backend) => {
    try {
      return backend.solve(model, {});
    } finally {
      backend.dispose();
    }
  });
}

/**
 * Random LP with every kind MPS must carry: >=, <=, = and ranged rows, columns fixed, free, with a
 * negative upper bound, boxed and half-bounded, maximized or minimized; feasible by construction
 * (the rows hold at a random point x0) and bounded (every column boxed within [-50, 50]).
 */
function randomLp(seed: number, sense: 'min' | 'max'): LpModel {
  const random = rng(seed);
  const model = new LpModel();
  const cols = 40;
  const x0: number[] = [];
  for (let j = 0; j < cols; j++) {
    const kind = j % 5;
    const v = Math.round((random() - 0.5) * 20 * 1e6) / 1e6;
    x0.push(v);
    const cost = (random() - 0.5) * 3;
    if (kind === 0) model.addCol(v, v, cost);
    else if (kind === 1) model.addCol(-50, 50, cost);
    // A negative upper bound whenever x0 allows one (MPS readers treat a negative UP specially).
    else if (kind === 2) model.addCol(v - 5, v < -0.25 ? -0.25 : v + 1, cost);
    else if (kind === 3) model.addCol(v - 3 * random(), v + 3 * random(), cost);
    else model.addCol(Math.min(0, v), 50, cost);
  }
  for (let r = 0; r < 60; r++) {
    const indices: number[] = [];
    const values: number[] = [];
    for (let j = 0; j < cols; j++) {
      if (random() < 0.2) {
        indices.push(j);
        values.push(Math.round((random() - 0.5) * 2000) / 997);
      }
    }
    let activity = 0;
    for (let k = 0; k < indices.length; k++) activity += values[k] * x0[indices[k]];
    const kind = r % 4;
    if (kind === 0) model.addRow(activity - random(), Number.POSITIVE_INFINITY, indices, values);
    else if (kind === 1) model.addRow(Number.NEGATIVE_INFINITY, activity + random(), indices, values);
    else if (kind === 2) model.addRow(activity, activity, indices, values);
    else model.addRow(activity - random(), activity + random(), indices, values);
  }
  model.setObjective(model.colCost.view().slice(), sense);
  return model;
}

test('clp agrees with HiGHS on LPs with every row and bound kind, min and max', { skip }, async () => {
  for (const [seed, sense] of [
    [1, 'min'],
    [2, 'max'],
    [3, 'min'],
    [4, 'max'],
  ] as const) {
    const model = randomLp(seed, sense);
    const highs = await solveWith('highs', model);
    const clp = await solveWith('clp', model);
    assert.equal(highs.status, 'optimal', `seed ${seed}: ${highs.detail}`);
    assert.equal(clp.status, 'optimal', `seed ${seed}: ${clp.detail}`);
    const scale = Math.max(1, Math.abs(highs.objective));
    assert.ok(
      Math.abs(clp.objective - highs.objective) / scale < 1e-7,
      `seed ${seed} ${sense}: clp ${clp.objective} vs highs ${highs.objective}`,
    );
    // The objective clp reports is the one its columns give, in the model's sense.
    let z = 0;
    for (let j = 0; j < model.numCols; j++) z += model.colCost.data[j] * clp.x[j];
    assert.ok(Math.abs(z - clp.objective) / scale < 1e-7, `seed ${seed}: c.x ${z} vs ${clp.objective}`);
    assert.equal(clp.rowDual?.length, model.numRows);
    // Duals in HiGHS's sign convention (the sense included), on rows where both are clearly nonzero.
    for (let r = 0; r < model.numRows; r++) {
      const h = highs.rowDual![r];
      const c = clp.rowDual![r];
      if (Math.abs(h) > 1e-6 && Math.abs(c) > 1e-6)
        assert.ok(Math.sign(h) === Math.sign(c), `row ${r}: ${c} vs ${h}`);
    }
  }
});

test('clp reports an infeasible LP as infeasible', { skip }, async () => {
  const model = new LpModel();
  model.addCol(0, 1, 1);
  model.addRow(2, Number.POSITIVE_INFINITY, [0], [1]);
  const clp = await solveWith('clp', model);
  assert.equal(clp.status, 'infeasible', clp.detail);
});

test(
  'clp, HiGHS and GLPK reach the same mixture: objective 1e-6 relative, shares 1e-5',
  { skip },
  async () => {
    for (const seed of [300, 410]) {
      const weights = [2, 1, 3, 1.5];
      const training = weights.map((_, i) => syntheticLanguage(seed + i, ALPHABETS[i], 1500, 150));
      const other = weights.map((_, i) => syntheticLanguage(seed + i, ALPHABETS[i], 1500, 150, 900 + i));
      const { mergeList, transcripts } = mixtureProblem(training, weights, 80, other);
      const results = [];
      for (const backend of ['highs', 'glpk', 'clp'] as const) {
        results.push(await solveMixture(transcripts, { mergeList, backend, uncertainty: false }));
      }
      const reference = results[0];
      assert.ok(reference.objective > 0, 'the problem must need slack to be a test');
      assert.equal(results[2].backend, 'clp');
      for (const other of results.slice(1)) {
        const relative = Math.abs(other.objective - reference.objective) / reference.objective;
        assert.ok(
          relative < 1e-6,
          `seed ${seed} ${other.backend}: ${other.objective} vs ${reference.objective}`,
        );
      }
      // Shares: clp against each of the others (unique optimum here, or the three would differ).
      for (const other of results.slice(0, 2)) {
        for (let i = 0; i < weights.length; i++) {
          assert.ok(
            Math.abs(results[2].pairShare[i] - other.pairShare[i]) < 1e-5,
            `seed ${seed}: share ${i} clp ${results[2].pairShare[i]} vs ${other.backend} ${other.pairShare[i]}`,
          );
        }
      }
    }
  },
);

test('without clp on PATH, --solver clp ends in one line (exit 2) and createBackend refuses', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'tokmix-no-clp-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const run = tokmix(['infer', 'gpt2', '--categories', 'languages', '--solver', 'clp'], {
    env: { PATH: empty },
  });
  assertUserError(
    run,
    /^tokmix: --solver clp: the clp executable \(Debian package coinor-clp\) is not installed; use --solver highs$/,
  );
  const saved = process.env.PATH;
  process.env.PATH = empty;
  try {
    await assert.rejects(
      createBackend('clp'),
      (error: unknown) => error instanceof UserError && error.message === CLP_MISSING,
    );
  } finally {
    process.env.PATH = saved;
  }
});

test('clp stopped by the time limit reports time-limit', { skip }, async () => {
  // 8,000 mixture-shaped rows: a whole solve takes seconds, 0.05 s is a few simplex iterations.
  const random = rng(5);
  const model = new LpModel();
  const N = 9;
  const shares = Array.from({ length: N }, () => model.addCol(0, 1, 0));
  model.addRow(1, 1, shares, new Array<number>(N).fill(1));
  const slack = Array.from({ length: 3000 }, () => model.addCol(0, Number.POSITIVE_INFINITY, 1));
  for (let r = 0; r < 8000; r++) {
    const row = new Map(shares.map((i) => [i, Math.round(40 * random() - 20)]));
    for (let k = 0; k < 3; k++)
      row.set(slack[Math.floor(random() * slack.length)], 1 + Math.floor(random() * 3));
    model.addRow(random() * 5, Number.POSITIVE_INFINITY, [...row.keys()], [...row.values()]);
  }
  const backend = await createBackend('clp');
  try {
    const solution = backend.solve(model, { timeLimitSeconds: 0.05 });
    assert.equal(solution.status, 'time-limit', solution.detail);
  } finally {
    backend.dispose();
  }
});
