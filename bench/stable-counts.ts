// Issue 25's candidate from the shift measurements: under --shift on code the paper's LP's error
// does not shrink with more estimation text, so it comes from words one source uses and another
// does not. Here each category's pre-token counts keep only what is stable inside its own sample:
// the sample is cut into K contiguous parts (its blocks in order), and a word counts
// K × min over parts (`min`) or K × the geometric mean over parts (`geo`). A word only one part
// uses counts 0. Each category keeps its original pair total as the normaliser (the missing
// mass stays missing, rather than inflating the rest). Then replay and the paper's LP, against the
// paper's LP on the original counts, on the same validate trials (trialProblem, cached).
// Usage: node dist/bench/stable-counts.js [--set code] [--n 5] [--trials 5] [--shift]
//   [--omit 0] [--merges 3000] [--total-bytes 10MB] [--seed 1] [--variants min2,min4,geo2]
import { parseArgs } from 'node:util';
import { resolveCategories } from '../src/corpus/index.js';
import { Cache, defaultCacheDir } from '../src/common/cache.js';
import { benchTrialProblem, benchTrialSettings, trialFlagOptions } from './trial-settings.js';
import { log10Mse, meanAndSd } from '../src/experiment/metrics.js';
import { replayCategories } from '../src/bpe/replay-categories.js';
import { solveMixture } from '../src/solve/solve-mixture.js';
import type { BlockedWordCounts } from '../src/count/block-counts.js';
import type { Transcript } from '../src/bpe/types.js';

const { values } = parseArgs({
  options: {
    ...trialFlagOptions({ set: 'code', n: '5', trials: '5' }),
    variants: { type: 'string', default: 'min2,min4,geo2' },
  },
});

interface Variant {
  name: string;
  parts: number;
  combine: 'min' | 'geo';
  /** Normalise by the stable counts' own pair total (suffix `s`) instead of the original one. */
  ownTotals: boolean;
}
const variants: Variant[] = values.variants!.split(',').map((name) => {
  const match = /^(min|geo)(\d+)(s?)$/.exec(name);
  if (!match) throw new Error(`--variants: ${name} is not min<K>[s] or geo<K>[s]`);
  return { name, combine: match[1] as 'min' | 'geo', parts: Number(match[2]), ownTotals: match[3] === 's' };
});

/** The category's word counts per part: its blocks in order cut into `parts` runs of equal bytes. */
function partCounts(c: BlockedWordCounts, parts: number): Float64Array[] {
  const blocks = c.blocks;
  if (!blocks) throw new Error(`${c.category.name}: counted without blocks`);
  const nb = blocks.bytes.length;
  const total = blocks.bytes.reduce((a, b) => a + b, 0);
  const out = Array.from({ length: parts }, () => new Float64Array(c.words.length));
  let seen = 0;
  for (let b = 0; b < nb; b++) {
    const part = Math.min(parts - 1, Math.floor((parts * seen) / total));
    seen += blocks.bytes[b];
    for (let k = blocks.start[b]; k < blocks.start[b + 1]; k++) out[part][blocks.word[k]] += blocks.count[k];
  }
  return out;
}

function stableCounts(c: BlockedWordCounts, v: Variant): BlockedWordCounts {
  const parts = partCounts(c, v.parts);
  const counts = new Float64Array(c.words.length);
  for (let w = 0; w < counts.length; w++) {
    if (v.combine === 'min') {
      let least = Number.POSITIVE_INFINITY;
      for (const p of parts) least = Math.min(least, p[w]);
      counts[w] = v.parts * least;
    } else {
      let logSum = 0;
      let zero = false;
      for (const p of parts) {
        if (p[w] <= 0) zero = true;
        else logSum += Math.log(p[w]);
      }
      counts[w] = zero ? 0 : v.parts * Math.exp(logSum / v.parts);
    }
  }
  return { ...c, counts, blocks: undefined };
}

/** The stable transcripts normalised by the original pair totals (and their bytes per pair). */
function withOriginalTotals(stable: Transcript[], original: Transcript[]): Transcript[] {
  return stable.map((t, i) => ({
    ...t,
    totals: { ...t.totals, pairs: original[i].totals.pairs, bytes: original[i].totals.bytes },
  }));
}

/** The stable transcripts on their own pair totals, with the original bytes per pair. */
function withOriginalRatio(stable: Transcript[], original: Transcript[]): Transcript[] {
  return stable.map((t, i) => ({
    ...t,
    totals: { ...t.totals, bytes: (t.totals.pairs * original[i].totals.bytes) / original[i].totals.pairs },
  }));
}

const cache = new Cache(process.env.TOKMIX_CACHE ?? defaultCacheDir());
const categories = await resolveCategories(values.set!, { cacheDir: cache.dir });
const scores: Record<string, number[]> = {};
for (let trial = 0; trial < Number(values.trials); trial++) {
  // bootstrap: 0 asks trialProblem for block counts (no intervals are computed here).
  const settings = benchTrialSettings(values, trial, { methods: ['paper'], bootstrap: 0 });
  const { problem, spec } = await benchTrialProblem(settings, categories, cache);
  const counts = problem.counts as BlockedWordCounts[];
  const original = await replayCategories(counts, spec, problem.steps, { cache });
  const line = [`trial ${trial}`];
  const score = (name: string, shares: number[]) => {
    const s = log10Mse(problem.candidateTruth, shares);
    (scores[name] ??= []).push(s);
    line.push(`${name} ${s.toFixed(2)}`);
  };
  const paper = await solveMixture(original, { mergeList: problem.mergeList, uncertainty: false });
  score('paper', paper.byteShare);
  for (const v of variants) {
    // No cache: the replay cache is keyed by the sample, and these counts are not the sample's.
    const stable = await replayCategories(
      counts.map((c) => stableCounts(c, v)),
      spec,
      problem.steps,
      {},
    );
    const estimate = await solveMixture(
      v.ownTotals ? withOriginalRatio(stable, original) : withOriginalTotals(stable, original),
      {
        mergeList: problem.mergeList,
        uncertainty: false,
      },
    );
    score(v.name, estimate.byteShare);
  }
  console.log(line.join(' | '));
}
for (const method of Object.keys(scores)) {
  const { mean, sd } = meanAndSd(scores[method]);
  const paired = scores[method].map((s, k) => s - scores.paper[k]);
  const better = paired.filter((d) => d < 0).length;
  console.log(
    `${method}: ${mean.toFixed(2)} ± ${sd.toFixed(2)} log10 MSE; paired − paper ${meanAndSd(paired).mean.toFixed(2)}, better in ${better}/${paired.length}`,
  );
}
