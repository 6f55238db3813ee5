// The alpha-cuts solver (solve/research/alpha-cuts.ts) against the lazy LP on the same transcripts: solve
// seconds, iterations, final gap and peak RSS of each, each solve in its own process (peak RSS is
// per process), with the ratio alpha-cuts / lazy LP. Cases: a built-in tokenizer on a built-in
// category set (as `infer` runs it; counts and transcripts come from the cache after the first
// run), or bench/synthetic.ts's held-out languages as in bench/scale.ts.
// Usage: node dist/bench/alpha-cuts.js infer <tokenizer> <T,T,...> [--set default] [--time-limit S]
//          [--methods lazy-lp,alpha-cuts] [--alpha '{"alphaInner":200}'] [--trace]
//        node dist/bench/alpha-cuts.js synthetic <n> <T,T,...> [same options]
import { fileURLToPath } from 'node:url';
import { runCellProcess } from './cell-process.js';
import { solveMixture, type SolveMixtureOptions } from '../src/solve/solve-mixture.js';
import type { AlphaCutsTuning } from '../src/solve/research/alpha-cuts.js';
import { solveMixtureByAlphaCuts } from '../src/solve/research/solve-alpha-cuts.js';
import { syntheticProblem } from './synthetic.js';
import { inferProblem } from './infer-problem.js';

type Method = 'lazy-lp' | 'alpha-cuts';

interface Cell {
  method: Method;
  T: number;
  prepareSeconds: number;
  solveSeconds: number;
  status: string;
  gap: number;
  lower: number;
  upper: number;
  iterations: number;
  last: string;
  peakMB: number;
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const timeLimit = Number(flag('--time-limit') ?? 300);
/** Progress lines with their time on stderr (the parent passes them through). */
const trace = args.includes('--trace');
/** Tuning of the alpha-cuts solver, as JSON (e.g. '{"alphaInner":200}'). */
const alphaTuning = JSON.parse(flag('--alpha') ?? '{}') as Partial<AlphaCutsTuning>;

async function cell(kind: string, what: string, T: number, method: Method): Promise<Cell> {
  let start = performance.now();
  const problem =
    kind === 'infer'
      ? await inferProblem(what, T, flag('--set') ?? 'default')
      : await syntheticProblem(Number(what), T);
  const prepareSeconds = (performance.now() - start) / 1000;
  let last = '';
  start = performance.now();
  const options: SolveMixtureOptions = {
    mergeList: problem.mergeList,
    ...problem.options,
    uncertainty: false,
    timeLimitSeconds: timeLimit,
    onProgress: (p) => {
      if (!p.detail) return;
      last = p.detail;
      if (trace) console.error(`${((performance.now() - start) / 1000).toFixed(1)} s: ${p.detail}`);
    },
  };
  const estimate = await (method === 'alpha-cuts'
    ? solveMixtureByAlphaCuts(problem.transcripts, options, alphaTuning)
    : solveMixture(problem.transcripts, options));
  return {
    method,
    T: problem.transcripts[0].steps,
    prepareSeconds,
    solveSeconds: (performance.now() - start) / 1000,
    status: estimate.certified ? 'certified' : (estimate.stopped ?? 'stopped'),
    gap: estimate.gap,
    lower: estimate.lowerBound,
    upper: estimate.upperBound,
    iterations: estimate.rounds,
    last,
    peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (args[0] === '--cell') {
  console.log(JSON.stringify(await cell(args[1], args[2], Number(args[3]), args[4] as Method)));
} else {
  const [kind, what, Ts] = args;
  if ((kind !== 'infer' && kind !== 'synthetic') || !what || !Ts) {
    console.error(
      'usage: alpha-cuts.js infer <tokenizer> <T,...> | synthetic <n> <T,...> [--time-limit S] [--set S]',
    );
    process.exit(2);
  }
  const methods = (flag('--methods') ?? 'lazy-lp,alpha-cuts').split(',') as Method[];
  const passOn = [
    '--time-limit',
    String(timeLimit),
    ...(flag('--set') ? ['--set', flag('--set')!] : []),
    ...(flag('--alpha') ? ['--alpha', flag('--alpha')!] : []),
    ...(trace ? ['--trace'] : []),
  ];
  console.log(
    'case\tT\tmethod\tprepare s\tsolve s\tstatus\tgap\tlower .. upper\titerations\tpeak MB\tratio\tlast progress',
  );
  for (const T of Ts.split(',').map(Number)) {
    const seconds: Partial<Record<Method, number>> = {};
    for (const method of methods) {
      const outcome = runCellProcess<Cell>(
        fileURLToPath(import.meta.url),
        [kind, what, String(T), method, ...passOn],
        { traceStderr: trace },
      );
      if (!outcome.ok) {
        console.log(`${kind} ${what}\t${T}\t${method}\tfailed: ${outcome.error}`);
        continue;
      }
      const c = outcome.cell;
      seconds[method] = c.solveSeconds;
      const ratio =
        method !== 'lazy-lp' && seconds['lazy-lp'] ? (c.solveSeconds / seconds['lazy-lp']).toFixed(2) : '';
      console.log(
        [
          `${kind} ${what}`,
          c.T,
          method,
          c.prepareSeconds.toFixed(1),
          c.solveSeconds.toFixed(1),
          c.status,
          c.gap.toExponential(2),
          `${c.lower.toExponential(4)} .. ${c.upper.toExponential(4)}`,
          c.iterations,
          c.peakMB,
          ratio,
          c.last,
        ].join('\t'),
      );
    }
  }
}
