// An open-addressing hash table from a symbol pair (left id, right id) to a dense pair index:
// the integer key every hot loop of the engine uses instead of string keys or objects per pair.
import { grow } from '../common/grow.js';

const EMPTY = -1;
/** Growth factor of the pair arrays (here and the engine's arrays indexed by pair). */
export const PAIR_GROWTH = 1.5;

export class PairTable {
  /** Pair p joins `left[p]` and `right[p]`; valid for p < size. */
  left: Int32Array;
  right: Int32Array;
  size = 0;
  private slots: Int32Array;
  private mask: number;

  constructor(expectedPairs = 1024) {
    let capacity = 1024;
    while (capacity < expectedPairs * 2) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.left = new Int32Array(Math.max(16, expectedPairs));
    this.right = new Int32Array(Math.max(16, expectedPairs));
  }

  private static hash(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
  }

  /** Index of pair (a, b), or -1. */
  get(a: number, b: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = PairTable.hash(a, b) & mask;
    for (;;) {
      const p = slots[slot];
      if (p === EMPTY) return -1;
      if (this.left[p] === a && this.right[p] === b) return p;
      slot = (slot + 1) & mask;
    }
  }

  /** Index of pair (a, b), adding it when new. */
  intern(a: number, b: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = PairTable.hash(a, b) & mask;
    for (;;) {
      const p = slots[slot];
      if (p === EMPTY) break;
      if (this.left[p] === a && this.right[p] === b) return p;
      slot = (slot + 1) & mask;
    }
    const p = this.size++;
    if (p >= this.left.length) {
      // By half, not doubling: the engine's per-pair arrays follow this capacity.
      this.left = grow(this.left, p + 1, PAIR_GROWTH);
      this.right = grow(this.right, p + 1, PAIR_GROWTH);
    }
    this.left[p] = a;
    this.right[p] = b;
    slots[slot] = p;
    if (this.size * 2 > slots.length) this.rehash();
    return p;
  }

  private rehash(): void {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity).fill(EMPTY);
    const mask = capacity - 1;
    for (let p = 0; p < this.size; p++) {
      let slot = PairTable.hash(this.left[p], this.right[p]) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = p;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
