// The ground truth for differential tests: the native Hugging Face `tokenizers` package configured
// with the same normalizer and pre-tokenizer (a tokenizer.json with an empty BPE model).
import tokenizers from 'tokenizers';
import type { HfComponent } from '../../src/tokenizer/spec.js';
import { textOnlyTokenizerJson } from '../../src/tokenizer/formats/hf-json.js';

export interface NativePipeline {
  normalize(text: string): string;
  preTokenize(text: string): string[];
}

export function nativePipeline(
  normalizer: HfComponent | null,
  preTokenizer: HfComponent | null,
): NativePipeline {
  const tokenizer = tokenizers.Tokenizer.fromString(
    textOnlyTokenizerJson({ alphabet: 'byte-level', normalizer, preTokenizer }),
  );
  const native = tokenizer.getNormalizer();
  const pre = tokenizer.getPreTokenizer();
  return {
    normalize: (text) => (native ? native.normalizeString(text) : text),
    preTokenize: (text) => (pre ? pre.preTokenizeString(text).map(([piece]) => piece) : [text]),
  };
}

/** Where two pre-token lists first differ, with context, or null when equal. */
export function firstDifference(ours: string[], theirs: string[]): string | null {
  const n = Math.max(ours.length, theirs.length);
  for (let k = 0; k < n; k++) {
    if (ours[k] !== theirs[k]) {
      const show = (list: string[]): string => JSON.stringify(list.slice(Math.max(0, k - 3), k + 4));
      return `pre-token ${k} of ${ours.length} (native ${theirs.length}): ours ${show(ours)} native ${show(theirs)}`;
    }
  }
  return null;
}
