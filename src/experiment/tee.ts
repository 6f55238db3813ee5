// The tokenizer-encoding-efficiency baseline (TEE): a category the mixture tokenizer was trained on
// more heavily is encoded in fewer tokens. Each category's tokens under the mixture tokenizer are
// compared with those under a tokenizer of the same size trained on that category alone.
import type { Merge } from '../tokenizer/spec.js';
import type { WordCounts } from '../corpus/types.js';
import { BpeEncoder } from '../bpe/encode.js';
import { normalizeShares } from './metrics.js';

export interface TeeEstimate {
  shares: number[];
  /** Tokens each category's sample takes under the mixture tokenizer. */
  mixtureTokens: number[];
  /** Tokens each category's sample takes under its own single-category tokenizer. */
  singleTokens: number[];
}

/**
 * Relative efficiency e_i = (bytes_i / mixtureTokens_i) / (bytes_i / singleTokens_i)
 * = singleTokens_i / mixtureTokens_i (1 when the mixture tokenizer encodes category i as well
 * as a tokenizer trained on it alone), normalized over categories into shares.
 */
export function teeShares(mixtureTokens: readonly number[], singleTokens: readonly number[]): number[] {
  return normalizeShares(mixtureTokens.map((m, i) => (m > 0 ? singleTokens[i] / m : 0)));
}

/** TEE over category samples; `trainSingle` trains a tokenizer (same number of merges) on one category. */
export function teeBaseline(
  samples: readonly WordCounts[],
  mixtureMerges: readonly Merge[],
  trainSingle: (sample: WordCounts) => readonly Merge[],
): TeeEstimate {
  const mixtureEncoder = new BpeEncoder(mixtureMerges);
  const mixtureTokens = samples.map((s) => mixtureEncoder.countTokens(s));
  const singleTokens = samples.map((s) => new BpeEncoder(trainSingle(s)).countTokens(s));
  return { shares: teeShares(mixtureTokens, singleTokens), mixtureTokens, singleTokens };
}
