// ViolationPool: the `capacity` most violated constraints offered in one round, each with its row
// coefficients (computed at its step, when the counts are at hand). A min-heap on violation lets a
// new candidate replace the weakest kept one in O(log capacity).

export class ViolationPool {
  size = 0;
  capacity = 0;
  private step = new Int32Array(0);
  private pair = new Int32Array(0);
  private violation = new Float64Array(0);
  private coefs = new Float64Array(0);
  /** Slots ordered as a min-heap on violation. */
  private heap = new Int32Array(0);

  constructor(
    capacity: number,
    private readonly n: number,
  ) {
    this.reset(capacity);
  }

  /** Empties the pool and sets its capacity (arrays are reallocated only to grow). */
  reset(capacity: number): void {
    if (!(capacity >= 1)) throw new Error(`ViolationPool: capacity ${capacity}`);
    this.size = 0;
    this.capacity = capacity;
    if (capacity <= this.heap.length) return;
    this.step = new Int32Array(capacity);
    this.pair = new Int32Array(capacity);
    this.violation = new Float64Array(capacity);
    this.coefs = new Float64Array(capacity * this.n);
    this.heap = new Int32Array(capacity);
  }

  /** Whether a candidate this violated would be kept. */
  wants(violation: number): boolean {
    return this.size < this.capacity || violation > this.violation[this.heap[0]];
  }

  /**
   * Keeps (t, p) with this violation, evicting the weakest when full, and returns the coefficient
   * array the caller fills. Call only after `wants` said yes.
   */
  slot(t: number, p: number, violation: number): Float64Array {
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.size;
      this.heap[this.size++] = slot;
      this.violation[slot] = violation;
      this.siftUp(this.size - 1);
    } else {
      slot = this.heap[0];
      this.violation[slot] = violation;
      this.siftDown(0);
    }
    this.step[slot] = t;
    this.pair[slot] = p;
    return this.coefs.subarray(slot * this.n, (slot + 1) * this.n);
  }

  /** Nonzeros the pool's rows would add to the LP (each row's shares, its step and pair slacks). */
  nonzeros(): number {
    let count = 0;
    const coefs = this.coefs;
    for (let k = 0; k < this.size * this.n; k++) if (coefs[k] !== 0) count++;
    return count + 2 * this.size;
  }

  forEach(visit: (t: number, p: number, coef: Float64Array) => void): void {
    for (let slot = 0; slot < this.size; slot++) {
      visit(this.step[slot], this.pair[slot], this.coefs.subarray(slot * this.n, (slot + 1) * this.n));
    }
  }

  private siftUp(k: number): void {
    const heap = this.heap;
    const v = this.violation;
    const slot = heap[k];
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (v[heap[parent]] <= v[slot]) break;
      heap[k] = heap[parent];
      k = parent;
    }
    heap[k] = slot;
  }

  private siftDown(k: number): void {
    const heap = this.heap;
    const v = this.violation;
    const slot = heap[k];
    for (;;) {
      const l = 2 * k + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && v[heap[r]] < v[heap[l]] ? r : l;
      if (v[heap[c]] >= v[slot]) break;
      heap[k] = heap[c];
      k = c;
    }
    heap[k] = slot;
  }
}
