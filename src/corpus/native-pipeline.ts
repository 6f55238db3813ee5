// A TextPipeline backed by the native Hugging Face `tokenizers` package: the ground truth that
// tests and benchmarks compare tokmix's own pipeline against (slower per call, exact by definition).
import { createRequire } from 'node:module';
import type { TextPipeline, TokenizerSpec } from '../tokenizer/spec.js';
import { hashKey } from '../common/hash.js';

type NativeTokenizers = typeof import('tokenizers');

const require = createRequire(import.meta.url);

export type TextSpec = Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;

/** A minimal tokenizer.json holding just the text side of a spec (an empty BPE model). */
export function textOnlyTokenizerJson(text: TextSpec): string {
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: text.normalizer,
    pre_tokenizer: text.preTokenizer,
    post_processor: null,
    decoder: null,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: {},
      merges: [],
    },
  });
}

export function createNativePipeline(text: TextSpec): TextPipeline {
  const native = require('tokenizers') as NativeTokenizers;
  const tokenizer = native.Tokenizer.fromString(textOnlyTokenizerJson(text));
  const normalizer = tokenizer.getNormalizer();
  const preTokenizer = tokenizer.getPreTokenizer();
  return {
    alphabet: text.alphabet,
    normalize: (sequence) => (normalizer ? normalizer.normalizeString(sequence) : sequence),
    preTokenize: (normalized) =>
      preTokenizer ? preTokenizer.preTokenizeString(normalized).map(([piece]) => piece) : [normalized],
    key: `native:${hashKey({ alphabet: text.alphabet, normalizer: text.normalizer, preTokenizer: text.preTokenizer })}`,
  };
}

/** The same, under the name the counting workers look for in a pipeline module. */
export const createPipeline = createNativePipeline;
