// The incremental pair-count engine shared by replay and training: words as integer symbol
// sequences with weights, pair counts in typed arrays, and per pair the words that hold it
// (occurrence chunks), so a merge touches only the words that contain its pair.
import { grow } from '../common/grow.js';
import { PairTable, PAIR_GROWTH } from './pair-table.js';
import type { MergeHorizon } from './merge-horizon.js';

/** Largest symbol id a 16-bit word store holds; a larger id widens the store to 32 bits. */
export const MAX_NARROW_SYMBOL = 0xffff;

/**
 * Words in flat form: word w is `symbols[start[w] .. start[w] + length[w])`, weighted by `weight[w]`.
 * Symbols are 16-bit while every id fits (replaying up to ~65,000 merges), else 32-bit.
 */
export interface WordStore {
  symbols: Uint16Array | Int32Array;
  start: Int32Array;
  length: Int32Array;
  weight: Uint32Array | Float64Array;
}

/** Makes room for symbol id `id` in `words`: a 16-bit store is widened to 32 bits when id exceeds it. */
export function widenForSymbol(words: WordStore, id: number): void {
  if (id > MAX_NARROW_SYMBOL && words.symbols instanceof Uint16Array)
    words.symbols = Int32Array.from(words.symbols);
}

/**
 * Occurrence chunks: chunk c lists the `chunkLength[c]` words that gained pair `chunkPair[c]` at
 * one step (from `pool[chunkStart[c]]`), or at step 0 (packed, see `numPacked`). A chunk is
 * Hugging Face's heap entry `pos` set; replay chains a pair's chunks through `chunkNext`, and when
 * the pool is full drops the chains already merged (`compactChains`) before it grows the pool.
 *
 * Per pair the engine keeps only its count, its (left, right) and hash slot, and its slot in this
 * step's touched list (a sparse set: no per-pair stamps); what a step needs per touched pair
 * (count before the step, last word that gained it, its new chunk) lives in arrays as long as the
 * touched list. Chains are per merge pair in replay, per pair in training.
 */
export class BpeEngine {
  readonly words: WordStore;
  readonly numWords: number;
  readonly pairs: PairTable;
  pairCount: Float64Array;
  /** First and last chunk of each chain (-1 when none); see `chainOf`. */
  private chainHead: Int32Array;
  private chainTail: Int32Array;

  chunkPair: Int32Array;
  chunkStart: Int32Array;
  chunkLength: Int32Array;
  chunkNext: Int32Array;
  numChunks = 0;
  pool: Int32Array;
  poolSize = 0;
  /** Pool entries of chains merged since the last compaction (dead space). */
  private mergedEntries = 0;
  /**
   * The step-0 chunks (ids below `numPacked`) list their words in `packed` instead of the pool:
   * the gaps between their increasing word ids as 7-bit varints, mostly one or two bytes where a
   * pool entry takes four. They are most of the lists replay holds.
   */
  private numPacked = 0;
  private packed = new Uint8Array(0);
  /** Words listed in packed chunks, and of those the ones in chains already merged. */
  private packedEntries = 0;
  private mergedPackedEntries = 0;

  /** When true, the merged pair's own occurrences are subtracted (true counts, for replay);
   *  when false, only neighbour changes are applied, exactly as Hugging Face's trainer does. */
  readonly trueCounts: boolean;
  /** Replay keeps chains per pair; training keeps chunks only as heap entries. */
  readonly chainChunks: boolean;
  /**
   * Replay: the merges still to come, and the index of the merge being applied (-1 before the
   * first). Word lists are then kept only for pairs a later merge joins, one chain per merge pair.
   * Unset (training), every pair has a chain, indexed by pair.
   */
  readonly horizon: MergeHorizon | undefined;
  mergeIndex = -1;

  // Per-step scratch: the pairs touched in this step, `touched[0 .. numTouched)`; pair p is touched
  // when `touched[touchedSlot[p]] === p` for a slot below numTouched.
  private touchedSlot: Int32Array;
  touched: Int32Array;
  numTouched = 0;
  /** Per touched slot: the pair's count before the step, the last word that gained it, its group. */
  private slotOldCount: Float64Array;
  private slotLastWord: Int32Array;
  private slotGroup: Int32Array;
  /** (slot, word) of each gain of a pair by a word in this step, in order. */
  private pendingSlot: Int32Array;
  private pendingWord: Int32Array;
  private numPending = 0;
  /** The pair being merged (its own occurrences are subtracted at once per word with trueCounts). */
  private mergingPair = -1;

  constructor(
    words: WordStore,
    options: { trueCounts: boolean; chainChunks: boolean; horizon?: MergeHorizon },
  ) {
    this.words = words;
    this.numWords = words.start.length;
    this.trueCounts = options.trueCounts;
    this.chainChunks = options.chainChunks;
    this.horizon = options.horizon;
    this.pairs = new PairTable();
    const cap = this.pairs.left.length;
    this.pairCount = new Float64Array(cap);
    const chains = this.horizon ? this.horizon.size : cap;
    this.chainHead = new Int32Array(chains).fill(-1);
    this.chainTail = new Int32Array(chains).fill(-1);
    this.touchedSlot = new Int32Array(cap);
    this.touched = new Int32Array(1024);
    this.slotOldCount = new Float64Array(1024);
    this.slotLastWord = new Int32Array(1024);
    this.slotGroup = new Int32Array(1024);
    this.pendingSlot = new Int32Array(1024);
    this.pendingWord = new Int32Array(1024);
    this.chunkPair = new Int32Array(1024);
    this.chunkStart = new Int32Array(1024);
    this.chunkLength = new Int32Array(1024);
    this.chunkNext = new Int32Array(1024);
    this.pool = new Int32Array(1024);
  }

  private ensurePairCapacity(): void {
    const needed = this.pairs.size;
    if (needed <= this.pairCount.length) return;
    const n = this.pairs.left.length;
    this.pairCount = grow(this.pairCount, n, PAIR_GROWTH);
    this.touchedSlot = grow(this.touchedSlot, n, PAIR_GROWTH);
    if (this.horizon) return;
    const oldLen = this.chainHead.length;
    this.chainHead = grow(this.chainHead, n, PAIR_GROWTH);
    this.chainHead.fill(-1, oldLen);
    this.chainTail = grow(this.chainTail, n, PAIR_GROWTH);
    this.chainTail.fill(-1, oldLen);
  }

  /** Counts every adjacent pair (overlaps included) and makes one chunk per pair of the words holding it. */
  countInitialPairs(): void {
    const { symbols, start, length, weight } = this.words;
    const pairs = this.pairs;
    const pairAt = new Int32Array(symbols.length);
    let lastWord = new Int32Array(this.pairCount.length).fill(-1);
    let distinctWords = new Int32Array(this.pairCount.length);
    let listBytes = new Int32Array(this.pairCount.length);
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
          listBytes = grow(listBytes, this.pairCount.length);
          lastWord.fill(-1, p);
        }
        pairAt[i] = p;
        this.pairCount[p] += wt;
        if (lastWord[p] !== w) {
          listBytes[p] += varintLength(w - lastWord[p]);
          lastWord[p] = w;
          distinctWords[p]++;
        }
      }
    }
    const numPairs = pairs.size;
    this.ensureChunkCapacity(numPairs);
    let offset = 0;
    let chunks = 0;
    let entries = 0;
    const chunkOfPair = new Int32Array(numPairs).fill(-1);
    for (let p = 0; p < numPairs; p++) {
      if (!this.keepsWordList(p)) continue;
      const c = chunks++;
      chunkOfPair[p] = c;
      this.chunkPair[c] = p;
      this.chunkStart[c] = offset;
      this.chunkLength[c] = distinctWords[p];
      this.chunkNext[c] = -1;
      this.appendToChain(p, c);
      offset += listBytes[p];
      entries += distinctWords[p];
    }
    this.numChunks = chunks;
    this.numPacked = chunks;
    this.packed = new Uint8Array(offset);
    this.packedEntries = entries;
    const cursor = this.chunkStart.slice(0, chunks);
    lastWord.fill(-1);
    for (let w = 0; w < this.numWords; w++) {
      const s = start[w];
      const end = s + length[w] - 1;
      for (let i = s; i < end; i++) {
        const p = pairAt[i];
        const c = chunkOfPair[p];
        if (c >= 0 && lastWord[p] !== w) {
          cursor[c] = writeVarint(this.packed, cursor[c], w - lastWord[p]);
          lastWord[p] = w;
        }
      }
    }
  }

  /** Whether pair p needs the list of words holding it: always, unless the horizon says no later merge joins it. */
  private keepsWordList(p: number): boolean {
    return (
      !this.horizon || this.horizon.mergedAfter(this.pairs.left[p], this.pairs.right[p], this.mergeIndex)
    );
  }

  /** Index of pair p's chain: the pair itself, or with a horizon its merge pair's index (-1: none). */
  private chainOf(p: number): number {
    return this.horizon ? this.horizon.chainIndex(this.pairs.left[p], this.pairs.right[p]) : p;
  }

  /** Links chunk c at the end of pair p's chain. */
  private appendToChain(p: number, c: number): void {
    const chain = this.chainOf(p);
    const tail = this.chainTail[chain];
    if (tail >= 0) this.chunkNext[tail] = c;
    else this.chainHead[chain] = c;
    this.chainTail[chain] = c;
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
    this.numTouched = 0;
    this.numPending = 0;
  }

  /** The count before this step of the pair in touched slot k (`touched[k]`). */
  countBeforeStep(k: number): number {
    return this.slotOldCount[k];
  }

  /** The touched slot of pair p, touching it first if this step has not. */
  private touch(p: number): number {
    const k = this.touchedSlot[p];
    if (k < this.numTouched && this.touched[k] === p) return k;
    const slot = this.numTouched++;
    if (slot >= this.touched.length) {
      this.touched = grow(this.touched, slot + 1);
      this.slotOldCount = grow(this.slotOldCount, slot + 1);
      this.slotLastWord = grow(this.slotLastWord, slot + 1);
      this.slotGroup = grow(this.slotGroup, slot + 1);
    }
    this.touched[slot] = p;
    this.touchedSlot[p] = slot;
    this.slotOldCount[slot] = this.pairCount[p];
    this.slotLastWord[slot] = -1;
    this.slotGroup[slot] = -1;
    return slot;
  }

  private decrement(a: number, b: number, wt: number): void {
    const p = this.pairs.get(a, b);
    this.touch(p);
    this.pairCount[p] -= wt;
  }

  private increment(a: number, b: number, wt: number, w: number): void {
    const p = this.pairs.intern(a, b);
    if (p >= this.pairCount.length) this.ensurePairCapacity();
    const slot = this.touch(p);
    this.pairCount[p] += wt;
    if (this.slotLastWord[slot] !== w) {
      this.slotLastWord[slot] = w;
      if (this.numPending >= this.pendingSlot.length) {
        this.pendingSlot = grow(this.pendingSlot, this.numPending + 1);
        this.pendingWord = grow(this.pendingWord, this.numPending + 1);
      }
      this.pendingSlot[this.numPending] = slot;
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

  /**
   * Merges in every word of chunk c. A word met again in this step (it gained the pair at two
   * steps) is merged again, which changes nothing: a merge leaves no (left, right) behind, as the
   * result differs from both parts. So no per-word stamp is kept to skip it.
   */
  mergeChunk(c: number, left: number, right: number, result: number): void {
    widenForSymbol(this.words, result);
    this.mergingPair = this.chunkPair[c];
    if (c < this.numPacked) {
      const packed = this.packed;
      let at = this.chunkStart[c];
      let w = -1;
      for (let k = this.chunkLength[c]; k > 0; k--) {
        // A varint gap (word ids stay below 2^31, so five bytes at most).
        let byte = packed[at++];
        let gap = byte & 0x7f;
        for (let shift = 7; byte & 0x80; shift += 7) {
          byte = packed[at++];
          gap |= (byte & 0x7f) << shift;
        }
        w += gap;
        this.mergeWord(w, left, right, result);
      }
      return;
    }
    const from = this.chunkStart[c];
    const to = from + this.chunkLength[c];
    for (let k = from; k < to; k++) this.mergeWord(this.pool[k], left, right, result);
  }

  /** Merges in every word of pair p's chain (replay), then drops the chain. */
  mergePairEverywhere(p: number, left: number, right: number, result: number): void {
    const chain = this.chainOf(p);
    if (chain < 0) return;
    let c = this.chainHead[chain];
    this.chainHead[chain] = -1;
    this.chainTail[chain] = -1;
    while (c >= 0) {
      this.mergeChunk(c, left, right, result);
      if (c < this.numPacked) this.mergedPackedEntries += this.chunkLength[c];
      else this.mergedEntries += this.chunkLength[c];
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
    if (n === 0) return [this.numChunks, this.numChunks];
    if (this.poolSize + n > this.pool.length) this.makePoolRoom(n);
    const first = this.numChunks;
    // Group pending (slot, word) by pair, pairs in first-gained order: counting sort.
    let groups = 0;
    const groupSlot: number[] = [];
    const groupSize: number[] = [];
    for (let k = 0; k < n; k++) {
      const slot = this.pendingSlot[k];
      if (this.slotGroup[slot] < 0) {
        this.slotGroup[slot] = groups++;
        groupSlot.push(slot);
        groupSize.push(0);
      }
      groupSize[this.slotGroup[slot]]++;
    }
    this.ensureChunkCapacity(first + groups);
    let chunks = 0;
    const chunkOf = new Int32Array(groups).fill(-1);
    for (let g = 0; g < groups; g++) {
      const p = this.touched[groupSlot[g]];
      if (onlyPositive && !(this.pairCount[p] > 0)) continue;
      if (!this.keepsWordList(p)) continue;
      const c = first + chunks++;
      chunkOf[g] = c;
      this.chunkPair[c] = p;
      this.chunkStart[c] = this.poolSize;
      this.chunkLength[c] = 0;
      this.chunkNext[c] = -1;
      this.poolSize += groupSize[g];
      if (this.chainChunks) this.appendToChain(p, c);
    }
    for (let k = 0; k < n; k++) {
      const c = chunkOf[this.slotGroup[this.pendingSlot[k]]];
      if (c >= 0) this.pool[this.chunkStart[c] + this.chunkLength[c]++] = this.pendingWord[k];
    }
    this.numChunks = first + chunks;
    return [first, this.numChunks];
  }

  /**
   * Room for `needed` more pool entries. Replay's chains (chunk ids are its own) are compacted
   * when at least an eighth of the pool is chains already merged; the pool then grows, or
   * shrinks when less than half is used, to a quarter above what it needs. Training's heap holds
   * chunk ids, so there it only grows, by doubling.
   */
  private makePoolRoom(needed: number): void {
    if (!this.chainChunks) {
      this.pool = grow(this.pool, this.poolSize + needed);
      return;
    }
    if (this.mergedEntries > 0 && 8 * this.mergedEntries >= this.poolSize) this.compactChains();
    const used = this.poolSize + needed;
    if (used <= this.pool.length && 2 * used >= this.pool.length) return;
    const pool = new Int32Array(Math.ceil(1.25 * used));
    pool.set(this.pool.subarray(0, this.poolSize));
    this.pool = pool;
  }

  /**
   * Drops the chunks of chains already merged from the pool and the chunk list. Chunks keep their
   * order, the words in each chunk theirs, so merges visit words exactly as before; ids are
   * renumbered in place (a surviving chunk and its entries only move down).
   */
  private compactChains(): void {
    const live = new Uint8Array(this.numChunks);
    for (let chain = 0; chain < this.chainHead.length; chain++) {
      for (let c = this.chainHead[chain]; c >= 0; c = this.chunkNext[c]) live[c] = 1;
      this.chainHead[chain] = -1;
      this.chainTail[chain] = -1;
    }
    // Packed chunks first (the lowest ids): moved only once a quarter of their words is merged.
    let chunks = 0;
    if (4 * this.mergedPackedEntries < this.packedEntries) {
      for (let c = 0; c < this.numPacked; c++) if (live[c]) this.appendToChain(this.chunkPair[c], c);
      chunks = this.numPacked;
    } else {
      let bytes = 0;
      for (let c = 0; c < this.numPacked; c++) {
        const from = this.chunkStart[c];
        const to = skipVarints(this.packed, from, this.chunkLength[c]);
        if (!live[c]) {
          this.packedEntries -= this.chunkLength[c];
          continue;
        }
        this.packed.copyWithin(bytes, from, to);
        const id = chunks++;
        this.chunkPair[id] = this.chunkPair[c];
        this.chunkStart[id] = bytes;
        this.chunkLength[id] = this.chunkLength[c];
        this.chunkNext[id] = -1;
        this.appendToChain(this.chunkPair[id], id);
        bytes += to - from;
      }
      this.mergedPackedEntries = 0;
      if (2 * bytes < this.packed.length) this.packed = this.packed.slice(0, bytes);
    }
    const firstUnpacked = this.numPacked;
    this.numPacked = chunks;
    let size = 0;
    for (let c = firstUnpacked; c < this.numChunks; c++) {
      if (!live[c]) continue;
      const from = this.chunkStart[c];
      const length = this.chunkLength[c];
      this.pool.copyWithin(size, from, from + length);
      const id = chunks++;
      this.chunkPair[id] = this.chunkPair[c];
      this.chunkStart[id] = size;
      this.chunkLength[id] = length;
      this.chunkNext[id] = -1;
      this.appendToChain(this.chunkPair[id], id);
      size += length;
    }
    this.numChunks = chunks;
    this.poolSize = size;
    this.mergedEntries = 0;
    // Chunk ids freed in bulk: the chunk arrays shrink when a quarter or less of them is used.
    if (4 * chunks < this.chunkPair.length && this.chunkPair.length > 1024) {
      const capacity = Math.max(1024, 2 * chunks);
      this.chunkPair = this.chunkPair.slice(0, capacity);
      this.chunkStart = this.chunkStart.slice(0, capacity);
      this.chunkLength = this.chunkLength.slice(0, capacity);
      this.chunkNext = this.chunkNext.slice(0, capacity);
    }
  }
}

/** Bytes of `value` (0 ≤ value < 2^31) as a 7-bit varint. */
function varintLength(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Writes `value` as a 7-bit varint at `at`; returns the position after it. */
function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    bytes[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  bytes[at++] = value;
  return at;
}

/** The position after `count` varints starting at `at`. */
function skipVarints(bytes: Uint8Array, at: number, count: number): number {
  for (let k = 0; k < count; k++) while (bytes[at++] & 0x80);
  return at;
}
