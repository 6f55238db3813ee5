// Our BPE trainer: the replay engine with argmax instead of a given merge, reproducing Hugging
// Face's BpeTrainer merge for merge — its ids, tie-break, lazy heap and even its count quirks.
import type { WordCounts } from '../corpus/types.js';
import type { Merge } from '../tokenizer/spec.js';
import type { ProgressCallback } from '../common/progress.js';
import { UserError } from '../common/errors.js';
import { BpeEngine, type WordStore } from './engine.js';
import { buildWordStore } from './word-store.js';
import { TrainHeap } from './train-heap.js';

/** The native package's default BpeTrainer vocabulary size (`Tokenizer.train(files)`). */
export const NATIVE_VOCAB_SIZE = 30000;

export interface TrainOptions {
  onProgress?: ProgressCallback;
  /**
   * Run Hugging Face's loop until the vocabulary (alphabet + merge results) reaches this size, as
   * the native trainer does, then keep the first `numMerges` merges of its written list. Without
   * it the run stops after `numMerges` merges (same merges unless a pair is merged twice later).
   */
  vocabSize?: number;
  /**
   * Continued training (how a tokenizer is extended): these merges are applied first, each in
   * every word that holds its pair, and `numMerges` more are then learned greedily on the text as
   * they left it. The returned list is these merges followed by the learned ones.
   */
  initialMerges?: readonly Merge[];
}

/** Result of a training run, with the facts a caller may report. */
export interface TrainRun {
  mergeList: Merge[];
  /** The initial alphabet (characters sorted by code point, Hugging Face's ids 0..n-1). */
  alphabet: string[];
  /** Merge steps performed, counting a pair merged twice twice (Hugging Face keeps the last). */
  rawMerges: number;
  /** True when the run ran out of pairs before reaching its target. */
  exhausted: boolean;
  /** Each learned merge's count when it was made (parallel to the learned part of mergeList). */
  mergeCounts: number[];
}

/** Sums the counts of several categories word by word (Hugging Face's word counts). */
export function sumWordCounts(counts: WordCounts[]): { words: string[]; counts: Float64Array }[] {
  if (counts.length === 1) return [{ words: counts[0].words, counts: counts[0].counts }];
  const total = new Map<string, number>();
  for (const c of counts) {
    for (let k = 0; k < c.words.length; k++) {
      const w = c.words[k];
      total.set(w, (total.get(w) ?? 0) + c.counts[k]);
    }
  }
  return [{ words: [...total.keys()], counts: Float64Array.from(total.values()) }];
}

/**
 * Trains BPE on the summed counts of `counts` and returns the merge list, equal to what Hugging
 * Face's BpeTrainer writes for the same pre-tokens (min_frequency 0, no special tokens).
 */
export function trainBpe(counts: WordCounts[], numMerges: number, options: TrainOptions = {}): Merge[] {
  return trainBpeRun(counts, numMerges, options).mergeList;
}

/** A pair of token ids as one number (ids stay below 2^22). */
const pairKey = (left: number, right: number): number => left * 4194304 + right;

/**
 * Applies `merges` in order to every word that holds each pair (in place in `words`); returns the
 * keys (pairKey) of those whose parts occur, so the learned list can skip them.
 */
function applyInitialMerges(
  words: WordStore,
  merges: readonly Merge[],
  tokenIds: ReadonlyMap<string, number>,
  tokenId: (token: string) => number,
): Set<number> {
  const keys = new Set<number>();
  if (merges.length === 0) return keys;
  const engine = new BpeEngine(words, { trueCounts: true, chainChunks: true });
  engine.countInitialPairs();
  for (const [a, b] of merges) {
    const left = tokenIds.get(a);
    const right = tokenIds.get(b);
    const result = tokenId(a + b);
    // A part this text never produces: the merge has no occurrence here.
    if (left === undefined || right === undefined) continue;
    keys.add(pairKey(left, right));
    const p = engine.pairs.get(left, right);
    if (p < 0 || !(engine.pairCount[p] > 0)) continue;
    engine.beginStep();
    engine.mergePairEverywhere(p, left, right, result);
    engine.endStep(false);
  }
  return keys;
}

export function trainBpeRun(counts: WordCounts[], numMerges: number, options: TrainOptions = {}): TrainRun {
  if (!Number.isInteger(numMerges) || numMerges < 0) {
    throw new UserError(`--merges ${numMerges}: expected a whole number of merges, 0 or more`);
  }
  const initialMerges = options.initialMerges ?? [];
  if (initialMerges.length > 0 && options.vocabSize !== undefined) {
    throw new Error('trainBpeRun: initialMerges and vocabSize cannot be combined');
  }
  const sources = sumWordCounts(counts);

  // Alphabet: every character seen, sorted by code point (Hugging Face's compute_alphabet).
  const seenBmp = new Uint8Array(0x10000);
  const seen = new Set<number>();
  for (const { words, counts: weights } of sources) {
    for (let k = 0; k < words.length; k++) {
      if (!(weights[k] > 0)) continue;
      const word = words[k];
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i);
        if (code < 0xd800 || code > 0xdfff) {
          seenBmp[code] = 1;
          continue;
        }
        const cp = word.codePointAt(i)!;
        seen.add(cp);
        if (cp > 0xffff) i++;
      }
    }
  }
  for (let code = 0; code < 0x10000; code++) if (seenBmp[code]) seen.add(code);
  const alphabet = [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
  const tokens: string[] = [...alphabet];
  const tokenIds = new Map<string, number>();
  alphabet.forEach((symbol, id) => tokenIds.set(symbol, id));

  const words = buildWordStore(sources, (char) => tokenIds.get(char)!);
  const tokenId = (token: string): number => {
    let id = tokenIds.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      tokenIds.set(token, id);
    }
    return id;
  };
  const initialKeys = applyInitialMerges(words, initialMerges, tokenIds, tokenId);
  // Trained from the words as the initial merges left them: one chunk per pair, as at step 0.
  const engine = new BpeEngine(words, { trueCounts: false, chainChunks: false });
  engine.countInitialPairs();
  const heap = new TrainHeap();
  const pairLeft = (): Int32Array => engine.pairs.left;
  const pairRight = (): Int32Array => engine.pairs.right;
  for (let c = 0; c < engine.numChunks; c++) {
    const p = engine.chunkPair[c];
    if (engine.pairCount[p] > 0) heap.push(engine.pairCount[p], pairLeft()[p], pairRight()[p], c);
  }

  const vocabTarget = options.vocabSize;
  const rawLeft: number[] = [];
  const rawRight: number[] = [];
  const rawCount: number[] = [];
  const report = options.onProgress;
  const every = Math.max(1, Math.floor(numMerges / 100));
  let exhausted = false;
  for (;;) {
    if (vocabTarget !== undefined ? tokens.length >= vocabTarget : rawLeft.length >= numMerges) break;
    if (heap.size === 0) {
      exhausted = true;
      break;
    }
    const c = heap.chunk[0];
    const stale = heap.count[0];
    const p = engine.chunkPair[c];
    const current = engine.pairCount[p];
    heap.pop();
    if (stale !== current) {
      heap.push(current, pairLeft()[p], pairRight()[p], c);
      continue;
    }
    if (current < 1) {
      exhausted = true;
      break;
    }
    const left = pairLeft()[p];
    const right = pairRight()[p];
    const result = tokenId(tokens[left] + tokens[right]);
    rawLeft.push(left);
    rawRight.push(right);
    rawCount.push(current);
    engine.beginStep();
    engine.mergeChunk(c, left, right, result);
    const [first, end] = engine.endStep(true);
    for (let k = first; k < end; k++) {
      const q = engine.chunkPair[k];
      heap.push(engine.pairCount[q], pairLeft()[q], pairRight()[q], k);
    }
    if (report && rawLeft.length % every === 0) {
      report({ stage: 'train', done: Math.min(rawLeft.length, numMerges), total: numMerges, unit: 'merges' });
    }
  }

  // Hugging Face stores merges in a map keyed by pair: a pair merged twice keeps its last rank.
  const lastRank = new Map<number, number>();
  const key = (t: number): number => pairKey(rawLeft[t], rawRight[t]);
  for (let t = 0; t < rawLeft.length; t++) lastRank.set(key(t), t);
  const mergeList: Merge[] = [...initialMerges];
  const learned = (): number => mergeList.length - initialMerges.length;
  const mergeCounts: number[] = [];
  for (let t = 0; t < rawLeft.length && learned() < numMerges; t++) {
    if (lastRank.get(key(t)) === t && !initialKeys.has(key(t))) {
      mergeList.push([tokens[rawLeft[t]], tokens[rawRight[t]]]);
      mergeCounts.push(rawCount[t]);
    }
  }
  report?.({ stage: 'train', done: numMerges, total: numMerges, unit: 'merges' });
  return { mergeList, alphabet, rawMerges: rawLeft.length, exhausted, mergeCounts };
}
