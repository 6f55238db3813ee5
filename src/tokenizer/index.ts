// The tokenizer layer's public API: loading every released BPE tokenizer format into one
// TokenizerSpec, and compiling its text pipeline (normalizer + pre-tokenizer) exactly.
export type { Alphabet, HfComponent, Merge, TextPipeline, TokenizerFormat, TokenizerSpec } from './spec.js';
export { createPipeline, type PipelineText } from './pipeline.js';
export {
  preTokenizerPreset,
  parsePreTokenizerPreset,
  PRE_TOKENIZER_PRESETS,
  CL100K_PATTERN,
  O200K_PATTERN,
  SENTENCEPIECE_PUNCTUATION_PATTERN,
  type PreTokenizerPreset,
} from './presets.js';
export { loadTokenizer, builtinNames, type LoadTokenizerOptions } from './load.js';
export { BUILTIN_TOKENIZERS, findBuiltin, builtinOf, type BuiltinTokenizer } from './builtins.js';
export {
  BYTE_TO_SYMBOL,
  symbolToByte,
  byteLevelAlphabet,
  bytesToByteLevel,
  textToByteLevel,
  byteLevelToBytes,
  byteLevelToText,
  isByteLevelString,
} from './byte-level.js';
export { GPT2_PATTERN } from './pre-tokenizers.js';
export { translateRegex, compileRegex } from './regex.js';
export { mergesFromRanks, type RankDerivation } from './merges-from-ranks.js';
export { cleanSentencePieceMerges } from './sentencepiece.js';
export { toTokenizerJson, toMergesTxt } from './export.js';
export {
  summarizeTokenizer,
  describeComponent,
  listBuiltinTokenizers,
  type TokenizerSummary,
  type BuiltinTokenizerInfo,
} from './summary.js';
export {
  detectHandAddedMerges,
  describeHandAdded,
  whitespaceRunSymbol,
  type HandAddedMerges,
  type HandAddedBlock,
  type HandAddedRule,
} from './hand-added.js';
export { tokenizerLineage, findLineage, sharedPrefix, mergeKeys, type Lineage } from './lineage.js';
export { tokenizerName } from './naming.js';
