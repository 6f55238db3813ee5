// BPE encoding of pre-token counts under a merge list: how many tokens a category's sample takes.
// The tokenizer-encoding-efficiency baseline needs only this count, so each distinct pre-token is
// encoded once (integer symbol ids, a rank map keyed by the pair) and weighted by its frequency.
import type { Merge } from '../tokenizer/spec.js';

/** Pair key: symbol ids stay below 2^22, so left * 2^22 + right is an exact integer key. */
const PAIR_BASE = 4194304;

export interface PreTokenCounts {
  words: readonly string[];
  counts: ArrayLike<number>;
}

export class BpeEncoder {
  /** Symbol string -> id: base symbols as met, then one id per merge result. */
  private readonly symbolIds = new Map<string, number>();
  /** Pair key -> merge rank (the merge's index in the merge list). */
  private readonly pairRank = new Map<number, number>();
  /** Symbol id produced by the merge of each rank. */
  private readonly mergeResult: Int32Array;
  private scratch = new Int32Array(64);

  constructor(mergeList: readonly Merge[]) {
    this.mergeResult = new Int32Array(mergeList.length);
    for (let rank = 0; rank < mergeList.length; rank++) {
      const [left, right] = mergeList[rank];
      const key = this.idOf(left) * PAIR_BASE + this.idOf(right);
      // A duplicated merge keeps its earliest rank (the later copy can never fire).
      if (!this.pairRank.has(key)) this.pairRank.set(key, rank);
      this.mergeResult[rank] = this.idOf(left + right);
    }
  }

  private idOf(symbol: string): number {
    let id = this.symbolIds.get(symbol);
    if (id === undefined) {
      id = this.symbolIds.size;
      if (id >= PAIR_BASE) throw new RangeError('BpeEncoder: more than 2^22 distinct symbols');
      this.symbolIds.set(symbol, id);
    }
    return id;
  }

  /** Number of tokens BPE leaves of one pre-token (its symbols are the word's code points). */
  encodedLength(word: string): number {
    if (this.scratch.length < word.length) this.scratch = new Int32Array(word.length * 2);
    const ids = this.scratch;
    let length = 0;
    for (const symbol of word) ids[length++] = this.idOf(symbol);
    while (length > 1) {
      // The lowest-ranked adjacent pair is merged next (HF's priority order).
      let bestRank = -1;
      for (let i = 0; i + 1 < length; i++) {
        const rank = this.pairRank.get(ids[i] * PAIR_BASE + ids[i + 1]);
        if (rank !== undefined && (bestRank < 0 || rank < bestRank)) bestRank = rank;
      }
      if (bestRank < 0) break;
      // Replace its occurrences left to right, without overlaps (as HF's Word::merge).
      const key = this.pairRankKey(bestRank);
      const merged = this.mergeResult[bestRank];
      let out = 0;
      for (let i = 0; i < length; i++) {
        if (i + 1 < length && ids[i] * PAIR_BASE + ids[i + 1] === key) {
          ids[out++] = merged;
          i++;
        } else {
          ids[out++] = ids[i];
        }
      }
      length = out;
    }
    return length;
  }

  private readonly rankKeys: number[] = [];
  private pairRankKey(rank: number): number {
    if (this.rankKeys.length === 0) {
      for (const [key, r] of this.pairRank) this.rankKeys[r] = key;
    }
    return this.rankKeys[rank];
  }

  /** Total tokens of a sample given as distinct pre-tokens with their frequencies. */
  countTokens(sample: PreTokenCounts): number {
    let total = 0;
    for (let w = 0; w < sample.words.length; w++) {
      const count = sample.counts[w];
      if (count > 0) total += count * this.encodedLength(sample.words[w]);
    }
    return total;
  }
}

/** Tokens the merge list's BPE encoding gives a sample of pre-token counts. */
export function countTokens(sample: PreTokenCounts, mergeList: readonly Merge[]): number {
  return new BpeEncoder(mergeList).countTokens(sample);
}
