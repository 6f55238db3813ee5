// The native clp backend (coinor-clp's executable, a cold solve through an MPS file each round)
// against HiGHS (WebAssembly, warm-started): whole solveMixture runs on a built-in tokenizer and
// category set as `infer` builds them, then the search's final LP solved once, cold, by each.
// Usage: node dist/bench/clp.js [tokenizer] [T,T,...] [--set default] [--time-limit S]
//          [--variants warm,cold,warm-nopresolve,cold-nopresolve] [--no-mixture]
import { noProgress } from '../src/common/progress.js';
import { createBackend, type LpModel } from '../src/solve/backends/index.js';
import { createClpBackend } from '../src/solve/backends/clp.js';
import { DEFAULT_TUNING, searchConstraints } from '../src/solve/constraint-search.js';
import { LazyMixtureLp } from '../src/solve/lazy-lp.js';
import { buildPairUniverse } from '../src/solve/pair-universe.js';
import { solveMixture } from '../src/solve/solve-mixture.js';
import { inferProblem } from './infer-problem.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const tokenizer = positional[0] ?? 'gpt-4o';
const Ts = (positional[1] ?? '1000,3000').split(',').map(Number);
const set = flag('--set') ?? 'default';
const timeLimit = Number(flag('--time-limit') ?? 300);
/** --variants warm,cold,warm-nopresolve,cold-nopresolve: the search alone with clp so set, beside HiGHS. */
const variants = (flag('--variants') ?? '').split(',').filter((v) => v !== '');
/** --no-mixture: skip the whole solveMixture runs. */
const withMixture = !args.includes('--no-mixture');

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const fmt = (x: number) => (x === 0 ? '0' : x.toExponential(1));

console.log(
  'T\tbackend\tsolve s (sweep/LP)\tstatus\trounds\tconstraints\tobjective\trel. diff\tmax share diff\tclp/highs',
);
const single: string[] = [];
for (const T of Ts) {
  const { transcripts, mergeList, options: range } = await inferProblem(tokenizer, T, set);
  const skip = range.firstStep ?? 0;
  const steps = transcripts[0].steps;
  const options = {
    mergeList,
    ...range,
    uncertainty: false,
    timeLimitSeconds: timeLimit,
  };
  const newLp = () =>
    new LazyMixtureLp(transcripts, buildPairUniverse(transcripts), {
      competitorBatch: DEFAULT_TUNING.competitorBatch,
      tolerance: 1e-6,
      firstStep: skip,
      excludedSteps: range.excludedSteps,
    });
  const runs = [];
  for (const backend of withMixture ? (['highs', 'clp'] as const) : []) {
    const start = performance.now();
    const estimate = await solveMixture(transcripts, { ...options, backend });
    const seconds = (performance.now() - start) / 1000;
    runs.push({ seconds, estimate });
    const [highs] = runs;
    const row = [
      steps,
      backend,
      `${seconds.toFixed(1)} (${estimate.sweepSeconds.toFixed(1)}/${estimate.lpSeconds.toFixed(1)})`,
      estimate.certified ? 'certified' : `${estimate.stopped ?? 'stopped'}, gap ${fmt(estimate.gap)}`,
      estimate.rounds,
      estimate.constraints,
      estimate.objective.toPrecision(8),
    ];
    if (backend === 'clp') {
      const shareDiff = Math.max(
        ...estimate.byteShare.map((b, i) => Math.abs(b - highs.estimate.byteShare[i])),
      );
      row.push(
        fmt(rel(estimate.objective, highs.estimate.objective)),
        fmt(shareDiff),
        (seconds / highs.seconds).toFixed(2),
      );
    }
    console.log(row.join('\t'));
  }

  // The search alone with each clp setting (and HiGHS as the reference).
  for (const variant of variants.length > 0 ? ['highs', ...variants] : []) {
    const lp = newLp();
    const backend =
      variant === 'highs'
        ? await createBackend('highs')
        : await createClpBackend({
            warmStart: variant.startsWith('warm'),
            presolve: !variant.endsWith('nopresolve'),
          });
    const start = performance.now();
    try {
      const result = await searchConstraints(lp, backend, {
        tuning: DEFAULT_TUNING,
        onProgress: noProgress,
        deadline: start + timeLimit * 1000,
      });
      console.log(
        [
          steps,
          `search, ${variant}`,
          `${((performance.now() - start) / 1000).toFixed(1)} (LP ${result.lpSeconds.toFixed(1)})`,
          result.certified ? 'certified' : `${result.stopped ?? 'stopped'}, gap ${fmt(result.gap)}`,
          result.rounds,
          lp.constraints,
          result.objective.toPrecision(8),
        ].join('\t'),
      );
    } finally {
      backend.dispose();
    }
  }

  // The search's final LP (HiGHS's search, run to the end), then one cold solve by each backend.
  const lp = newLp();
  const searching = await createBackend('highs');
  try {
    await searchConstraints(lp, searching, {
      tuning: DEFAULT_TUNING,
      onProgress: noProgress,
      deadline: performance.now() + timeLimit * 1000,
    });
  } finally {
    searching.dispose();
  }
  const model: LpModel = lp.model;
  const cold: { name: string; seconds: number; objective: number; status: string }[] = [];
  for (const name of ['highs', 'clp'] as const) {
    const backend = await createBackend(name);
    try {
      const start = performance.now();
      const solution = backend.solve(model, { timeLimitSeconds: timeLimit });
      cold.push({
        name,
        seconds: (performance.now() - start) / 1000,
        objective: solution.objective,
        status: solution.status,
      });
    } finally {
      backend.dispose();
    }
  }
  single.push(
    [
      steps,
      `${model.numRows} x ${model.numCols}, ${model.numNonzeros} nonzeros`,
      ...cold.map((c) => `${c.seconds.toFixed(2)} (${c.status})`),
      (cold[1].seconds / cold[0].seconds).toFixed(2),
      fmt(rel(cold[1].objective, cold[0].objective)),
    ].join('\t'),
  );
}
console.log('\nthe final LP, one cold solve each');
console.log('T\tLP\thighs s\tclp s\tclp/highs\tobjective rel. diff');
for (const line of single) console.log(line);
