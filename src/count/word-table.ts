// A compact count table for distinct pre-tokens: UTF-16 code units in one growable arena, an
// open-addressing hash index and typed arrays of counts — about a third of a Map<string, number>'s
// memory, and no strings kept alive per entry, so counting memory tracks distinct pre-tokens.
import type { PackedCounts } from './word-counts-codec.js';

const EMPTY = 0;
const RECENT_LIMIT = 1 << 16;
const RECENT_MAX_LENGTH = 24;

function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  return h >>> 0;
}

export class WordTable {
  private codes = new Uint16Array(1 << 16);
  private codesUsed = 0;
  private starts = new Uint32Array(1 << 12);
  private lengths = new Uint32Array(1 << 12);
  private hashes = new Uint32Array(1 << 12);
  private counts = new Float64Array(1 << 12);
  /** Entry id + 1 per slot (0 = empty); kept at most half full. */
  private slots = new Int32Array(1 << 13);
  private mask = (1 << 13) - 1;
  size = 0;
  /** Recently added whole words -> entry id; bounded, so memory still tracks the typed arrays. */
  private recent = new Map<string, number>();

  /** Adds `count` to the word `text[start, end)` (the whole string by default). */
  /** Returns the word's entry id (ids count up from 0 in insertion order, as pack() lists them). */
  add(text: string, count = 1, start = 0, end = text.length): number {
    const whole = start === 0 && end === text.length;
    if (whole) {
      // Frequent words hit the front cache: V8 keeps a string's hash, and the pipeline hands out
      // the same mapped string for a repeated piece, so this skips hashing and comparing codes.
      const known = this.recent.get(text);
      if (known !== undefined) {
        this.counts[known] += count;
        return known;
      }
    }
    const id = this.addCodes(text, count, start, end);
    if (whole && text.length <= RECENT_MAX_LENGTH) {
      if (this.recent.size >= RECENT_LIMIT) this.recent.clear();
      this.recent.set(text, id);
    }
    return id;
  }

  private addCodes(text: string, count: number, start: number, end: number): number {
    const h = hashRange(text, start, end);
    const length = end - start;
    let slot = h & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === EMPTY) break;
      const id = entry - 1;
      if (this.hashes[id] === h && this.lengths[id] === length && this.equals(id, text, start)) {
        this.counts[id] += count;
        return id;
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.insert(text, start, length, h, count);
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  private equals(id: number, text: string, start: number): boolean {
    const codes = this.codes;
    const from = this.starts[id];
    const length = this.lengths[id];
    for (let i = 0; i < length; i++) if (codes[from + i] !== text.charCodeAt(start + i)) return false;
    return true;
  }

  private insert(text: string, start: number, length: number, h: number, count: number): number {
    const id = this.size++;
    if (id === this.starts.length) {
      const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts, (n) => new Uint32Array(n));
      this.lengths = grow(this.lengths, (n) => new Uint32Array(n));
      this.hashes = grow(this.hashes, (n) => new Uint32Array(n));
      this.counts = grow(this.counts, (n) => new Float64Array(n));
    }
    if (this.codesUsed + length > this.codes.length) {
      const bigger = new Uint16Array(Math.max(this.codes.length * 2, this.codesUsed + length));
      bigger.set(this.codes.subarray(0, this.codesUsed));
      this.codes = bigger;
    }
    const codes = this.codes;
    const at = this.codesUsed;
    for (let i = 0; i < length; i++) codes[at + i] = text.charCodeAt(start + i);
    this.codesUsed += length;
    this.starts[id] = at;
    this.lengths[id] = length;
    this.hashes[id] = h;
    this.counts[id] = count;
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Adds every word of packed counts (without making a string per word); returns their entry ids. */
  addPacked(packed: PackedCounts): Uint32Array {
    const ids = new Uint32Array(packed.lengths.length);
    let offset = 0;
    for (let i = 0; i < packed.lengths.length; i++) {
      const end = offset + packed.lengths[i];
      ids[i] = this.add(packed.joined, packed.counts[i], offset, end);
      offset = end;
    }
    return ids;
  }

  /** All entries as one joined string, their lengths and counts (in insertion order). */
  pack(): PackedCounts {
    const joined = Buffer.from(this.codes.buffer, this.codes.byteOffset, this.codesUsed * 2).toString(
      'utf16le',
    );
    return {
      joined,
      lengths: this.lengths.slice(0, this.size),
      counts: this.counts.slice(0, this.size),
    };
  }

  /** Words in code-unit order with their counts: an order independent of how the work was split. */
  sorted(): { words: string[]; counts: Float64Array; rank: Uint32Array } {
    const { joined, lengths, counts } = this.pack();
    const words = new Array<string>(this.size);
    for (let id = 0; id < this.size; id++) {
      const start = this.starts[id];
      words[id] = joined.slice(start, start + lengths[id]);
    }
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => (words[a] < words[b] ? -1 : words[a] > words[b] ? 1 : 0));
    const sortedWords = new Array<string>(this.size);
    const sortedCounts = new Float64Array(this.size);
    /** Entry id -> its position in the sorted order (to renumber block counts). */
    const rank = new Uint32Array(this.size);
    for (let i = 0; i < order.length; i++) {
      sortedWords[i] = words[order[i]];
      sortedCounts[i] = counts[order[i]];
      rank[order[i]] = i;
    }
    return { words: sortedWords, counts: sortedCounts, rank };
  }
}

/** A table's entries in code-unit order, packed for another thread; `rank` maps entry id -> position. */
export function packSorted(table: WordTable): { packed: PackedCounts; rank: Uint32Array } {
  const { words, counts, rank } = table.sorted();
  const lengths = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) lengths[i] = words[i].length;
  return { packed: { joined: words.join(''), lengths, counts }, rank };
}

/**
 * Merges packed counts that are each in code-unit order (packSorted) into one sorted list, in one
 * linear pass: the tables were sorted in parallel by the workers, so the main thread only walks
 * them. `positions[p][k]` is where part p's k-th word landed in the merged list.
 */
export function mergeSorted(parts: PackedCounts[]): {
  words: string[];
  counts: Float64Array;
  positions: Uint32Array[];
} {
  const words: string[] = [];
  const total = parts.reduce((n, part) => n + part.lengths.length, 0);
  const counts = new Float64Array(total);
  const positions = parts.map((part) => new Uint32Array(part.lengths.length));
  const next = new Array<number>(parts.length).fill(0);
  const offsets = new Array<number>(parts.length).fill(0);
  const heads = parts.map((part) =>
    part.lengths.length > 0 ? part.joined.slice(0, part.lengths[0]) : undefined,
  );
  for (;;) {
    // The smallest head (parts are few: one per worker, so a linear scan beats a heap).
    let smallest: string | undefined;
    for (const head of heads)
      if (head !== undefined && (smallest === undefined || head < smallest)) smallest = head;
    if (smallest === undefined) break;
    const at = words.length;
    words.push(smallest);
    for (let p = 0; p < parts.length; p++) {
      if (heads[p] !== smallest) continue;
      const part = parts[p];
      const k = next[p];
      counts[at] += part.counts[k];
      positions[p][k] = at;
      offsets[p] += part.lengths[k];
      next[p] = k + 1;
      heads[p] =
        k + 1 < part.lengths.length
          ? part.joined.slice(offsets[p], offsets[p] + part.lengths[k + 1])
          : undefined;
    }
  }
  return { words, counts: counts.slice(0, words.length), positions };
}
