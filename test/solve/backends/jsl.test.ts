// The jsl backend's guard (JSL_MAX_TABLEAU_CELLS, measured by bench/jsl-limit.ts): on a
// mixture-shaped LP just below it the three backends agree; one row more and jsl refuses in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LpModel, createBackend } from '../../../src/solve/backends/index.js';
import { JSL_MAX_TABLEAU_CELLS, jslTableauCells } from '../../../src/solve/backends/jsl.js';
import { UserError } from '../../../src/common/errors.js';
import { rng } from '../../bpe/helpers.js';

const N = 9;

/**
 * The paper's LP in miniature: N shares on the simplex, `steps` step slacks and `pairs` pair
 * slacks (cost 1 each), and rows sum_i alpha_i w_i (c_merge,i - c_pair,i) + v_t + v_p >= 0 with
 * random counts, added while jsl's tableau stays within `cells`.
 */
function mixtureLp(seed: number, steps: number, pairs: number, cells: number): LpModel {
  const random = rng(seed);
  const model = new LpModel();
  for (let i = 0; i < N; i++) model.addCol(0, 1, 0);
  model.addRow(
    1,
    1,
    Array.from({ length: N }, (_, i) => i),
    new Array<number>(N).fill(1),
  );
  const stepCol = Array.from({ length: steps }, () => model.addCol(0, Number.POSITIVE_INFINITY, 1));
  const pairCol = Array.from({ length: pairs }, () => model.addCol(0, Number.POSITIVE_INFINITY, 1));
  const weight = Array.from({ length: N }, () => 0.5 + random());
  const shares = Array.from({ length: N }, (_, i) => i);
  // Each step's merge beats its pairs in some categories and loses in others, so rows need slack.
  for (let r = 0; ; r++) {
    if (jslTableauCells(model) + model.numCols + 1 > cells) return model;
    const coef = shares.map((i) => weight[i] * Math.round(40 * random() - 15 - 10 * random()));
    const t = stepCol[r % steps];
    const p = pairCol[Math.floor(random() * pairs)];
    model.addRow(0, Number.POSITIVE_INFINITY, [...shares, t, p], [...coef, 1, 1]);
  }
}

test('just below JSL_MAX_TABLEAU_CELLS, jsl, HiGHS and GLPK agree; one row more and jsl refuses', async () => {
  // About the shape the lazy search builds (rows about twice the columns).
  const cols = Math.round(Math.sqrt(JSL_MAX_TABLEAU_CELLS / 2));
  const steps = Math.round(cols * 0.3);
  const model = mixtureLp(3, steps, cols - N - steps, JSL_MAX_TABLEAU_CELLS);
  const cells = jslTableauCells(model);
  assert.ok(cells <= JSL_MAX_TABLEAU_CELLS && cells > 0.99 * JSL_MAX_TABLEAU_CELLS, `${cells} cells`);
  const solutions = [];
  for (const name of ['highs', 'glpk', 'jsl'] as const) {
    const backend = await createBackend(name);
    try {
      const solution = backend.solve(model, {});
      assert.equal(solution.status, 'optimal', `${name}: ${solution.detail}`);
      solutions.push({ name, ...solution });
    } finally {
      backend.dispose();
    }
  }
  const [highs, ...others] = solutions;
  assert.ok(highs.objective > 1, `objective ${highs.objective}: the LP must need slack to be a test`);
  // The optimal shares are unique here: HiGHS's and GLPK's vertices coincide.
  for (const other of others) {
    const relative = Math.abs(other.objective - highs.objective) / highs.objective;
    assert.ok(relative < 1e-6, `${other.name}: objective ${other.objective} vs highs ${highs.objective}`);
    for (let i = 0; i < N; i++) {
      assert.ok(
        Math.abs(other.x[i] - highs.x[i]) < 1e-5,
        `${other.name}: share ${i} ${other.x[i]} vs ${highs.x[i]}`,
      );
    }
  }

  // One more row passes the guard: a one-line UserError pointing to HiGHS, before any solving.
  model.addRow(0, Number.POSITIVE_INFINITY, [0, N], [1, 1]);
  assert.ok(jslTableauCells(model) > JSL_MAX_TABLEAU_CELLS);
  const jsl = await createBackend('jsl');
  assert.throws(
    () => jsl.solve(model, {}),
    (error: unknown) =>
      error instanceof UserError &&
      !error.message.includes('\n') &&
      /^--solver jsl: the LP has grown to \d+ rows x \d+ columns, .*; use --solver highs$/.test(
        error.message,
      ),
  );
});

test('jslTableauCells counts one tableau row per finite side of each row and bound', () => {
  const model = new LpModel();
  model.addCol(0, 1, 0); // upper bound: a row
  model.addCol(0, Number.POSITIVE_INFINITY, 1); // x >= 0 is jsl's own: none
  model.addCol(-2, 3, 0); // both bounds: two rows
  model.addCol(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0); // free: none
  model.addRow(1, 1, [0, 1], [1, 1]); // equality: two rows
  model.addRow(0, Number.POSITIVE_INFINITY, [1, 2], [1, -1]); // one
  model.addRow(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, [3], [1]); // free row: none
  // (objective + 3 bound rows + 3 constraint rows) x (4 columns + right-hand side)
  assert.equal(jslTableauCells(model), (1 + 3 + 3) * 5);
});
