// Noise-aware rows (issue 16): the paper's LP against rows loosened by z Poisson standard deviations,
// on bench/scale.ts's synthetic held-out problems. Each (n, T, z) solves in its own process (peak RSS
// its own) from one merge list per (n, T), trained once by the parent and passed through a temp file.
// Usage: node dist/bench/noise.js [n,n,...] [T,T,...] [z,z,...] [--time-limit S] [--paper-limit S] [--uncertainty]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCellProcess } from './cell-process.js';
import { trainBpe } from '../src/bpe/index.js';
import { estimateMixture } from '../src/solve/index.js';
import type { Merge } from '../src/tokenizer/spec.js';
import { language } from './synthetic.js';

const TOKENS = 60000;

const weightsOf = (n: number) => Array.from({ length: n }, (_, i) => 1 + (i % 5));

interface Cell {
  solveSeconds: number;
  /** Of the solve: LP solver seconds (the rest is sweeping). */
  lpSeconds: number;
  stopped: string;
  gap: number;
  objective: number;
  rounds: number;
  constraints: number;
  peakRows: number;
  peakNonzeros: number;
  peakMB: number;
  log10Mse: number;
  unique: boolean | null;
  /** Widest byte-share range over the optimal face (uncertainty probe), when computed. */
  widest: number | null;
}

async function cell(
  n: number,
  mergeFile: string,
  z: number,
  timeLimit: number,
  probe: boolean,
): Promise<Cell> {
  const mergeList = JSON.parse(readFileSync(mergeFile, 'utf8')) as Merge[];
  const weights = weightsOf(n);
  const truthBytes = weights.map((w, i) => language(i, TOKENS, 1 + i, w).stats.bytes);
  const sum = truthBytes.reduce((a, b) => a + b, 0);
  const heldOut = weights.map((_, i) => language(i, TOKENS, 5000 + i));
  const { estimate, seconds } = await estimateMixture(
    heldOut,
    { alphabet: 'byte-level', mergeList },
    mergeList.length,
    { backend: 'highs', uncertainty: probe, timeLimitSeconds: timeLimit, noiseZ: z },
  );
  const mse = estimate.byteShare.reduce((s, b, i) => s + (b - truthBytes[i] / sum) ** 2, 0) / n;
  const ranges = estimate.uncertainty?.byteShareRange;
  let widest: number | null = null;
  if (ranges) for (const r of ranges) if (r) widest = Math.max(widest ?? 0, r[1] - r[0]);
  return {
    solveSeconds: seconds.solve,
    lpSeconds: estimate.lpSeconds,
    stopped: estimate.stopped ?? 'certified',
    gap: estimate.gap,
    objective: estimate.upperBound,
    rounds: estimate.rounds,
    constraints: estimate.constraints,
    peakRows: estimate.peakRows,
    peakNonzeros: estimate.peakNonzeros,
    peakMB: Math.round(estimate.peakMemoryBytes / 2 ** 20),
    log10Mse: Math.log10(mse),
    unique: probe && estimate.certified ? (estimate.uncertainty?.unique ?? true) : null,
    widest,
  };
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : undefined;
};
const timeLimit = flag('--time-limit') ?? 600;
const paperLimit = flag('--paper-limit') ?? 150;
const probe = args.includes('--uncertainty');
if (args[0] === '--cell') {
  const result = await cell(Number(args[1]), args[2], Number(args[3]), timeLimit, probe);
  console.log(JSON.stringify(result));
} else {
  const ns = (args[0] ?? '10').split(',').map(Number);
  const Ts = (args[1] ?? '3000,10000,30000').split(',').map(Number);
  const zs = (args[2] ?? '0,0.5,1,2').split(',').map(Number);
  console.log(
    'n\tT\tz\tsolve s\tLP s\tstatus\tgap\tobjective\trounds\tconstraints\tpeak rows\tpeak nonzeros\tpeak MB\tlog10 MSE\tunique\twidest range',
  );
  const dir = mkdtempSync(join(tmpdir(), 'tokmix-noise-'));
  try {
    for (const n of ns) {
      const training = weightsOf(n).map((w, i) => language(i, TOKENS, 1 + i, w));
      for (const T of Ts) {
        const mergeFile = join(dir, `merges-${n}-${T}.json`);
        writeFileSync(mergeFile, JSON.stringify(trainBpe(training, T)));
        for (const z of zs) {
          const limit = z === 0 ? paperLimit : timeLimit;
          const outcome = runCellProcess<Cell>(fileURLToPath(import.meta.url), [
            String(n),
            mergeFile,
            String(z),
            '--time-limit',
            String(limit),
            ...(probe ? ['--uncertainty'] : []),
          ]);
          if (!outcome.ok) {
            console.log(`${n}\t${T}\t${z}\tfailed: ${outcome.error}`);
            continue;
          }
          const c = outcome.cell;
          console.log(
            [
              n,
              T,
              z,
              c.solveSeconds.toFixed(1),
              c.lpSeconds.toFixed(1),
              c.stopped,
              c.gap.toExponential(2),
              c.objective.toExponential(3),
              c.rounds,
              c.constraints,
              c.peakRows,
              c.peakNonzeros,
              c.peakMB,
              c.log10Mse.toFixed(2),
              c.unique ?? '-',
              c.widest === null ? '-' : c.widest.toExponential(2),
            ].join('\t'),
          );
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
