// The transcript: what replaying a merge list over one category records (paper §3) — every pair's
// count before the first merge, then per step the pairs whose count changed. Typed arrays only.

/**
 * Symbols are integer ids in the tokenizer's symbol table: ids below `vocabSize` are the same
 * for every category of one tokenizer (base alphabet first, then one id per merge result);
 * ids from `vocabSize` on are symbols outside the tokenizer's vocabulary (e.g. characters a
 * SentencePiece vocabulary lacks), named in `extraSymbols` (id `vocabSize + k` is `extraSymbols[k]`).
 */
export interface Transcript {
  /** Number of merge steps replayed (T). */
  steps: number;
  vocabSize: number;
  extraSymbols: string[];
  /** The pair table: pair p joins symbol `pairLeft[p]` and symbol `pairRight[p]`. */
  pairLeft: Int32Array;
  pairRight: Int32Array;
  /** Count of each pair before merge 0 (index = pair p; pairs first seen later start at 0). */
  initialCounts: Float64Array;
  /**
   * Changes: step t's merge changed the pairs `changePair[k]` to counts `changeCount[k]` for
   * k in [stepOffsets[t], stepOffsets[t+1]). So the count of p before step t is its initial
   * count updated by every change of steps < t.
   */
  stepOffsets: Uint32Array;
  changePair: Uint32Array;
  changeCount: Float64Array;
  /** Pair index of merge t in this category's table, or -1 when its pair never occurs (an absent step). */
  mergePair: Int32Array;
  totals: {
    /** Total pair count before merge 0 (the LP's normalizer). */
    pairs: number;
    bytes: number;
    /** Steps whose merge pair never occurs in this category. */
    absentSteps: number;
  };
}
