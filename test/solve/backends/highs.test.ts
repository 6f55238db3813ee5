// HiGHS's persistent model after row deletions: the rows it deletes natively must be the ones
// LpModel deleted, or the warm-started model solves another LP than the one tokmix holds. The same
// for clp's warm start (its basis names rows; skipped when clp is not installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LpModel, createBackend } from '../../../src/solve/backends/index.js';
import { findClp } from '../../../src/solve/backends/clp.js';
import { rng } from '../../bpe/helpers.js';

const COLUMNS = 12;

/**
 * Rows x_j >= b with b random, several per column, minimizing sum x: the optimum is the sum of each
 * column's largest remaining bound, so keeping or deleting any one wrong row changes it (almost surely).
 */
function addBoundRows(model: LpModel, random: () => number, count: number): void {
  for (let k = 0; k < count; k++) {
    model.addRow(1 + random() * 100, Number.POSITIVE_INFINITY, [Math.floor(random() * COLUMNS)], [1]);
  }
}

function expectedObjective(model: LpModel): number {
  const best = new Float64Array(COLUMNS);
  const start = model.rowStart.data;
  for (let r = 0; r < model.numRows; r++) {
    const j = model.rowIndex.data[start[r]];
    best[j] = Math.max(best[j], model.rowLower.data[r]);
  }
  return best.reduce((a, b) => a + b, 0);
}

for (const name of ['highs', 'clp'] as const) {
  const skip =
    name === 'clp' && findClp() === undefined ? 'clp is not installed (Debian package coinor-clp)' : false;
  test(`${name} re-solves after row deletions as if the model had been built anew`, { skip }, async () => {
    const random = rng(11);
    const model = new LpModel();
    for (let j = 0; j < COLUMNS; j++) model.addCol(0, Number.POSITIVE_INFINITY, 1);
    const warm = await createBackend(name);
    try {
      addBoundRows(model, random, 60);
      for (let round = 0; round < 6; round++) {
        const solution = warm.solve(model, {});
        assert.equal(solution.status, 'optimal');
        assert.ok(
          Math.abs(solution.objective - expectedObjective(model)) < 1e-7,
          `round ${round}: objective ${solution.objective}, expected ${expectedObjective(model)}`,
        );
        assert.equal(solution.rowDual?.length, model.numRows, `round ${round}: rows held by ${name}`);
        // Delete about a third of the rows (binding ones among them), in round 3 with two masks
        // queued between solves, then add new rows. (Rows added since the last solve cannot be
        // deleted before the next: the backend refuses, and LazyMixtureLp only drops after a solve.)
        for (let times = round === 3 ? 2 : 1; times > 0; times--) {
          model.deleteRows(Uint8Array.from({ length: model.numRows }, () => (random() < 0.35 ? 1 : 0)));
        }
        addBoundRows(model, random, 15);
      }
      const fresh = await createBackend(name);
      try {
        const rebuilt = fresh.solve(model, {});
        const last = warm.solve(model, {});
        assert.ok(
          Math.abs(rebuilt.objective - last.objective) < 1e-7,
          `${last.objective} vs ${rebuilt.objective}`,
        );
      } finally {
        fresh.dispose();
      }
    } finally {
      warm.dispose();
    }
  });
}
