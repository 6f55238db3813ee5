// The LP the lazy search holds at its end (or its time limit) on a bench problem, `infer <tokenizer>`
// or `synthetic <n>`, and the command-line reading the benches that study that LP share
// (sparse-rows.ts, pdlp.ts).
import { noProgress } from '../src/common/progress.js';
import { createBackend } from '../src/solve/backends/index.js';
import { DEFAULT_TUNING, searchConstraints } from '../src/solve/constraint-search.js';
import { LazyMixtureLp } from '../src/solve/lazy-lp.js';
import { buildPairUniverse } from '../src/solve/pair-universe.js';
import { inferProblem } from './infer-problem.js';
import { syntheticProblem } from './synthetic.js';

/** The lazy LP with the two views of its rows that bench/sparse-rows.ts rebuilds the LP from. */
export class InspectableLp extends LazyMixtureLp {
  /** The constraint rows held, as (step, global pair), in row order. */
  heldRowKeys(): { step: number; pair: number }[] {
    return this.rowKeys
      .filter((key) => key >= 0)
      .map((key) => ({ step: Math.floor(key / this.numPairs), pair: key % this.numPairs }));
  }

  /** Occurrences of global pair g in every category before merge step `at`. */
  pairCountsBefore(g: number, at: number, out: Float64Array): void {
    this.sweep.countsOf(g, out, at);
  }
}

/** `--name value` flags and the positional arguments of this process. */
export function benchArgs(): { flag: (name: string) => string | undefined; positional: string[] } {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  return { flag, positional };
}

/** Runs the search (HiGHS, default tuning) to its end or `timeLimit` seconds; returns the LP. */
export async function heldLp(
  kind: 'infer' | 'synthetic',
  what: string,
  T: number,
  set: string,
  timeLimit: number,
): Promise<{ lp: InspectableLp; search: string; seconds: number }> {
  const problem =
    kind === 'infer' ? await inferProblem(what, T, set) : await syntheticProblem(Number(what), T);
  const range = problem.options;
  const lp = new InspectableLp(problem.transcripts, buildPairUniverse(problem.transcripts), {
    competitorBatch: DEFAULT_TUNING.competitorBatch,
    tolerance: 1e-6,
    firstStep: range.firstStep ?? 0,
    excludedSteps: range.excludedSteps,
  });
  const searching = await createBackend('highs');
  const start = performance.now();
  try {
    const result = await searchConstraints(lp, searching, {
      tuning: DEFAULT_TUNING,
      onProgress: noProgress,
      deadline: performance.now() + timeLimit * 1000,
    });
    const search = result.certified ? 'certified' : `${result.stopped}, gap ${result.gap.toFixed(3)}`;
    return { lp, search, seconds: (performance.now() - start) / 1000 };
  } finally {
    searching.dispose();
  }
}
