// Where javascript-lp-solver (the `jsl` backend) stops being usable: the mixture LPs the lazy search
// builds on synthetic problems, copied as they grow and each solved by jsl (guard lifted), HiGHS
// (fresh, the reference) and GLPK; then whole solveMixture runs with each backend, guard in place.
// Usage: node dist/bench/jsl-limit.js [n:T,n:T,...] [--limit S] [--no-library] [--no-search] [--search-max-cells C]
import { trainBpe } from '../src/bpe/index.js';
import { noProgress } from '../src/common/progress.js';
import { UserError } from '../src/common/errors.js';
import { estimateMixture, solveMixture } from '../src/solve/index.js';
import type { Transcript } from '../src/bpe/types.js';
import type { Merge } from '../src/tokenizer/spec.js';
import { DEFAULT_TUNING, searchConstraints } from '../src/solve/constraint-search.js';
import { LazyMixtureLp } from '../src/solve/lazy-lp.js';
import { buildPairUniverse } from '../src/solve/pair-universe.js';
import { LpModel, createBackend, type LpBackend, type LpSolution } from '../src/solve/backends/index.js';
import { JSL_MAX_TABLEAU_CELLS, createJslBackend, jslTableauCells } from '../src/solve/backends/jsl.js';
import { language } from './synthetic.js';

const args = process.argv.slice(2);
const problems = (args.find((a) => !a.startsWith('--') && a.includes(':')) ?? '3:100,5:200,9:300,9:1000')
  .split(',')
  .map((p) => p.split(':').map(Number) as [number, number]);
const limitAt = args.indexOf('--limit');
/** A size whose jsl solve takes longer than this is the last one measured. */
const limitSeconds = limitAt >= 0 ? Number(args[limitAt + 1]) : 30;
const tokens = 20000;
/** --no-library: only the search and the single LPs (GLPK's whole runs take minutes at T = 1,000). */
const withLibrary = !args.includes('--no-library');
/** --no-search: no whole search with jsl (it re-solves from scratch every round). */
const withSearch = !args.includes('--no-search');
const searchMaxAt = args.indexOf('--search-max-cells');
/** Largest final LP (jsl tableau cells) a whole search with jsl is run for. */
const searchMaxCells = searchMaxAt >= 0 ? Number(args[searchMaxAt + 1]) : 5e6;

/** A copy of the model as it is now (the search goes on changing the original). */
function snapshot(model: LpModel): LpModel {
  const copy = new LpModel();
  for (let j = 0; j < model.numCols; j++) {
    copy.addCol(model.colLower.data[j], model.colUpper.data[j], model.colCost.data[j]);
  }
  const { start, index, value } = model.rowEntries();
  for (let r = 0; r < model.numRows; r++) {
    copy.addRow(
      model.rowLower.data[r],
      model.rowUpper.data[r],
      index.subarray(start[r], start[r + 1]),
      value.subarray(start[r], start[r + 1]),
    );
  }
  copy.sense = model.sense;
  return copy;
}

/** Largest violation of a row or column bound by x, relative to 1 + |bound|. */
function maxViolation(model: LpModel, x: Float64Array): number {
  let worst = 0;
  const over = (v: number, lo: number, hi: number) =>
    Math.max(
      worst,
      Number.isFinite(lo) ? (lo - v) / (1 + Math.abs(lo)) : 0,
      Number.isFinite(hi) ? (v - hi) / (1 + Math.abs(hi)) : 0,
    );
  const activity = model.rowActivity(x);
  for (let r = 0; r < model.numRows; r++)
    worst = over(activity[r], model.rowLower.data[r], model.rowUpper.data[r]);
  for (let j = 0; j < model.numCols; j++) worst = over(x[j], model.colLower.data[j], model.colUpper.data[j]);
  return worst;
}

/** HiGHS solving each LP of the search as usual, keeping a copy each time the tableau has grown by √2. */
function recording(inner: LpBackend, into: LpModel[], from: number): LpBackend {
  let next = from;
  return {
    name: inner.name,
    solve(model, options) {
      const cells = jslTableauCells(model);
      if (cells >= next) {
        into.push(snapshot(model));
        next = cells * Math.SQRT2;
      }
      return inner.solve(model, options);
    },
    dispose: () => inner.dispose(),
  };
}

async function timed(backend: LpBackend, model: LpModel): Promise<{ seconds: number; solution: LpSolution }> {
  const start = performance.now();
  const solution = backend.solve(model, {});
  return { seconds: (performance.now() - start) / 1000, solution };
}

function problem(n: number, T: number) {
  const weights = Array.from({ length: n }, (_, i) => 1 + (i % 5));
  const training = weights.map((w, i) => language(i, tokens, 1 + i, w));
  const mergeList: Merge[] = trainBpe(training, T);
  const heldOut = weights.map((_, i) => language(i, tokens, 5000 + i));
  return { mergeList, heldOut };
}

/** The constraint search alone with `backend` (disposed after): seconds, the final LP and its shares. */
async function search(transcripts: Transcript[], backend: LpBackend) {
  const lp = new LazyMixtureLp(transcripts, buildPairUniverse(transcripts), {
    competitorBatch: DEFAULT_TUNING.competitorBatch,
    tolerance: 1e-6,
  });
  const start = performance.now();
  try {
    const result = await searchConstraints(lp, backend, {
      tuning: DEFAULT_TUNING,
      onProgress: noProgress,
      deadline: Infinity,
    });
    const seconds = (performance.now() - start) / 1000;
    return { seconds, rounds: result.rounds, model: snapshot(lp.model), alpha: Float64Array.from(lp.alpha) };
  } finally {
    backend.dispose();
  }
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const fmt = (x: number) => (x === 0 ? '0' : x.toExponential(1));

console.log(
  `JSL_MAX_TABLEAU_CELLS = ${JSL_MAX_TABLEAU_CELLS}; jsl solves past ${limitSeconds} s end the growth`,
);
const library: string[] = [];
const single: { cells: number; line: string }[] = [];
let stopAt = Infinity;
for (const [n, T] of problems) {
  const { mergeList, heldOut } = problem(n, T);
  const spec = { alphabet: 'byte-level' as const, mergeList };
  const steps = Math.min(T, mergeList.length);
  // The reference: the pipeline core with HiGHS, as infer runs it; the others re-solve its transcripts.
  const core = await estimateMixture(heldOut, spec, steps, { backend: 'highs', uncertainty: false });
  const { transcripts, estimate: highs } = core;
  const row = [`${n}:${steps}`, highs.constraints, core.seconds.solve.toFixed(2)];
  for (const name of withLibrary ? (['glpk', 'jsl'] as const) : []) {
    const start = performance.now();
    try {
      const other = await solveMixture(transcripts, { mergeList, backend: name, uncertainty: false });
      const seconds = (performance.now() - start) / 1000;
      const shareDiff = Math.max(...other.byteShare.map((b, i) => Math.abs(b - highs.byteShare[i])));
      row.push(
        seconds.toFixed(2),
        (seconds / core.seconds.solve).toFixed(1),
        fmt(rel(other.objective, highs.objective)),
        fmt(shareDiff),
      );
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      row.push(`refused after ${((performance.now() - start) / 1000).toFixed(1)} s: ${error.message}`);
    }
  }
  // The search alone, HiGHS recording the LPs it solves, then jsl with the guard lifted.
  const models: LpModel[] = [];
  const reference = await search(transcripts, recording(await createBackend('highs'), models, 10_000));
  models.push(reference.model);

  // The single LPs, smallest first, until jsl passes the limit.
  for (const model of models) {
    const cells = jslTableauCells(model);
    if (cells >= stopAt) continue;
    const highsBackend = await createBackend('highs');
    const h = await timed(highsBackend, model);
    highsBackend.dispose();
    const glpkBackend = await createBackend('glpk');
    const g = await timed(glpkBackend, model);
    glpkBackend.dispose();
    const jslBackend = await createJslBackend(Infinity);
    const j = await timed(jslBackend, model);
    if (j.seconds > limitSeconds) stopAt = cells;
    const shares = (s: LpSolution) =>
      Math.max(...Array.from({ length: n }, (_, i) => Math.abs(s.x[i] - h.solution.x[i])));
    single.push({
      cells,
      line: [
        `${n}:${steps}`,
        model.numRows,
        model.numCols,
        cells,
        (model.numRows + model.numCols) * model.numCols,
        h.seconds.toFixed(3),
        g.seconds.toFixed(3),
        (g.seconds / h.seconds).toPrecision(2),
        j.solution.status,
        j.seconds.toFixed(3),
        (j.seconds / h.seconds).toPrecision(2),
        fmt(rel(j.solution.objective, h.solution.objective)),
        fmt(shares(j.solution)),
        fmt(maxViolation(model, j.solution.x)),
        fmt(rel(g.solution.objective, h.solution.objective)),
        fmt(shares(g.solution)),
      ].join('\t'),
    });
    console.error(single[single.length - 1].line);
  }
  // Whole searches with jsl (guard lifted) only where its single solves stay short.
  const finalCells = jslTableauCells(reference.model);
  row.push(
    `search: highs ${reference.seconds.toFixed(2)} s, ${reference.rounds} rounds, final ${finalCells} cells`,
  );
  if (withSearch && finalCells < Math.min(stopAt, searchMaxCells)) {
    const j = await search(transcripts, await createJslBackend(Infinity));
    const shareDiff = Math.max(...j.alpha.map((a, i) => Math.abs(a - reference.alpha[i])));
    row.push(
      `jsl ${j.seconds.toFixed(2)} s (${(j.seconds / reference.seconds).toFixed(1)}x), ${j.rounds} rounds, final ${jslTableauCells(j.model)} cells, max |share diff| ${fmt(shareDiff)}`,
    );
  }
  library.push(row.join('\t'));
}
console.log(
  '\nsolveMixture (uncertainty off; guard in place): n:T, constraints, highs s, then per glpk and jsl: s, ratio, objective rel diff, max |byte share diff|',
);
for (const line of library) console.log(line);
console.log(
  '\nsingle LPs: n:T, rows, cols, jsl cells, old (rows+cols)*cols, highs s, glpk s, glpk/highs, jsl status, jsl s, jsl/highs, jsl obj rel diff, jsl max |share diff|, jsl max violation, glpk obj rel diff, glpk max |share diff|',
);
for (const { line } of single.sort((a, b) => a.cells - b.cells)) console.log(line);
