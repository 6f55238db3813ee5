// The alpha-cuts solver (decomposition over the shares with matching cuts) against the full LP on
// small random problems, and its matching against brute force on tiny bipartite graphs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../../src/solve/index.js';
import type { AlphaCutsTuning } from '../../../src/solve/research/alpha-cuts.js';
import { solveMixtureByAlphaCuts } from '../../../src/solve/research/solve-alpha-cuts.js';
import { maxWeightMatching } from '../../../src/solve/research/step-pair-matching.js';
import { rng } from '../../bpe/helpers.js';
import { fullOptimum, randomProblem } from '../full-lp-model.js';

/** The best matching by trying every assignment of rows to a column or to nothing. */
function bruteForce(rows: number, edges: [number, number, number][]): number {
  let best = 0;
  const used = new Set<number>();
  const visit = (r: number, sum: number) => {
    if (r === rows) {
      best = Math.max(best, sum);
      return;
    }
    visit(r + 1, sum);
    for (const [row, col, w] of edges) {
      if (row !== r || used.has(col)) continue;
      used.add(col);
      visit(r + 1, sum + w);
      used.delete(col);
    }
  };
  visit(0, 0);
  return best;
}

test('maxWeightMatching finds the best matching and feasible duals of the same value, cold or warm', () => {
  const random = rng(11);
  for (let trial = 0; trial < 300; trial++) {
    const rows = 1 + Math.floor(random() * 6);
    const cols = 1 + Math.floor(random() * 6);
    const edges: [number, number, number][] = [];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++)
        if (random() < 0.5) edges.push([r, c, Math.round(random() * 20) / 2 + 0.5]);
    const rowStart = new Int32Array(rows + 1);
    for (const [r] of edges) rowStart[r + 1]++;
    for (let r = 0; r < rows; r++) rowStart[r + 1] += rowStart[r];
    const input = {
      rows,
      cols,
      rowStart,
      col: Int32Array.from(edges, (e) => e[1]),
      weight: Float64Array.from(edges, (e) => e[2]),
    };
    // Every other trial starts from random prices and a random (valid) matching.
    const rowCol = new Int32Array(rows).fill(-1);
    const taken = new Set<number>();
    for (const [r, c] of edges) {
      if (rowCol[r] < 0 && !taken.has(c) && random() < 0.5) {
        rowCol[r] = c;
        taken.add(c);
      }
    }
    const warm = { colPrice: Float64Array.from({ length: cols }, () => random() * 5), rowCol };
    const matching = maxWeightMatching(input, trial % 2 === 1 ? warm : undefined);
    const what = `trial ${trial}${trial % 2 === 1 ? ' (warm)' : ''}: ${JSON.stringify(edges)}`;
    assert.ok(Math.abs(matching.value - bruteForce(rows, edges)) < 1e-9, `${what}: value ${matching.value}`);
    const dual = matching.rowDual.reduce((s, v) => s + v, 0) + matching.colDual.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(dual - matching.value) < 1e-9, `${what}: duals sum to ${dual}`);
    for (const [r, c, w] of edges)
      assert.ok(
        matching.rowDual[r] + matching.colDual[c] >= w - 1e-9,
        `${what}: edge (${r}, ${c}) uncovered`,
      );
    const usedCols = new Set<number>();
    for (let r = 0; r < rows; r++) {
      const e = matching.rowEdge[r];
      if (e < 0) continue;
      assert.ok(!usedCols.has(edges[e][1]), `${what}: column matched twice`);
      usedCols.add(edges[e][1]);
    }
  }
});

const PROBLEMS = [
  { seed: 1, n: 2, merges: 30, firstStep: 0 },
  { seed: 2, n: 3, merges: 40, firstStep: 0 },
  { seed: 3, n: 4, merges: 35, firstStep: 0 },
  { seed: 4, n: 3, merges: 45, firstStep: 12 },
  { seed: 8, n: 5, merges: 60, firstStep: 0 },
];

const STEPS: [string, Partial<AlphaCutsTuning>][] = [
  ['level', {}],
  ['level-best, one edge per step', { alphaStep: 'level-best', alphaEdges: 1 }],
  ['kelley, one sweep per shares', { alphaStep: 'kelley', alphaRounds: 1 }],
  ['inner matchings between sweeps', { alphaInner: 50, alphaEdges: 2 }],
];

test('alpha-cuts reaches the full LP optimum and the lazy LP shares', async () => {
  for (const { seed, n, merges, firstStep } of PROBLEMS) {
    const { mergeList, transcripts } = randomProblem(seed, n, merges);
    const full = await fullOptimum(transcripts, firstStep);
    assert.ok(full.objective > 0, `problem ${seed}: the problem must need slack to be a test`);
    const lazy = await solveMixture(transcripts, { mergeList, firstStep });
    for (const [name, tuning] of STEPS) {
      const what = `problem ${seed}, ${name}`;
      const cuts = await solveMixtureByAlphaCuts(transcripts, { mergeList, firstStep }, tuning);
      assert.ok(cuts.certified, `${what}: not certified (gap ${cuts.gap})`);
      assert.ok(cuts.rounds > 1, `${what}: only ${cuts.rounds} iterations`);
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * b + 1e-9;
      assert.ok(
        close(cuts.objective, full.objective),
        `${what}: ${cuts.objective} vs full LP ${full.objective}`,
      );
      assert.ok(
        cuts.lowerBound <= full.objective * (1 + 1e-9) + 1e-12,
        `${what}: lower bound above the optimum`,
      );
      const atShares = await full.at(cuts.pairShare);
      assert.ok(close(atShares, full.objective), `${what}: full LP at its shares ${atShares}`);
      if (lazy.uncertainty?.unique) {
        cuts.pairShare.forEach((a, i) =>
          assert.ok(
            Math.abs(a - full.alpha[i]) < 1e-6,
            `${what}: share ${i} ${a} vs full LP ${full.alpha[i]}`,
          ),
        );
      }
    }
  }
});

test('alpha-cuts stopped by a time limit returns a feasible point and its bounds', async () => {
  const { mergeList, transcripts } = randomProblem(8, 5, 60);
  const full = await fullOptimum(transcripts, 0);
  const stopped = await solveMixtureByAlphaCuts(transcripts, { mergeList, timeLimitSeconds: 1e-6 });
  assert.equal(stopped.certified, false);
  assert.equal(stopped.stopped, 'time-limit');
  assert.ok(stopped.upperBound >= full.objective * (1 - 1e-9));
  // The upper bound is a feasible point's objective at the returned shares: at least their optimum.
  assert.ok((await full.at(stopped.pairShare)) <= stopped.upperBound * (1 + 1e-9) + 1e-12);
});
