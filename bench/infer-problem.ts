// The LP problem `infer` builds for a built-in tokenizer on a category set at T merges (counts and
// transcripts from the cache after the first run), for benches that compare solvers on it.
import { replayCategories } from '../src/bpe/replay-categories.js';
import type { Transcript } from '../src/bpe/types.js';
import { Cache } from '../src/common/cache.js';
import { countCategories } from '../src/count/count.js';
import { resolveCategories } from '../src/corpus/index.js';
import { DEFAULT_BYTES_PER_CATEGORY, planInfer } from '../src/infer.js';
import type { SolveMixtureOptions } from '../src/solve/solve-mixture.js';
import type { Merge } from '../src/tokenizer/spec.js';

export interface InferProblem {
  transcripts: Transcript[];
  mergeList: readonly Merge[];
  /** The merge range's options for solveMixture (firstStep, excludedSteps). */
  options: Pick<SolveMixtureOptions, 'firstStep' | 'excludedSteps'>;
}

export async function inferProblem(tokenizer: string, T: number, set: string): Promise<InferProblem> {
  const plan = await planInfer(tokenizer, { merges: T, categories: set });
  const cache = new Cache(plan.cacheDir);
  const categories = await resolveCategories(plan.categorySet, { cacheDir: plan.cacheDir });
  const counts = await countCategories(categories, plan.tokenizer, {
    bytes: DEFAULT_BYTES_PER_CATEGORY,
    cache,
  });
  const { skip, steps, excluded } = plan.range;
  const transcripts = await replayCategories(counts, plan.tokenizer, steps, { cache });
  return {
    transcripts,
    mergeList: plan.tokenizer.mergeList,
    options: { firstStep: skip, ...(excluded ? { excludedSteps: excluded.mask } : {}) },
  };
}
