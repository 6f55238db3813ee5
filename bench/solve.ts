// Solve time against categories and merges: synthetic languages (Zipfian lexicons over distinct
// alphabets) mixed with known weights, a tokenizer trained on the mixture by src/bpe, each
// category's held-out sample replayed, then solveMixture with HiGHS; the same problem solved by the
// earlier loops (`references` below) for the ratio against each, and with --glpk by GLPK for the
// glpk/highs ratio.
// Usage: node dist/bench/solve.js [n,n,...] [T,T,...] [--glpk] [--no-previous]
import { trainBpe } from '../src/bpe/index.js';
import { estimateMixture, solveMixture } from '../src/solve/index.js';
import type { SolveMixtureTuning } from '../src/solve/constraint-search.js';
import { language } from './synthetic.js';

const args = process.argv.slice(2);
const ns = (args[0] ?? '10,30,112').split(',').map(Number);
const Ts = (args[1] ?? '3000,30000').split(',').map(Number);
const withGlpk = args.includes('--glpk');
const withPrevious = !args.includes('--no-previous');
const tokens = 60000;

/** Earlier loops, run on the same problem for the ratio against the current defaults. */
const references: { name: string; tuning: Partial<SolveMixtureTuning> }[] = [
  // Rows in the order the sweep meets them, batches of 0.25 x the rows held (the loop before this one).
  { name: 'first-met', tuning: { poolFactor: 1, batchGrowth: 0.25 } },
  // Also restart at step 0 after each re-solve, batches of 0.25 x all constraints ever added, no anchor.
  {
    name: 'previous',
    tuning: { poolFactor: 1, batchGrowth: 0.25, resume: 'restart', batchOf: 'constraints', anchorWeight: 0 },
  },
];
const shown = withPrevious ? references : [];
console.log(
  [
    'n',
    'T',
    'constraints',
    'rounds',
    'highs s (sweep/LP)',
    ...shown.flatMap((r) => [`${r.name} s`, `${r.name}/highs`]),
    'glpk s',
    'glpk/highs',
    'log10 MSE',
  ].join('\t'),
);
for (const n of ns) {
  for (const T of Ts) {
    const weights = Array.from({ length: n }, (_, i) => 1 + (i % 5));
    const training = weights.map((w, i) => language(i, tokens, 1 + i, w));
    const mergeList = trainBpe(training, T);
    const spec = { alphabet: 'byte-level' as const, mergeList };
    const heldOut = weights.map((_, i) => language(i, tokens, 5000 + i));
    const steps = Math.min(T, mergeList.length);
    const truthBytes = training.map((c) => c.stats.bytes);
    const sum = truthBytes.reduce((a, b) => a + b, 0);
    const truth = truthBytes.map((b) => b / sum);
    // The pipeline core as infer runs it; the earlier loops and GLPK re-solve its transcripts.
    const core = await estimateMixture(heldOut, spec, steps, { backend: 'highs', uncertainty: false });
    const { transcripts, estimate: highs } = core;
    const highsSeconds = core.seconds.solve;
    let start: number;
    const referenceColumns: string[] = [];
    for (const reference of shown) {
      start = performance.now();
      try {
        await solveMixture(
          transcripts,
          { mergeList, backend: 'highs', uncertainty: false },
          reference.tuning,
        );
        const seconds = (performance.now() - start) / 1000;
        referenceColumns.push(seconds.toFixed(1), (seconds / highsSeconds).toFixed(2));
      } catch (error) {
        const seconds = (performance.now() - start) / 1000;
        referenceColumns.push(
          `failed after ${seconds.toFixed(0)} s: ${(error as Error).message.slice(0, 60)}`,
          '',
        );
      }
    }
    let glpkSeconds = Number.NaN;
    if (withGlpk) {
      start = performance.now();
      await solveMixture(transcripts, { mergeList, backend: 'glpk', uncertainty: false });
      glpkSeconds = (performance.now() - start) / 1000;
    }
    const mse = highs.byteShare.reduce((s, b, i) => s + (b - truth[i]) ** 2, 0) / n;
    console.log(
      [
        n,
        steps,
        highs.constraints,
        highs.rounds,
        `${highsSeconds.toFixed(1)} (${highs.sweepSeconds.toFixed(1)}/${highs.lpSeconds.toFixed(1)})`,
        ...referenceColumns,
        glpkSeconds.toFixed(1),
        (glpkSeconds / highsSeconds).toFixed(2),
        Math.log10(mse).toFixed(2),
      ].join('\t'),
    );
  }
}
