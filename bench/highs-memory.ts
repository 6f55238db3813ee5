// Where WebAssembly HiGHS runs out of memory (its heap stops at 2 GB): grows a mixture-shaped LP
// (n share columns, rows of `density` shares + a step slack + a pair slack) in doubling batches as
// the lazy loop does, re-solving each time, until HiGHS aborts. Sets LP_MAX_NONZEROS in lazy-lp.ts.
// Usage: node dist/bench/highs-memory.js [n,n,...] [density] [seconds per solve]
import { createBackend, LpModel } from '../src/solve/backends/index.js';
import { rng } from './rng.js';

async function ceiling(n: number, density: number, seconds: number): Promise<void> {
  const backend = await createBackend('highs');
  const model = new LpModel();
  const random = rng(n);
  for (let i = 0; i < n; i++) model.addCol(0, 1, 0);
  model.addRow(
    1,
    1,
    Array.from({ length: n }, (_, i) => i),
    new Array<number>(n).fill(1),
  );
  const perRow = Math.max(1, Math.round(density * n));
  let batch = 1000;
  const started = performance.now();
  for (;;) {
    for (let k = 0; k < batch; k++) {
      // One new step slack per 20 rows and one new pair slack per 3 rows, as the lazy LP grows them.
      const vt =
        random() < 0.05 || model.numCols <= n
          ? model.addCol(0, Infinity, 1)
          : n + Math.floor(random() * (model.numCols - n));
      const vp =
        random() < 0.3 ? model.addCol(0, Infinity, 1) : n + Math.floor(random() * (model.numCols - n));
      const index: number[] = [];
      const value: number[] = [];
      const used = new Set<number>();
      while (index.length < perRow) {
        const i = Math.floor(random() * n);
        if (used.has(i)) continue;
        used.add(i);
        index.push(i);
        value.push((random() - 0.55) * 10);
      }
      if (vt !== vp) {
        index.push(vt, vp);
        value.push(1, 1);
      } else {
        index.push(vt);
        value.push(1);
      }
      model.addRow(0, Infinity, index, value);
    }
    const t0 = performance.now();
    const solution = backend.solve(model, { timeLimitSeconds: seconds });
    const line = {
      n,
      rows: model.numRows,
      cols: model.numCols,
      nonzeros: model.numNonzeros,
      status: solution.status,
      solveSeconds: +((performance.now() - t0) / 1000).toFixed(1),
      totalSeconds: +((performance.now() - started) / 1000).toFixed(1),
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
    console.log(JSON.stringify(line));
    if (solution.status === 'error') {
      console.log(JSON.stringify({ n, aborted: solution.detail }));
      break;
    }
    batch = Math.min(Math.ceil(model.numRows * 0.5), 400_000);
  }
  backend.dispose();
}

const args = process.argv.slice(2);
const ns = (args[0] ?? '10,43,112').split(',').map(Number);
const density = Number(args[1] ?? 0.4);
const seconds = Number(args[2] ?? 2);
for (const n of ns) await ceiling(n, density, seconds);
