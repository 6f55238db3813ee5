// PairKeyTable: an open-addressing hash map from a symbol pair (two int32 ids) to a dense pair id,
// in typed arrays, because aligning 100+ transcripts touches tens of millions of pairs.

export class PairKeyTable {
  private left: Int32Array;
  private right: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  private static hash(left: number, right: number): number {
    let h = Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae3d);
    return (h ^ (h >>> 13)) >>> 0;
  }

  /** The id of (left, right), or -1. */
  get(left: number, right: number): number {
    let slot = PairKeyTable.hash(left, right) & this.mask;
    while (true) {
      const id = this.ids[slot];
      if (id < 0) return -1;
      if (this.left[slot] === left && this.right[slot] === right) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The id of (left, right), assigning the next dense id when the pair is new. */
  intern(left: number, right: number): number {
    if ((this.size + 1) * 2 > this.ids.length) this.grow();
    let slot = PairKeyTable.hash(left, right) & this.mask;
    while (true) {
      const id = this.ids[slot];
      if (id < 0) {
        this.left[slot] = left;
        this.right[slot] = right;
        this.ids[slot] = this.size;
        return this.size++;
      }
      if (this.left[slot] === left && this.right[slot] === right) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { left, right, ids } = this;
    const capacity = ids.length * 2;
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let slot = 0; slot < ids.length; slot++) {
      if (ids[slot] < 0) continue;
      let target = PairKeyTable.hash(left[slot], right[slot]) & this.mask;
      while (this.ids[target] >= 0) target = (target + 1) & this.mask;
      this.left[target] = left[slot];
      this.right[target] = right[slot];
      this.ids[target] = ids[slot];
    }
  }
}
