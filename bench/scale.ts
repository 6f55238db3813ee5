// The paper's scale on one machine: solve time, peak memory, rows held and final gap against T and n.
// Synthetic held-out problems (bench/synthetic.ts: a tokenizer trained on a mixture of n languages,
// estimated with held-out samples), each (n, T) in its own process so peak memory is its own. An
// "n" that is a built-in tokenizer's name (e.g. gpt-4o) is that tokenizer on `default` as `infer`
// builds it (43 categories; no truth, so no MSE; "train s" is then counting and replay).
// Usage: node dist/bench/scale.js [n|tokenizer,...] [T,T,...] [--time-limit S] [--gap G]
//   [--estimator paper|sampled|paper,sampled] [--sampled-steps N]
// Prints a tab-separated row per (n, T, estimator) and, per n and estimator, the solve-time ratio of
// the largest T to the smallest; with two estimators, each cell runs both back to back.
import { fileURLToPath } from 'node:url';
import { trainBpe } from '../src/bpe/index.js';
import { estimateMixture, solveMixture, type MixtureEstimate } from '../src/solve/index.js';
import type { EstimatorOptions } from '../src/solve/estimator.js';
import { parseEstimatorFlags } from '../src/cli/estimator-flags.js';
import { language } from './synthetic.js';
import { inferProblem } from './infer-problem.js';
import { runCellProcess } from './cell-process.js';

const TOKENS = 60000;

interface Cell {
  n: number;
  T: number;
  estimator: string;
  trainSeconds: number;
  replaySeconds: number;
  solveSeconds: number;
  certified: boolean;
  stopped: string;
  gap: number;
  lower: number;
  upper: number;
  rounds: number;
  peakRows: number;
  peakNonzeros: number;
  peakMB: number;
  /** null (NaN in JSON) for a real tokenizer, which has no truth. */
  log10Mse: number | null;
}

async function inferCell(
  tokenizer: string,
  T: number,
  timeLimit: number,
  gap: number | undefined,
  estimator: EstimatorOptions,
): Promise<Cell> {
  let start = performance.now();
  const problem = await inferProblem(tokenizer, T, 'default');
  const trainSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const estimate = await solveMixture(problem.transcripts, {
    mergeList: problem.mergeList,
    ...problem.options,
    uncertainty: false,
    timeLimitSeconds: timeLimit,
    gap,
    ...estimator,
  });
  return {
    n: problem.transcripts.length,
    T: problem.transcripts[0].steps - (problem.options.firstStep ?? 0),
    estimator: estimatorName(estimator),
    trainSeconds,
    replaySeconds: 0,
    solveSeconds: (performance.now() - start) / 1000,
    ...solveFigures(estimate),
    log10Mse: NaN,
  };
}

/** The solve's figures every cell reports. */
function solveFigures(estimate: MixtureEstimate) {
  return {
    certified: estimate.certified,
    stopped: estimate.stopped ?? 'certified',
    gap: estimate.gap,
    lower: estimate.lowerBound,
    upper: estimate.upperBound,
    rounds: estimate.rounds,
    peakRows: estimate.peakRows,
    peakNonzeros: estimate.peakNonzeros,
    peakMB: Math.round(estimate.peakMemoryBytes / 2 ** 20),
  };
}

function estimatorName(estimator: EstimatorOptions): string {
  return estimator.estimator === 'sampled' ? `sampled(${estimator.sampledSteps ?? 3000})` : 'paper';
}

async function cell(
  n: number,
  T: number,
  timeLimit: number,
  gap: number | undefined,
  estimator: EstimatorOptions,
): Promise<Cell> {
  const weights = Array.from({ length: n }, (_, i) => 1 + (i % 5));
  const training = weights.map((w, i) => language(i, TOKENS, 1 + i, w));
  let start = performance.now();
  const mergeList = trainBpe(training, T);
  const trainSeconds = (performance.now() - start) / 1000;
  const heldOut = weights.map((_, i) => language(i, TOKENS, 5000 + i));
  const steps = Math.min(T, mergeList.length);
  const truthBytes = training.map((c) => c.stats.bytes);
  const sum = truthBytes.reduce((a, b) => a + b, 0);
  start = performance.now();
  const { estimate, seconds } = await estimateMixture(heldOut, { alphabet: 'byte-level', mergeList }, steps, {
    backend: 'highs',
    uncertainty: false,
    timeLimitSeconds: timeLimit,
    gap,
    ...estimator,
  });
  const mse = estimate.byteShare.reduce((s, b, i) => s + (b - truthBytes[i] / sum) ** 2, 0) / n;
  return {
    n,
    T: steps,
    estimator: estimatorName(estimator),
    trainSeconds,
    replaySeconds: seconds.replay,
    solveSeconds: seconds.solve,
    ...solveFigures(estimate),
    log10Mse: Math.log10(mse),
  };
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : undefined;
};
const timeLimit = flag('--time-limit') ?? 300;
const gap = flag('--gap');
const text = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const sampledSteps = text('--sampled-steps');
const estimators = (text('--estimator') ?? 'paper').split(',');
if (args[0] === '--cell') {
  const options = parseEstimatorFlags(estimators[0], estimators[0] === 'sampled' ? sampledSteps : undefined);
  const what = args[1];
  const result = /^\d+$/.test(what)
    ? await cell(Number(what), Number(args[2]), timeLimit, gap, options)
    : await inferCell(what, Number(args[2]), timeLimit, gap, options);
  console.log(JSON.stringify(result));
} else {
  const ns = (args[0] ?? '10,112').split(',');
  const Ts = (args[1] ?? '3000,10000,30000').split(',').map(Number);
  const header =
    'n\tT\testimator\ttrain s\treplay s\tsolve s\tstatus\tgap\tlower\tupper\trounds\tpeak rows\tpeak nonzeros\tpeak MB\tlog10 MSE';
  console.log(header);
  for (const n of ns) {
    const solvedBy = new Map<string, Cell[]>();
    for (const T of Ts) {
      for (const estimator of estimators) {
        const extra = [
          '--time-limit',
          String(timeLimit),
          ...(gap !== undefined ? ['--gap', String(gap)] : []),
          '--estimator',
          estimator,
          ...(sampledSteps !== undefined ? ['--sampled-steps', sampledSteps] : []),
        ];
        const outcome = runCellProcess<Cell>(fileURLToPath(import.meta.url), [n, String(T), ...extra]);
        if (!outcome.ok) {
          console.log(`${n}\t${T}\t${estimator}\tfailed: ${outcome.error}`);
          continue;
        }
        const c = outcome.cell;
        solvedBy.set(estimator, [...(solvedBy.get(estimator) ?? []), c]);
        console.log(
          [
            c.n,
            c.T,
            c.estimator,
            c.trainSeconds.toFixed(1),
            c.replaySeconds.toFixed(1),
            c.solveSeconds.toFixed(1),
            c.stopped,
            c.gap.toExponential(2),
            c.lower.toExponential(3),
            c.upper.toExponential(3),
            c.rounds,
            c.peakRows,
            c.peakNonzeros,
            c.peakMB,
            c.log10Mse === null ? '—' : c.log10Mse.toFixed(2),
          ].join('\t'),
        );
      }
    }
    for (const solved of solvedBy.values()) {
      if (solved.length >= 2) {
        const first = solved[0];
        const last = solved[solved.length - 1];
        console.log(
          `n=${n} ${last.estimator}: solve at T=${last.T} / T=${first.T} = ${(last.solveSeconds / first.solveSeconds).toFixed(2)}x` +
            (last.certified
              ? ''
              : ` (T=${last.T} stopped: ${last.stopped}, gap ${last.gap.toExponential(2)})`),
        );
      }
    }
  }
}
