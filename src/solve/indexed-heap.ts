// IndexedMaxHeap: a binary max-heap of pair ids keyed by a shared Float64Array of priorities, with
// each id's position tracked so a changed priority is re-sifted in place (no stale entries), and a
// best-first walk that lists the ids above a cutoff in descending order without popping them.

export class IndexedMaxHeap {
  readonly key: Float64Array;
  private readonly heap: Int32Array;
  /** Position of each id in `heap`, or -1 when absent. */
  private readonly pos: Int32Array;
  size = 0;
  // Scratch for the best-first walk (heap positions ordered by key).
  private walk = new Int32Array(64);

  constructor(key: Float64Array) {
    this.key = key;
    this.heap = new Int32Array(key.length);
    this.pos = new Int32Array(key.length).fill(-1);
  }

  has(id: number): boolean {
    return this.pos[id] >= 0;
  }

  /** Empties the heap, then holds exactly the ids whose key is above `minKey` (O(n) heapify). */
  rebuild(minKey: number): void {
    for (let k = 0; k < this.size; k++) this.pos[this.heap[k]] = -1;
    let size = 0;
    const key = this.key;
    for (let id = 0; id < key.length; id++) {
      if (key[id] > minKey) {
        this.heap[size] = id;
        this.pos[id] = size++;
      }
    }
    this.size = size;
    for (let k = (size >> 1) - 1; k >= 0; k--) this.siftDown(k);
  }

  /** Restores the heap after `key[id]` changed; inserts `id` when absent. */
  update(id: number): void {
    const at = this.pos[id];
    if (at < 0) {
      const k = this.size++;
      this.heap[k] = id;
      this.pos[id] = k;
      this.siftUp(k);
      return;
    }
    if (at > 0 && this.key[this.heap[(at - 1) >> 1]] < this.key[id]) this.siftUp(at);
    else this.siftDown(at);
  }

  top(): number {
    return this.size > 0 ? this.heap[0] : -1;
  }

  /** The id with the largest key other than `except` (-1 when there is none), in O(1). */
  topExcept(except: number): number {
    if (this.size === 0) return -1;
    const first = this.heap[0];
    if (first !== except) return first;
    // The runner-up of a max-heap is one of the root's children.
    if (this.size === 1) return -1;
    if (this.size === 2) return this.heap[1];
    return this.key[this.heap[1]] >= this.key[this.heap[2]] ? this.heap[1] : this.heap[2];
  }

  /**
   * Visits the ids whose key exceeds `cutoff`, largest first, until `visit` returns false.
   * The heap is not modified.
   */
  forEachAbove(cutoff: number, visit: (id: number) => boolean): void {
    if (this.size === 0 || this.key[this.heap[0]] <= cutoff) return;
    const key = this.key;
    const heap = this.heap;
    // A small max-heap of heap positions: the frontier of the walk.
    let frontier = this.walk;
    let count = 0;
    frontier[count++] = 0;
    while (count > 0) {
      const at = frontier[0];
      // pop the frontier's best
      const last = frontier[--count];
      if (count > 0) {
        let k = 0;
        while (true) {
          const l = 2 * k + 1;
          if (l >= count) break;
          const r = l + 1;
          const c = r < count && key[heap[frontier[r]]] > key[heap[frontier[l]]] ? r : l;
          if (key[heap[frontier[c]]] <= key[heap[last]]) break;
          frontier[k] = frontier[c];
          k = c;
        }
        frontier[k] = last;
      }
      if (!visit(heap[at])) return;
      for (let child = 2 * at + 1; child <= 2 * at + 2 && child < this.size; child++) {
        if (key[heap[child]] <= cutoff) continue;
        if (count === frontier.length) {
          const bigger = new Int32Array(frontier.length * 2);
          bigger.set(frontier);
          frontier = this.walk = bigger;
        }
        let k = count++;
        while (k > 0) {
          const parent = (k - 1) >> 1;
          if (key[heap[frontier[parent]]] >= key[heap[child]]) break;
          frontier[k] = frontier[parent];
          k = parent;
        }
        frontier[k] = child;
      }
    }
  }

  private siftUp(k: number): void {
    const heap = this.heap;
    const key = this.key;
    const id = heap[k];
    const value = key[id];
    while (k > 0) {
      const parent = (k - 1) >> 1;
      const pid = heap[parent];
      if (key[pid] >= value) break;
      heap[k] = pid;
      this.pos[pid] = k;
      k = parent;
    }
    heap[k] = id;
    this.pos[id] = k;
  }

  private siftDown(k: number): void {
    const heap = this.heap;
    const key = this.key;
    const size = this.size;
    const id = heap[k];
    const value = key[id];
    while (true) {
      const l = 2 * k + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && key[heap[r]] > key[heap[l]] ? r : l;
      if (key[heap[c]] <= value) break;
      heap[k] = heap[c];
      this.pos[heap[c]] = k;
      k = c;
    }
    heap[k] = id;
    this.pos[id] = k;
  }
}
