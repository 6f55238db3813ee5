// The BPE engine's public API: replay (transcripts), training (ours and the native package's).
export type { Transcript } from './types.js';
export { replay, checkSteps, type ReplaySpec } from './replay.js';
export { replayCategories, mergePrefixHash, wordCountsHash } from './replay-categories.js';
export { encodeTranscript, decodeTranscript, transcriptByteSize } from './transcript-codec.js';
export { buildSymbolTable, type SymbolTable } from './symbol-table.js';
export { TranscriptCursor, countsAtStep, pairSymbols } from './transcript-cursor.js';
export {
  trainBpe,
  trainBpeRun,
  sumWordCounts,
  NATIVE_VOCAB_SIZE,
  type TrainOptions,
  type TrainRun,
} from './train.js';
export { trainNative, trainNativeRun, parseHfMerges, type NativeTextSpec } from './native-train.js';
