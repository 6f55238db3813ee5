// Named pre-tokenizer presets for merge lists that carry none (merges.txt, tiktoken ranks): the
// pipelines of GPT-2, cl100k, o200k, the paper's controlled setting and its SentencePiece approximations
// (one per family: Llama/Mistral with a dummy prefix, Gemma without one and with whitespace runs).
import { UserError } from '../common/errors.js';
import type { HfComponent } from './spec.js';
import type { PipelineText } from './pipeline.js';

export type PreTokenizerPreset =
  'gpt2' | 'digits+gpt2' | 'cl100k' | 'o200k' | 'sentencepiece' | 'sentencepiece-gemma';

export const PRE_TOKENIZER_PRESETS: readonly PreTokenizerPreset[] = [
  'gpt2',
  'digits+gpt2',
  'cl100k',
  'o200k',
  'sentencepiece',
  'sentencepiece-gemma',
];

/** tiktoken's cl100k_base pattern, as OpenAI publishes it (with its inline case-insensitive group). */
export const CL100K_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** tiktoken's o200k_base pattern. */
export const O200K_PATTERN = [
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  '\\p{N}{1,3}',
  ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
  '\\s*[\\r\\n]+',
  '\\s+(?!\\S)',
  '\\s+',
].join('|');

/** The paper's approximation of SentencePiece's pre-tokenization (Llama, Mistral). */
export const SENTENCEPIECE_PUNCTUATION_PATTERN = ' ?[^\\s\\p{L}\\p{N}]+\\r*';

/**
 * Gemma's words (no dummy prefix, whitespace-only pieces allowed): a word with at most one space
 * before it; a run of spaces before a word less its last space; runs of \n, of \t, of spaces.
 */
export const SENTENCEPIECE_GEMMA_WORD_PATTERN = ' ?[^\\s]+| +(?= [^\\s])|\\n+|\\t+| +|\\s';

const byteLevel = (useRegex: boolean): HfComponent => ({
  type: 'ByteLevel',
  add_prefix_space: false,
  trim_offsets: true,
  use_regex: useRegex,
});

const regexSplit = (pattern: string): HfComponent => ({
  type: 'Split',
  pattern: { Regex: pattern },
  behavior: 'Isolated',
  invert: false,
});

/** The paper's SentencePiece approximation: punctuation runs and single digits apart, then the
 *  family's whitespace steps and its Metaspace. */
function sentencePiece(whitespace: HfComponent[], metaspace: object): PipelineText {
  return {
    alphabet: 'characters',
    normalizer: null,
    preTokenizer: {
      type: 'Sequence',
      pretokenizers: [
        regexSplit(SENTENCEPIECE_PUNCTUATION_PATTERN),
        { type: 'Digits', individual_digits: true },
        ...whitespace,
        { type: 'Metaspace', replacement: '\u2581', ...metaspace },
      ],
    },
  };
}

/** The normalizer, pre-tokenizer and alphabet of a preset, as plain JSON. */
export function preTokenizerPreset(name: PreTokenizerPreset): PipelineText {
  switch (name) {
    case 'gpt2':
      return { alphabet: 'byte-level', normalizer: null, preTokenizer: byteLevel(true) };
    case 'digits+gpt2':
      return {
        alphabet: 'byte-level',
        normalizer: null,
        preTokenizer: {
          type: 'Sequence',
          pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(true)],
        },
      };
    case 'cl100k':
      return {
        alphabet: 'byte-level',
        normalizer: null,
        preTokenizer: { type: 'Sequence', pretokenizers: [regexSplit(CL100K_PATTERN), byteLevel(false)] },
      };
    case 'o200k':
      return {
        alphabet: 'byte-level',
        normalizer: null,
        preTokenizer: { type: 'Sequence', pretokenizers: [regexSplit(O200K_PATTERN), byteLevel(false)] },
      };
    case 'sentencepiece':
      // Llama, Mistral: dummy prefix before the first word; \n and \t never merged.
      return sentencePiece(
        [
          { type: 'Split', pattern: { String: '\n' }, behavior: 'Isolated', invert: false },
          { type: 'Split', pattern: { String: '\t' }, behavior: 'Isolated', invert: false },
        ],
        { prepend_scheme: 'first', split: true },
      );
    case 'sentencepiece-gemma':
      // Gemma: no dummy prefix; runs of whitespace are pieces of its vocabulary.
      return sentencePiece([regexSplit(SENTENCEPIECE_GEMMA_WORD_PATTERN)], {
        prepend_scheme: 'never',
        split: false,
      });
    default:
      throw new UserError(
        `pre-tokenizer preset ${JSON.stringify(name)} is unknown; use one of ${PRE_TOKENIZER_PRESETS.join(', ')}`,
      );
  }
}

/** Checks a user-typed preset name. */
export function parsePreTokenizerPreset(value: string): PreTokenizerPreset {
  if ((PRE_TOKENIZER_PRESETS as readonly string[]).includes(value)) return value as PreTokenizerPreset;
  throw new UserError(
    `--pretokenizer ${value}: unknown preset; use one of ${PRE_TOKENIZER_PRESETS.join(', ')}`,
  );
}
