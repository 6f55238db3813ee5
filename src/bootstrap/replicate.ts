// One bootstrap replicate: resample each category's units (blocks or chunks of its sample, once or
// twice), sum their block counts into word counts (no text re-read), and estimate through the
// pipeline core (estimateMixture) warm-started from the point estimate's rows, with the run's
// estimator; or, with `resolve: 'held-rows'`, replay and one LP over the point's held rows (searched
// again when that lands far from the point). Shared by the worker threads and the in-thread path.
import { UserError } from '../common/errors.js';
import type { WordCounts } from '../corpus/types.js';
import type { BlockCounts } from '../count/block-counts.js';
import type { ReplaySpec } from '../bpe/replay.js';
import { estimateMixture } from '../solve/estimate-mixture.js';
import { solveHeldRows, type SolveMixtureOptions } from '../solve/solve-mixture.js';
import { replayCategories } from '../bpe/replay-categories.js';
import type { EstimatorOptions } from '../solve/estimator.js';
import type { WarmRow } from '../solve/lazy-lp.js';
import type { SolverBackend } from '../solve/types.js';
import { createRng, deriveSeed, type Rng } from '../common/random.js';
import { resampleWeights, unitCount, unitsOfBlocks, type IntervalMethod } from './interval-method.js';

/** What every replicate needs: the categories' words and blocks, the merges and the warm start. */
export interface ReplicateInput extends EstimatorOptions {
  categories: { name: string; words: string[]; blocks: BlockCounts }[];
  spec: ReplaySpec;
  steps: number;
  firstStep: number;
  /** The point estimate's normalization (SolveMixtureOptions.normalizeAt). */
  normalizeAt?: SolveMixtureOptions['normalizeAt'];
  /** Steps applied but not attacked (hand-added merges), as in the point estimate. */
  excludedSteps?: Uint8Array;
  backend: SolverBackend;
  warmStart: WarmRow[];
  /** The point estimate's byte shares: a held-rows replicate far from them is searched again. */
  pointByteShare: number[];
  seed: number;
  method: IntervalMethod;
}

/**
 * A held-rows replicate whose byte shares lie further than this (L1) from the point's is solved
 * again by the search. Held rows are the rows binding at the point; far from it others bind, and
 * without them the LP can land on a corner of the simplex (one share 1: 18 of 2,160 held replicates
 * in bench/intervals.ts's trials, all at L1 > 1.9; 27 lay past 0.5, while 99% of searching
 * replicates lay within 0.21).
 */
export const HELD_ROWS_REACH = 0.5;

export interface ReplicateResult {
  pairShare: number[];
  byteShare: number[];
}

/** A category needs at least 2 blocks, or every resample is the sample itself. */
export function checkResamplable(name: string, blocks: BlockCounts | undefined): asserts blocks {
  const count = blocks?.bytes.length ?? 0;
  if (count < 2) {
    throw new UserError(
      `${name}: the category's sample holds ${count} block${count === 1 ? '' : 's'} of text, too few to resample for intervals (at least 2); give it more text or pass --bootstrap 0`,
      name,
    );
  }
}

/** Word counts of one resample of a category's units (see IntervalMethod). */
export function resampleCounts(
  name: string,
  words: readonly string[],
  blocks: BlockCounts,
  method: IntervalMethod,
  rng: Rng,
): WordCounts {
  const nb = blocks.bytes.length;
  const units = unitsOfBlocks(blocks.bytes, method);
  const unitWeight = resampleWeights(unitCount(units), method.draws, rng);
  const counts = new Float64Array(words.length);
  let bytes = 0;
  for (let b = 0; b < nb; b++) {
    const w = unitWeight[units[b]];
    if (w === 0) continue;
    bytes += w * blocks.bytes[b];
    for (let k = blocks.start[b]; k < blocks.start[b + 1]; k++) counts[blocks.word[k]] += w * blocks.count[k];
  }
  const kept: string[] = [];
  const keptCounts: number[] = [];
  let preTokens = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    kept.push(words[i]);
    keptCounts.push(counts[i]);
    preTokens += counts[i];
  }
  return {
    category: { name, kind: 'other' },
    words: kept,
    counts: Float64Array.from(keptCounts),
    stats: {
      bytes,
      characters: 0,
      sequences: 0,
      preTokens,
      distinctPreTokens: kept.length,
      replacedInvalid: 0,
    },
  };
}

/** Replicate r: its own seed, resample, then the pipeline core warm-started from the point's rows. */
export async function runReplicate(input: ReplicateInput, r: number): Promise<ReplicateResult> {
  const rng = createRng(deriveSeed('tokmix-bootstrap', input.seed, r));
  const counts = input.categories.map((c) => resampleCounts(c.name, c.words, c.blocks, input.method, rng));
  const settings = {
    firstStep: input.firstStep,
    normalizeAt: input.normalizeAt,
    excludedSteps: input.excludedSteps,
    backend: input.backend,
    estimator: input.estimator,
    sampledSteps: input.sampledSteps,
    noiseZ: input.noiseZ,
    warmStart: input.warmStart,
  };
  // Held rows need the point's rows (a caller without them, or the likelihood, searches).
  if (
    input.method.resolve === 'held-rows' &&
    input.estimator !== 'likelihood' &&
    input.warmStart.length > 0
  ) {
    const transcripts = await replayCategories(counts, input.spec, input.steps, {});
    const { pairShare, byteShare } = await solveHeldRows(transcripts, {
      ...settings,
      mergeList: input.spec.mergeList,
      names: input.categories.map((c) => c.name),
    });
    let distance = 0;
    byteShare.forEach((share, i) => (distance += Math.abs(share - input.pointByteShare[i])));
    if (distance <= HELD_ROWS_REACH) return { pairShare, byteShare };
  }
  const { estimate } = await estimateMixture(counts, input.spec, input.steps, {
    ...settings,
    uncertainty: false,
    reproducible: true,
  });
  return { pairShare: estimate.pairShare, byteShare: estimate.byteShare };
}
