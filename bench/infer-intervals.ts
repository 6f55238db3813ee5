// The cost of intervals (issue 26): `tokmix infer <tokenizer> --bootstrap B` against the point
// estimate alone (plain infer), both warm (a first run of each fills the cache), alternated so the
// machine's load hits both alike. Prints each run's wall seconds and the ratio of the medians (the
// issue's bar for intervals on by default: 2). With its own cache (no --cache-dir) it first times
// both once with counts and replay cached but nothing solved (the solve-side stages emptied), the
// cost a first run of a tokenizer pays. Usage: node dist/bench/infer-intervals.js
//   [tokenizer] [--replicates 8] [--runs 3] [--cache-dir DIR] [--extra "--bytes 1MB"]
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    replicates: { type: 'string', default: '8' },
    'cache-dir': { type: 'string' },
    extra: { type: 'string', default: '' },
  },
});
const tokenizer = positionals[0] ?? 'gpt-4o';
const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tokmix-bench-infer-intervals-'));
const cacheDir = values['cache-dir'] ?? join(out, 'cache');

interface Run {
  seconds: number;
  bootstrapSeconds?: number;
  bootstrapCached?: boolean;
  solveSeconds: number;
}

function infer(label: string, args: string[]): Run {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'bin/run.js'),
      'infer',
      tokenizer,
      '--cache-dir',
      cacheDir,
      '--out',
      join(out, label),
      '--force',
      ...values.extra!.split(' ').filter(Boolean),
      ...args,
    ],
    { encoding: 'utf8', env: process.env },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${label}: exit ${result.status}\n${result.stderr}`);
  const json = JSON.parse(readFileSync(join(out, label, 'result.json'), 'utf8')) as {
    bootstrap?: { seconds: number; cached?: boolean };
    solver: { seconds: number };
  };
  return {
    seconds,
    bootstrapSeconds: json.bootstrap?.seconds,
    bootstrapCached: json.bootstrap?.cached,
    solveSeconds: json.solver.seconds,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  // Warm-up: counts, block counts and transcripts into the cache.
  const withIntervals = ['--bootstrap', values.replicates!];
  infer('warm-intervals', withIntervals);
  infer('warm-point', []);
  if (values['cache-dir'] === undefined) {
    // The stages a solve writes, emptied in this bench's own cache: what a first run pays past counting.
    const unsolve = () => {
      for (const stage of ['estimate', 'estimate-rows', 'intervals', 'checkpoint']) {
        rmSync(join(cacheDir, stage), { recursive: true, force: true });
      }
    };
    unsolve();
    const coldPoint = infer('cold-point', []);
    unsolve();
    const coldIntervals = infer('cold-intervals', withIntervals);
    console.log(
      `unsolved (counts and replay cached): point only ${coldPoint.seconds.toFixed(1)} s, --bootstrap ${values.replicates} ${coldIntervals.seconds.toFixed(1)} s (intervals ${(coldIntervals.bootstrapSeconds ?? 0).toFixed(1)} s), ratio ${(coldIntervals.seconds / coldPoint.seconds).toFixed(2)}`,
    );
  }
  const point: Run[] = [];
  const intervals: Run[] = [];
  for (let k = 0; k < Number(values.runs); k++) {
    point.push(infer(`point-${k}`, []));
    intervals.push(infer(`intervals-${k}`, withIntervals));
  }
  console.log(
    `tokmix infer ${tokenizer} ${values.extra}, warm cache, ${values.runs} runs each, load ${loadavg()[0].toFixed(1)}`,
  );
  console.log(`run  point only (s)  --bootstrap ${values.replicates} (s)  of which intervals (s)  solve (s)`);
  for (let k = 0; k < point.length; k++) {
    console.log(
      `${String(k).padEnd(3)}  ${point[k].seconds.toFixed(1).padStart(14)}  ${intervals[k].seconds.toFixed(1).padStart(21)}  ${(intervals[k].bootstrapCached ? 'cached' : (intervals[k].bootstrapSeconds ?? 0).toFixed(1)).padStart(22)}  ${point[k].solveSeconds.toFixed(1).padStart(9)}`,
    );
  }
  const a = median(point.map((r) => r.seconds));
  const b = median(intervals.map((r) => r.seconds));
  console.log(
    `median: point only ${a.toFixed(1)} s, default intervals ${b.toFixed(1)} s, ratio ${(b / a).toFixed(2)} (target <= 2)`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
