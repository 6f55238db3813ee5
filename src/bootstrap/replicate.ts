// One bootstrap replicate: resample each category's blocks with replacement, sum their block
// counts into word counts (no text re-read), replay the merges over them and solve the LP warm-
// started from the point estimate's rows. Shared by the worker threads and the in-thread path.
import { UserError } from '../common/errors.js';
import type { WordCounts } from '../corpus/types.js';
import type { BlockCounts } from '../count/block-counts.js';
import type { Transcript } from '../bpe/types.js';
import type { ReplaySpec } from '../bpe/replay.js';
import { replayCategories } from '../bpe/replay-categories.js';
import { solveMixture, type SolveMixtureOptions } from '../solve/solve-mixture.js';
import type { WarmRow } from '../solve/lazy-lp.js';
import type { SolverBackend } from '../solve/types.js';
import { createRng, deriveSeed, type Rng } from '../common/random.js';

/** What every replicate needs: the categories' words and blocks, the merges and the warm start. */
export interface ReplicateInput {
  categories: { name: string; words: string[]; blocks: BlockCounts }[];
  spec: ReplaySpec;
  steps: number;
  firstStep: number;
  /** The point estimate's normalization (SolveMixtureOptions.normalizeAt). */
  normalizeAt?: SolveMixtureOptions['normalizeAt'];
  /** Steps applied but not attacked (hand-added merges), as in the point estimate. */
  excludedSteps?: Uint8Array;
  backend: SolverBackend;
  /** The point estimate's noise-aware rows (SolveMixtureOptions.noiseZ; 0: the paper's). */
  noiseZ?: number;
  warmStart: WarmRow[];
  seed: number;
}

export interface ReplicateResult {
  pairShare: number[];
  byteShare: number[];
}

/** A category needs at least 2 blocks, or every resample is the sample itself. */
export function checkResamplable(name: string, blocks: BlockCounts | undefined): asserts blocks {
  const count = blocks?.bytes.length ?? 0;
  if (count < 2) {
    throw new UserError(
      `${name}: the category's sample holds ${count} block${count === 1 ? '' : 's'} of text, too few to resample for --bootstrap (at least 2); give it more text or drop --bootstrap`,
      name,
    );
  }
}

/** Word counts of one resample: as many blocks as the sample holds, drawn uniformly with replacement. */
export function resampleCounts(
  name: string,
  words: readonly string[],
  blocks: BlockCounts,
  rng: Rng,
): WordCounts {
  const nb = blocks.bytes.length;
  const weight = new Float64Array(nb);
  for (let k = 0; k < nb; k++) weight[rng.int(nb)]++;
  const counts = new Float64Array(words.length);
  let bytes = 0;
  for (let b = 0; b < nb; b++) {
    const w = weight[b];
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

/** Replicate r: its own seed, resample, replay, warm-started solve. */
export async function runReplicate(input: ReplicateInput, r: number): Promise<ReplicateResult> {
  const rng = createRng(deriveSeed('tokmix-bootstrap', input.seed, r));
  const counts = input.categories.map((c) => resampleCounts(c.name, c.words, c.blocks, rng));
  const transcripts = await replayCategories(counts, input.spec, input.steps);
  return solveWarm(transcripts, input, input.warmStart);
}

/** A solve warm-started from `rows`, without the uniqueness probe (only the shares are used). */
export async function solveWarm(
  transcripts: Transcript[],
  input: Pick<
    ReplicateInput,
    'spec' | 'firstStep' | 'normalizeAt' | 'excludedSteps' | 'backend' | 'categories' | 'noiseZ'
  >,
  rows: readonly WarmRow[],
): Promise<ReplicateResult> {
  const estimate = await solveMixture(transcripts, {
    mergeList: input.spec.mergeList,
    firstStep: input.firstStep,
    normalizeAt: input.normalizeAt,
    excludedSteps: input.excludedSteps,
    backend: input.backend,
    names: input.categories.map((c) => c.name),
    uncertainty: false,
    warmStart: rows,
    noiseZ: input.noiseZ,
  });
  return { pairShare: estimate.pairShare, byteShare: estimate.byteShare };
}
