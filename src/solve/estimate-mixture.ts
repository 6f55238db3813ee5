// estimateMixture: the pipeline core every caller shares (infer, validate's trials, the benches):
// counted categories and a merge list, through replay and the LP, to the estimated mixture. One
// place, so validation always tests the pipeline `infer` runs.
import type { WordCounts } from '../corpus/types.js';
import type { Cache } from '../common/cache.js';
import type { Deadline } from '../common/deadline.js';
import { UserError } from '../common/errors.js';
import type { Transcript } from '../bpe/types.js';
import type { ReplaySpec } from '../bpe/replay.js';
import { replayCategories } from '../bpe/replay-categories.js';
import { validate, withPairTotalsAt, type SolveMixtureOptions } from './solve-mixture.js';
import { solveMixtureCached } from './cached-solve.js';
import { solveLikelihood } from './likelihood.js';
import type { MixtureEstimate } from './types.js';
import { DEFAULT_TUNING } from './constraint-search.js';

export interface EstimateMixtureOptions extends Omit<SolveMixtureOptions, 'mergeList' | 'names'> {
  /** Transcripts are cached here (content-addressed by the counts and the merge-list prefix). */
  cache?: Cache;
  /** The run's deadline: replay stops at it, the solve gets what is left (overrides timeLimitSeconds). */
  deadline?: Deadline;
  /** Called after the replay, before the solve (infer refuses an attack the samples cannot constrain). */
  beforeSolve?: (coverage: MergeCoverage) => void;
  /**
   * The answer depends on the problem only, not on the clock or the warm start's rows: no bound
   * sweeps timed by the clock, and the anchor kept on under a warm start, so where many mixtures
   * fit exactly the search settles on the one a cold solve picks (nearest uniform) whatever rows it
   * started from. Bootstrap replicates set it, so a fixed seed gives the same intervals under any
   * load or cache state; it needs no time limit and no gap.
   */
  reproducible?: boolean;
}

/** How many attacked merges the samples can constrain at all. */
export interface MergeCoverage {
  /** Steps firstStep..steps-1 that are not excluded. */
  attackedMerges: number;
  /** Attacked merges whose pair occurs in no category's sample: they constrain nothing. */
  unconstrainedMerges: number;
}

/** Counts the attacked steps, and those whose merge occurs in no transcript. */
export function mergeCoverage(
  transcripts: readonly Transcript[],
  firstStep = 0,
  excludedSteps?: Uint8Array,
): MergeCoverage {
  const steps = transcripts[0]?.steps ?? 0;
  let attackedMerges = 0;
  let unconstrainedMerges = 0;
  for (let t = firstStep; t < steps; t++) {
    if (excludedSteps?.[t] === 1) continue;
    attackedMerges++;
    if (transcripts.every((tr) => tr.mergePair[t] < 0)) unconstrainedMerges++;
  }
  return { attackedMerges, unconstrainedMerges };
}

export interface EstimatedMixture extends MergeCoverage {
  transcripts: Transcript[];
  estimate: MixtureEstimate;
  /** Wall-clock seconds of each stage. */
  seconds: { replay: number; solve: number };
}

/**
 * Replays `steps` merges of `spec.mergeList` over each category's counts and solves the LP over
 * steps firstStep..steps-1 (less excludedSteps). A category whose sample holds no pre-token is the user's to fix.
 */
export async function estimateMixture(
  counts: WordCounts[],
  spec: ReplaySpec,
  steps: number,
  options: EstimateMixtureOptions = {},
): Promise<EstimatedMixture> {
  const { cache, deadline, onProgress, beforeSolve, reproducible, ...solveOptions } = options;
  for (const category of counts) {
    if (category.stats.preTokens === 0) {
      const { name } = category.category;
      throw new UserError(`${name}: no text in the category's sample; add text or drop the category`, name);
    }
  }
  let start = performance.now();
  const transcripts = await replayCategories(counts, spec, steps, { cache, onProgress, deadline });
  deadline?.check('replaying the merges');
  const replaySeconds = (performance.now() - start) / 1000;
  const coverage = mergeCoverage(transcripts, solveOptions.firstStep, solveOptions.excludedSteps);
  if (beforeSolve) {
    // The solve's own checks (a category without pairs) come before the caller's.
    validate(transcripts, {
      ...solveOptions,
      mergeList: spec.mergeList,
      names: counts.map((c) => c.category.name),
    });
    beforeSolve(coverage);
  }
  start = performance.now();
  const names = counts.map((c) => c.category.name);
  // What the earlier stages left of the run's limit (to 0.1 s, so messages stay readable).
  const timeLimitSeconds = deadline?.limited
    ? Math.max(0.1, Math.floor(deadline.remainingMs() / 100) / 10)
    : solveOptions.timeLimitSeconds;
  const estimate =
    solveOptions.estimator === 'likelihood'
      ? await solveLikelihood(likelihoodTranscripts(transcripts, solveOptions, names, spec), {
          ...solveOptions,
          mergeList: spec.mergeList,
          onProgress,
          timeLimitSeconds,
        })
      : await solveMixtureCached(
          transcripts,
          { ...solveOptions, mergeList: spec.mergeList, names, onProgress, timeLimitSeconds },
          cache,
          reproducible
            ? { boundInterval: Number.POSITIVE_INFINITY, anchorWeight: DEFAULT_TUNING.anchorWeight }
            : {},
        );
  return {
    transcripts,
    ...coverage,
    estimate,
    seconds: { replay: replaySeconds, solve: (performance.now() - start) / 1000 },
  };
}

/** The solve's checks, then the transcripts normalized as the LP normalizes them (normalizeAt). */
function likelihoodTranscripts(
  transcripts: Transcript[],
  options: Omit<SolveMixtureOptions, 'mergeList' | 'names'>,
  names: string[],
  spec: ReplaySpec,
): Transcript[] {
  validate(transcripts, { ...options, mergeList: spec.mergeList, names });
  return options.normalizeAt !== 'step-0'
    ? withPairTotalsAt(transcripts, options.firstStep ?? 0, names)
    : transcripts;
}
