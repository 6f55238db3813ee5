// A TextPipeline backed by the native Hugging Face `tokenizers` package: the ground truth that
// tests and benchmarks compare tokmix's own pipeline against (slower per call, exact by definition).
// Counting workers load it by URL (NATIVE_PIPELINE_MODULE) as they load tokmix's own pipeline.
import { createRequire } from 'node:module';
import type { TextPipeline, TokenizerSpec } from '../../src/tokenizer/spec.js';
import { hashKey } from '../../src/common/hash.js';
import { textOnlyTokenizerJson } from '../../src/tokenizer/formats/hf-json.js';

type NativeTokenizers = typeof import('tokenizers');

const require = createRequire(import.meta.url);

export type TextSpec = Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;

/** This module's URL, for countCategories' `pipelineModule` option. */
export const NATIVE_PIPELINE_MODULE = import.meta.url;

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
