// Writing a spec back out: a Hugging Face tokenizer.json (BPE model, vocab, merges, normalizer,
// pre-tokenizer) that the native `tokenizers` package loads, or a merges.txt of the merge list.
import type { TokenizerSpec } from './spec.js';
import { toTokenizerJsonText } from './formats/hf-json.js';
import { toMergesTxtText } from './formats/merges-txt.js';

/** The spec as a tokenizer.json text; loadTokenizer reads it back to the same merges and pipeline. */
export function toTokenizerJson(spec: TokenizerSpec): string {
  return toTokenizerJsonText(spec);
}

/** The merge list as merges.txt text (`#version: 0.2`, then one `left right` per line, in order). */
export function toMergesTxt(spec: TokenizerSpec): string {
  return toMergesTxtText(spec.mergeList, spec.name);
}
