// Sparser rows (issue 16): the lazy LP's rows carry a coefficient per category, w_i (m_i - p_i).
// Written with auxiliary columns instead — M_t = sum_i w_i m_i alpha_i for each merge step with
// rows, P = sum_i w_i p_i alpha_i for each (pair, count vector) the rows use — each constraint
// reads M_t - P + v_t + v_p >= 0: 4 nonzeros, the per-category coefficients paid once per M or P.
// The bench runs the search to its end (or time limit), rebuilds the LP it holds in that form, and
// solves both once, cold, with the same backend: sizes, seconds, objectives.
// Usage: node dist/bench/sparse-rows.js infer <tokenizer> <T,...> [--set default] [--time-limit S] [--clp]
//        node dist/bench/sparse-rows.js synthetic <n> <T,...> [same options]
import { createBackend, type LpModel } from '../src/solve/backends/index.js';
import { createClpBackend } from '../src/solve/backends/clp.js';
import { LpModel as Model } from '../src/solve/backends/lp-model.js';
import type { LpBackend } from '../src/solve/backends/lp-model.js';
import { benchArgs, heldLp, type InspectableLp } from './held-lp.js';

const { flag, positional } = benchArgs();
const [kind, what, TList] = positional;
if ((kind !== 'infer' && kind !== 'synthetic') || !what || !TList) {
  console.error(
    'usage: sparse-rows.js infer <tokenizer> <T,...> | synthetic <n> <T,...> [--time-limit S] [--clp]',
  );
  process.exit(2);
}
const timeLimit = Number(flag('--time-limit') ?? 300);
const withClp = process.argv.includes('--clp');

/** The LP `lp` holds, rebuilt with auxiliary M and P columns and 4-nonzero constraint rows. */
function sparseModel(lp: InspectableLp): { model: LpModel; mColumns: number; pColumns: number } {
  const n = lp.n;
  const model = new Model();
  for (let i = 0; i < n; i++) model.addCol(0, 1, 0);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  model.addRow(1, 1, all, new Float64Array(n).fill(1));
  const counts = new Float64Array(n);
  const index = new Int32Array(n + 1);
  const value = new Float64Array(n + 1);
  // A free column equal to sum_i w_i counts_i alpha_i: the column and its defining row.
  const aggregate = (): number => {
    const col = model.addCol(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0);
    let size = 0;
    index[size] = col;
    value[size++] = 1;
    for (let i = 0; i < n; i++) {
      if (counts[i] === 0) continue;
      index[size] = i;
      value[size++] = -counts[i] * lp.unitWeight[i];
    }
    model.addRow(0, 0, index.subarray(0, size), value.subarray(0, size));
    return col;
  };
  const mCol = new Map<number, number>();
  const pCol = new Map<string, number>();
  const vt = new Map<number, number>();
  const vp = new Map<number, number>();
  const slack = (map: Map<number, number>, key: number): number => {
    let col = map.get(key);
    if (col === undefined) map.set(key, (col = model.addCol(0, Number.POSITIVE_INFINITY, 1)));
    return col;
  };
  for (const { step, pair } of lp.heldRowKeys()) {
    let m = mCol.get(step);
    if (m === undefined) {
      lp.pairCountsBefore(lp.universe.mergeGlobal[step], step, counts);
      mCol.set(step, (m = aggregate()));
    }
    lp.pairCountsBefore(pair, step, counts);
    // Rows of one pair share its P column while its counts stay the same.
    const signature = `${pair}|${counts.join(',')}`;
    let p = pCol.get(signature);
    if (p === undefined) pCol.set(signature, (p = aggregate()));
    model.addRow(
      0,
      Number.POSITIVE_INFINITY,
      Int32Array.of(m, p, slack(vt, step), slack(vp, pair)),
      Float64Array.of(1, -1, 1, 1),
    );
  }
  return { model, mColumns: mCol.size, pColumns: pCol.size };
}

async function solveOnce(name: string, model: LpModel) {
  const backend: LpBackend = name === 'clp' ? await createClpBackend() : await createBackend('highs');
  try {
    const start = performance.now();
    const solution = backend.solve(model, { timeLimitSeconds: timeLimit });
    return {
      seconds: (performance.now() - start) / 1000,
      objective: solution.objective,
      status: solution.status,
    };
  } finally {
    backend.dispose();
  }
}

console.log(
  'T\tsearch\tform\trows x cols, nonzeros\tM / P columns\tbackend\tseconds\tstatus\tobjective\tsparse/dense',
);
for (const T of TList.split(',').map(Number)) {
  const { lp, search } = await heldLp(kind, what, T, flag('--set') ?? 'default', timeLimit);
  const dense: LpModel = lp.model;
  const sparse = sparseModel(lp);
  const steps = lp.steps;
  for (const backend of withClp ? ['highs', 'clp'] : ['highs']) {
    const a = await solveOnce(backend, dense);
    const b = await solveOnce(backend, sparse.model);
    const size = (m: LpModel) => `${m.numRows} x ${m.numCols}, ${m.numNonzeros}`;
    console.log(
      [
        steps,
        search,
        'dense',
        size(dense),
        '',
        backend,
        a.seconds.toFixed(2),
        a.status,
        a.objective.toPrecision(9),
        '',
      ].join('\t'),
    );
    console.log(
      [
        steps,
        search,
        'sparse',
        size(sparse.model),
        `${sparse.mColumns} / ${sparse.pColumns}`,
        backend,
        b.seconds.toFixed(2),
        b.status,
        b.objective.toPrecision(9),
        (b.seconds / a.seconds).toFixed(2),
      ].join('\t'),
    );
  }
}
