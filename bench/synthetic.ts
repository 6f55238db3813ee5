// Synthetic languages for the solver benches: Zipfian lexicons over distinct alphabets, drawn with
// a seed, as the category counts a tokenizer is trained on or estimated with.
import type { WordCounts } from '../src/corpus/types.js';
import { rng } from './rng.js';
import { trainBpe } from '../src/bpe/index.js';
import { replayCategories } from '../src/bpe/replay-categories.js';
import type { Transcript } from '../src/bpe/types.js';
import type { SolveMixtureOptions } from '../src/solve/solve-mixture.js';
import type { Merge } from '../src/tokenizer/spec.js';

export interface SyntheticProblem {
  transcripts: Transcript[];
  mergeList: readonly Merge[];
  /** Each language's weight in the training mixture (its counts were multiplied by it). */
  truth: number[];
  options: Partial<SolveMixtureOptions>;
}

/** Category i: a 2,000-word Zipfian lexicon over 24 letters of its own Unicode block. */
export function language(i: number, tokens: number, drawSeed: number, weight = 1): WordCounts {
  const base = 0x100 + i * 0x40;
  const lexRandom = rng(1000 + i);
  const lexicon: string[] = [];
  for (let w = 0; w < 2000; w++) {
    let word = '\u0120';
    const length = 2 + Math.floor(lexRandom() * 8);
    for (let k = 0; k < length; k++) word += String.fromCodePoint(base + Math.floor(lexRandom() ** 2 * 24));
    lexicon.push(word);
  }
  const cumulative: number[] = [];
  let total = 0;
  for (let w = 0; w < lexicon.length; w++) cumulative.push((total += 1 / (w + 1)));
  const draw = rng(drawSeed);
  const counts = new Map<string, number>();
  for (let k = 0; k < tokens; k++) {
    const u = draw() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    counts.set(lexicon[lo], (counts.get(lexicon[lo]) ?? 0) + weight);
  }
  const words = [...counts.keys()];
  const bytes = words.reduce((s, w) => s + Buffer.byteLength(w) * counts.get(w)!, 0);
  return {
    category: { name: `lang${i}`, kind: 'language' },
    words,
    counts: Float64Array.from(words, (w) => counts.get(w)!),
    stats: {
      bytes,
      characters: 0,
      sequences: 0,
      preTokens: tokens,
      distinctPreTokens: words.length,
      replacedInvalid: 0,
    },
  };
}

/**
 * The benches' held-out problem (as bench/scale.ts builds it): a tokenizer trained by trainBpe on
 * n languages weighted 1..5 in turn, replayed over held-out samples of each.
 */
export async function syntheticProblem(n: number, T: number): Promise<SyntheticProblem> {
  const tokens = 60000;
  const weights = Array.from({ length: n }, (_, i) => 1 + (i % 5));
  const mergeList = trainBpe(
    weights.map((w, i) => language(i, tokens, 1 + i, w)),
    T,
  );
  const heldOut = weights.map((_, i) => language(i, tokens, 5000 + i));
  const transcripts = await replayCategories(
    heldOut,
    { alphabet: 'byte-level', mergeList },
    Math.min(T, mergeList.length),
  );
  return { transcripts, mergeList, truth: weights, options: {} };
}
