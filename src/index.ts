// The tokmix library: every stage of the pipeline, usable without the CLI.
export * from './common/errors.js';
export * from './common/cache.js';
export * from './common/hash.js';
export * from './common/atomic.js';
export * from './common/progress.js';
export * from './common/version.js';
export * from './common/deadline.js';
export * from './bpe/index.js';
export * from './corpus/index.js';
export * from './count/index.js';
export * from './report/index.js';
export * from './tokenizer/index.js';
export * from './experiment/index.js';
export * from './solve/index.js';
export * from './infer.js';
export {
  resolveMergeRange,
  planMergeRange,
  lineageLine,
  parseSkipMerges,
  checkSkipMerges,
  DEFAULT_SKIP,
  type MergeRange,
  type ExcludedMerges,
  type SkipMerges,
} from './merge-range.js';
export { parseByteSize, formatBytes } from './cli/byte-size.js';
