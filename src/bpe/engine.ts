// The incremental pair-count engine shared by replay and training: words as integer symbol
// sequences with weights, pair counts in typed arrays, and per pair the words that hold it
// (occurrence chunks), so a merge touches only the words that contain its pair.
import { grow } from '../common/grow.js';
import { PairTable } from './pair-table.js';

/** Words in flat form: word w is `symbols[start[w] .. start[w] + length[w])`, weighted by `weight[w]`. */
export interface WordStore {
  symbols: Int32Array;
  start: Int32Array;
  length: Int32Array;
  weight: Float64Array;
}

/**
 * Occurrence chunks: chunk c lists the words `pool[chunkStart[c] .. + chunkLength[c])` that gained
 * pair `chunkPair[c]` at one step (or at step 0). A chunk is Hugging Face's heap entry `pos` set;
 * replay chains a pair's chunks through `chunkNext`.
 */
export class BpeEngine {
  readonly words: WordStore;
  readonly numWords: number;
  readonly pairs: PairTable;
  pairCount: Float64Array;
  /** Replay: first and last chunk of each pair's chain (-1 when none). */
  pairHead: Int32Array;
  pairTail: Int32Array;

  chunkPair: Int32Array;
  chunkStart: Int32Array;
  chunkLength: Int32Array;
  chunkNext: Int32Array;
  numChunks = 0;
  pool: Int32Array;
  poolSize = 0;

  /** When true, the merged pair's own occurrences are subtracted (true counts, for replay);
   *  when false, only neighbour changes are applied, exactly as Hugging Face's trainer does. */
  readonly trueCounts: boolean;
  /** Replay keeps chains per pair; training keeps chunks only as heap entries. */
  readonly chainChunks: boolean;

  // Per-step scratch.
  private step = 0;
  private touchedStamp: Int32Array;
  private oldCount: Float64Array;
  touched: Int32Array;
  numTouched = 0;
  private pendingStamp: Int32Array;
  private pendingLastWord: Int32Array;
  private pendingPair: Int32Array;
  private pendingWord: Int32Array;
  private numPending = 0;
  private wordStamp: Int32Array;
  /** The pair being merged (its own occurrences are subtracted at once per word with trueCounts). */
  private mergingPair = -1;

  constructor(words: WordStore, options: { trueCounts: boolean; chainChunks: boolean }) {
    this.words = words;
    this.numWords = words.start.length;
    this.trueCounts = options.trueCounts;
    this.chainChunks = options.chainChunks;
    const symbolsTotal = words.symbols.length;
    this.pairs = new PairTable(Math.max(1024, symbolsTotal >> 3));
    const cap = this.pairs.left.length;
    this.pairCount = new Float64Array(cap);
    this.pairHead = new Int32Array(cap).fill(-1);
    this.pairTail = new Int32Array(cap).fill(-1);
    this.touchedStamp = new Int32Array(cap);
    this.oldCount = new Float64Array(cap);
    this.pendingStamp = new Int32Array(cap);
    this.pendingLastWord = new Int32Array(cap);
    this.touched = new Int32Array(1024);
    this.pendingPair = new Int32Array(1024);
    this.pendingWord = new Int32Array(1024);
    this.wordStamp = new Int32Array(this.numWords);
    this.chunkPair = new Int32Array(1024);
    this.chunkStart = new Int32Array(1024);
    this.chunkLength = new Int32Array(1024);
    this.chunkNext = new Int32Array(1024);
    this.pool = new Int32Array(Math.max(1024, symbolsTotal));
  }

  private ensurePairCapacity(): void {
    const needed = this.pairs.size;
    if (needed <= this.pairCount.length) return;
    const n = this.pairs.left.length;
    this.pairCount = grow(this.pairCount, n);
    const oldLen = this.pairHead.length;
    this.pairHead = grow(this.pairHead, n);
    this.pairHead.fill(-1, oldLen);
    this.pairTail = grow(this.pairTail, n);
    this.pairTail.fill(-1, oldLen);
    this.touchedStamp = grow(this.touchedStamp, n);
    this.oldCount = grow(this.oldCount, n);
    this.pendingStamp = grow(this.pendingStamp, n);
    this.pendingLastWord = grow(this.pendingLastWord, n);
  }

  /** Counts every adjacent pair (overlaps included) and makes one chunk per pair of the words holding it. */
  countInitialPairs(): void {
    const { symbols, start, length, weight } = this.words;
    const pairs = this.pairs;
    const pairAt = new Int32Array(symbols.length);
    let lastWord = new Int32Array(this.pairCount.length).fill(-1);
    let distinctWords = new Int32Array(this.pairCount.length);
    for (let w = 0; w < this.numWords; w++) {
      const s = start[w];
      const end = s + length[w] - 1;
      const wt = weight[w];
      for (let i = s; i < end; i++) {
        const p = pairs.intern(symbols[i], symbols[i + 1]);
        if (p >= this.pairCount.length) {
          this.ensurePairCapacity();
          lastWord = grow(lastWord, this.pairCount.length);
          distinctWords = grow(distinctWords, this.pairCount.length);
          lastWord.fill(-1, p);
        }
        pairAt[i] = p;
        this.pairCount[p] += wt;
        if (lastWord[p] !== w) {
          lastWord[p] = w;
          distinctWords[p]++;
        }
      }
    }
    const numPairs = pairs.size;
    this.ensureChunkCapacity(numPairs);
    let offset = 0;
    for (let p = 0; p < numPairs; p++) {
      this.chunkPair[p] = p;
      this.chunkStart[p] = offset;
      this.chunkLength[p] = 0;
      this.chunkNext[p] = -1;
      this.pairHead[p] = p;
      this.pairTail[p] = p;
      offset += distinctWords[p];
    }
    this.numChunks = numPairs;
    if (offset > this.pool.length) this.pool = grow(this.pool, offset);
    this.poolSize = offset;
    lastWord.fill(-1);
    for (let w = 0; w < this.numWords; w++) {
      const s = start[w];
      const end = s + length[w] - 1;
      for (let i = s; i < end; i++) {
        const p = pairAt[i];
        if (lastWord[p] !== w) {
          lastWord[p] = w;
          this.pool[this.chunkStart[p] + this.chunkLength[p]++] = w;
        }
      }
    }
  }

  private ensureChunkCapacity(needed: number): void {
    if (needed <= this.chunkPair.length) return;
    this.chunkPair = grow(this.chunkPair, needed);
    this.chunkStart = grow(this.chunkStart, needed);
    this.chunkLength = grow(this.chunkLength, needed);
    this.chunkNext = grow(this.chunkNext, needed);
  }

  /** Starts a merge step: clears the per-step scratch. */
  beginStep(): void {
    this.step++;
    this.numTouched = 0;
    this.numPending = 0;
  }

  /** Old count of a pair touched in this step (its count before the step). */
  countBeforeStep(p: number): number {
    return this.oldCount[p];
  }

  private touch(p: number): void {
    if (this.touchedStamp[p] !== this.step) {
      this.touchedStamp[p] = this.step;
      this.oldCount[p] = this.pairCount[p];
      if (this.numTouched >= this.touched.length) this.touched = grow(this.touched, this.numTouched + 1);
      this.touched[this.numTouched++] = p;
    }
  }

  private decrement(a: number, b: number, wt: number): void {
    const p = this.pairs.get(a, b);
    this.touch(p);
    this.pairCount[p] -= wt;
  }

  private increment(a: number, b: number, wt: number, w: number): void {
    const p = this.pairs.intern(a, b);
    if (p >= this.pairCount.length) this.ensurePairCapacity();
    this.touch(p);
    this.pairCount[p] += wt;
    if (this.pendingStamp[p] !== this.step) {
      this.pendingStamp[p] = this.step;
      this.pendingLastWord[p] = -1;
    }
    if (this.pendingLastWord[p] !== w) {
      this.pendingLastWord[p] = w;
      if (this.numPending >= this.pendingPair.length) {
        this.pendingPair = grow(this.pendingPair, this.numPending + 1);
        this.pendingWord = grow(this.pendingWord, this.numPending + 1);
      }
      this.pendingPair[this.numPending] = p;
      this.pendingWord[this.numPending++] = w;
    }
  }

  /**
   * Merges (left, right) → result in word w: left to right, non-overlapping, exactly as Hugging
   * Face's `Word::merge`, reporting each neighbour pair lost and gained (and, with trueCounts, the
   * merged occurrence itself).
   */
  mergeWord(w: number, left: number, right: number, result: number): void {
    const symbols = this.words.symbols;
    const s = this.words.start[w];
    const end = s + this.words.length[w];
    const wt = this.words.weight[w];
    let out = s;
    let i = s;
    let merged = 0;
    while (i < end) {
      const c = symbols[i];
      if (c === left && i + 1 < end && symbols[i + 1] === right) {
        if (out > s) {
          const prev = symbols[out - 1];
          this.decrement(prev, left, wt);
          this.increment(prev, result, wt, w);
        }
        merged++;
        if (i + 2 < end) {
          const next = symbols[i + 2];
          this.decrement(right, next, wt);
          this.increment(result, next, wt, w);
        }
        symbols[out++] = result;
        i += 2;
      } else {
        symbols[out++] = c;
        i++;
      }
    }
    this.words.length[w] = out - s;
    if (this.trueCounts && merged > 0) {
      const p = this.mergingPair;
      this.touch(p);
      this.pairCount[p] -= merged * wt;
    }
  }

  /** Merges in every word of chunk c not yet merged in this step. */
  mergeChunk(c: number, left: number, right: number, result: number): void {
    this.mergingPair = this.chunkPair[c];
    const from = this.chunkStart[c];
    const to = from + this.chunkLength[c];
    const stamp = this.step;
    for (let k = from; k < to; k++) {
      const w = this.pool[k];
      if (this.wordStamp[w] === stamp) continue;
      this.wordStamp[w] = stamp;
      this.mergeWord(w, left, right, result);
    }
  }

  /** Merges in every word of pair p's chain (replay), then drops the chain. */
  mergePairEverywhere(p: number, left: number, right: number, result: number): void {
    let c = this.pairHead[p];
    this.pairHead[p] = -1;
    this.pairTail[p] = -1;
    while (c >= 0) {
      this.mergeChunk(c, left, right, result);
      c = this.chunkNext[c];
    }
  }

  /**
   * Ends a step: the words that gained each pair become a new chunk for that pair (Hugging
   * Face's `where_to_update`), in the order pairs were first gained. With `onlyPositive`, pairs
   * whose count is not positive get no chunk (as the trainer pushes no heap entry for them).
   * Returns the range [first, end) of the new chunk ids.
   */
  endStep(onlyPositive: boolean): [number, number] {
    const n = this.numPending;
    const first = this.numChunks;
    if (n === 0) return [first, first];
    // Group pending (pair, word) by pair, pairs in first-gained order: counting sort.
    const localIndex = this.pendingLastWord; // reused: word dedupe is over for this step
    let groups = 0;
    const groupPair: number[] = [];
    const groupSize: number[] = [];
    for (let k = 0; k < n; k++) {
      const p = this.pendingPair[k];
      if (this.pendingStamp[p] === this.step) {
        this.pendingStamp[p] = -this.step;
        localIndex[p] = groups++;
        groupPair.push(p);
        groupSize.push(0);
      }
      groupSize[localIndex[p]]++;
    }
    this.ensureChunkCapacity(first + groups);
    if (this.poolSize + n > this.pool.length) this.pool = grow(this.pool, this.poolSize + n);
    let chunks = 0;
    const chunkOf = new Int32Array(groups).fill(-1);
    for (let g = 0; g < groups; g++) {
      const p = groupPair[g];
      if (onlyPositive && !(this.pairCount[p] > 0)) continue;
      const c = first + chunks++;
      chunkOf[g] = c;
      this.chunkPair[c] = p;
      this.chunkStart[c] = this.poolSize;
      this.chunkLength[c] = 0;
      this.chunkNext[c] = -1;
      this.poolSize += groupSize[g];
      if (this.chainChunks) {
        const tail = this.pairTail[p];
        if (tail >= 0) this.chunkNext[tail] = c;
        else this.pairHead[p] = c;
        this.pairTail[p] = c;
      }
    }
    for (let k = 0; k < n; k++) {
      const p = this.pendingPair[k];
      const c = chunkOf[localIndex[p]];
      if (c >= 0) this.pool[this.chunkStart[c] + this.chunkLength[c]++] = this.pendingWord[k];
    }
    this.numChunks = first + chunks;
    return [first, this.numChunks];
  }
}
