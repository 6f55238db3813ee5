// The likelihood estimator's settings, against the paper's LP on the same validate trials. Each
// trial is drawn, trained and counted exactly as `tokmix validate` does (trialProblem, cached in
// the tokmix cache, so a warm validate run makes this cheap), replayed once, then solved by the
// paper's LP and by the likelihood estimator under each tuning given; prints log10 MSE and solve
// seconds per trial, then mean ± sd per method.
// Usage: node dist/bench/likelihood.js [--set languages] [--n 10] [--trials 3] [--shift]
//   [--omit 0] [--merges 3000] [--total-bytes 10MB] [--seed 1]
//   [--tunings '[{"precisionCap":1000},{"noiseScale":"flat"}]']
import { parseArgs } from 'node:util';
import { resolveCategories } from '../src/corpus/index.js';
import { Cache, defaultCacheDir } from '../src/common/cache.js';
import { benchTrialProblem, benchTrialSettings, trialFlagOptions } from './trial-settings.js';
import { log10Mse, meanAndSd } from '../src/experiment/metrics.js';
import { replayCategories } from '../src/bpe/replay-categories.js';
import { solveMixture, withPairTotalsAt } from '../src/solve/solve-mixture.js';
import { solveLikelihood, type LikelihoodTuning } from '../src/solve/likelihood.js';

const { values } = parseArgs({
  options: {
    ...trialFlagOptions({ set: 'languages', n: '10', trials: '3' }),
    tunings: { type: 'string', default: '[{}]' },
    'no-paper': { type: 'boolean', default: false },
  },
});
const tunings = JSON.parse(values.tunings!) as Partial<LikelihoodTuning>[];
const cache = new Cache(process.env.TOKMIX_CACHE ?? defaultCacheDir());
const categories = await resolveCategories(values.set!, { cacheDir: cache.dir });
const scores: Record<string, number[]> = {};
const seconds: Record<string, number[]> = {};
const record = (method: string, score: number, s: number) => {
  (scores[method] ??= []).push(score);
  (seconds[method] ??= []).push(s);
};
for (let trial = 0; trial < Number(values.trials); trial++) {
  const settings = benchTrialSettings(values, trial, { methods: ['paper'] });
  const { problem, spec } = await benchTrialProblem(settings, categories, cache);
  const transcripts = await replayCategories(problem.counts, spec, problem.steps, { cache });
  const line = [`trial ${trial}`];
  if (!values['no-paper']) {
    const t0 = performance.now();
    const paper = await solveMixture(transcripts, { mergeList: problem.mergeList, uncertainty: false });
    const s = (performance.now() - t0) / 1000;
    record('paper', log10Mse(problem.candidateTruth, paper.byteShare), s);
    line.push(`paper ${scores.paper.at(-1)!.toFixed(2)} (${s.toFixed(1)} s)`);
  }
  for (const tuning of tunings) {
    const name = `likelihood ${JSON.stringify(tuning)}`;
    const t0 = performance.now();
    const estimate = await solveLikelihood(
      withPairTotalsAt(transcripts, 0),
      { mergeList: problem.mergeList },
      tuning,
    );
    const s = (performance.now() - t0) / 1000;
    record(name, log10Mse(problem.candidateTruth, estimate.byteShare), s);
    line.push(
      `${name} ${scores[name].at(-1)!.toFixed(2)} (${s.toFixed(1)} s, gap ${estimate.gap.toExponential(1)}, ` +
        `${estimate.constraints} candidates, fit ${estimate.lpSeconds.toFixed(1)} s)`,
    );
  }
  console.log(line.join(' | '));
}
for (const method of Object.keys(scores)) {
  const { mean, sd } = meanAndSd(scores[method]);
  const s = meanAndSd(seconds[method]).mean;
  console.log(`${method}: ${mean.toFixed(2)} ± ${sd.toFixed(2)} log10 MSE, ${s.toFixed(1)} s per solve`);
}
