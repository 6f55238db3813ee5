// The trainer's max-heap of occurrence chunks, ordered exactly as Hugging Face's `Merge` entries:
// higher count first, then the smaller pair (left id, then right id); stale counts are refreshed lazily.
import { grow } from '../common/grow.js';

export class TrainHeap {
  count = new Float64Array(1024);
  left = new Int32Array(1024);
  right = new Int32Array(1024);
  chunk = new Int32Array(1024);
  size = 0;

  /** True when slot i ranks above slot j. Equal (count, pair) entries fall back to chunk order. */
  private above(i: number, j: number): boolean {
    const ci = this.count[i];
    const cj = this.count[j];
    if (ci !== cj) return ci > cj;
    const li = this.left[i];
    const lj = this.left[j];
    if (li !== lj) return li < lj;
    const ri = this.right[i];
    const rj = this.right[j];
    if (ri !== rj) return ri < rj;
    return this.chunk[i] < this.chunk[j];
  }

  private swap(i: number, j: number): void {
    const c = this.count[i];
    this.count[i] = this.count[j];
    this.count[j] = c;
    const l = this.left[i];
    this.left[i] = this.left[j];
    this.left[j] = l;
    const r = this.right[i];
    this.right[i] = this.right[j];
    this.right[j] = r;
    const k = this.chunk[i];
    this.chunk[i] = this.chunk[j];
    this.chunk[j] = k;
  }

  push(count: number, left: number, right: number, chunk: number): void {
    let i = this.size++;
    if (i >= this.count.length) {
      this.count = grow(this.count, i + 1);
      this.left = grow(this.left, i + 1);
      this.right = grow(this.right, i + 1);
      this.chunk = grow(this.chunk, i + 1);
    }
    this.count[i] = count;
    this.left[i] = left;
    this.right[i] = right;
    this.chunk[i] = chunk;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the top entry (read it from slot 0 first). */
  pop(): void {
    const last = --this.size;
    if (last > 0) {
      this.count[0] = this.count[last];
      this.left[0] = this.left[last];
      this.right[0] = this.right[last];
      this.chunk[0] = this.chunk[last];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const best = r < last && this.above(r, l) ? r : l;
        if (!this.above(best, i)) break;
        this.swap(i, best);
        i = best;
      }
    }
  }
}
