// Aho–Corasick over bytes: counts every (overlapping) occurrence of many byte strings in a text in
// one pass, as the token-classification baseline needs for a whole vocabulary. Written on typed
// arrays because the npm matchers segment text into graphemes, which is far too slow at this size.

export class ByteMatcher {
  /** Trie edges: key state * 256 + byte -> child state. */
  private readonly edges = new Map<number, number>();
  private readonly fail: Int32Array;
  /** States in breadth-first order (root first). */
  private readonly order: Int32Array;
  /** Pattern index -> its trie state. */
  private readonly patternState: Int32Array;
  private readonly visits: Float64Array;
  readonly patternCount: number;

  constructor(patterns: readonly Uint8Array[]) {
    this.patternCount = patterns.length;
    this.patternState = new Int32Array(patterns.length);
    let states = 1;
    for (let p = 0; p < patterns.length; p++) {
      let state = 0;
      for (const byte of patterns[p]) {
        const key = state * 256 + byte;
        let next = this.edges.get(key);
        if (next === undefined) {
          next = states++;
          this.edges.set(key, next);
        }
        state = next;
      }
      this.patternState[p] = state;
    }
    // Children lists, to walk the trie breadth-first.
    const childStart = new Int32Array(states + 1);
    for (const key of this.edges.keys()) childStart[Math.floor(key / 256) + 1]++;
    for (let s = 0; s < states; s++) childStart[s + 1] += childStart[s];
    const childFill = childStart.slice(0, states);
    const children = new Int32Array(this.edges.size);
    const childByte = new Uint8Array(this.edges.size);
    for (const [key, child] of this.edges) {
      const parent = Math.floor(key / 256);
      children[childFill[parent]] = child;
      childByte[childFill[parent]++] = key % 256;
    }
    this.fail = new Int32Array(states);
    this.order = new Int32Array(states);
    let head = 0;
    let tail = 1; // order[0] = root
    while (head < tail) {
      const state = this.order[head++];
      for (let k = childStart[state]; k < childStart[state + 1]; k++) {
        const child = children[k];
        const byte = childByte[k];
        if (state === 0) {
          this.fail[child] = 0;
        } else {
          let f = this.fail[state];
          while (true) {
            const next = this.edges.get(f * 256 + byte);
            if (next !== undefined) {
              this.fail[child] = next;
              break;
            }
            if (f === 0) {
              this.fail[child] = 0;
              break;
            }
            f = this.fail[f];
          }
        }
        this.order[tail++] = child;
      }
    }
    this.visits = new Float64Array(states);
  }

  /** Scans one chunk of text (chunks are independent: no match spans two calls). */
  scan(text: Uint8Array): void {
    const edges = this.edges;
    const fail = this.fail;
    const visits = this.visits;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const byte = text[i];
      while (true) {
        const next = edges.get(state * 256 + byte);
        if (next !== undefined) {
          state = next;
          break;
        }
        if (state === 0) break;
        state = fail[state];
      }
      visits[state]++;
    }
  }

  /**
   * Occurrences of each pattern in everything scanned so far: a state's visits count for every
   * pattern on its failure chain, so visits flow from the deepest states up their failure links.
   */
  counts(): Float64Array {
    const total = Float64Array.from(this.visits);
    for (let k = this.order.length - 1; k > 0; k--) {
      const state = this.order[k];
      total[this.fail[state]] += total[state];
    }
    const result = new Float64Array(this.patternCount);
    for (let p = 0; p < this.patternCount; p++) result[p] = total[this.patternState[p]];
    return result;
  }

  reset(): void {
    this.visits.fill(0);
  }
}
