// The transcript's changes as replay records them: (pair, new count) appended in fixed blocks, so
// the log holds what it recorded plus at most one block, where a doubling array holds up to twice
// that; joined into the transcript's two arrays at the end.

const BLOCK = 1 << 16;

export class ChangeLog {
  private readonly pairBlocks: Uint32Array[] = [];
  private readonly countBlocks: Float64Array[] = [];
  private pairs = new Uint32Array(BLOCK);
  private counts = new Float64Array(BLOCK);
  private filled = 0;
  /** Number of changes recorded. */
  size = 0;

  push(pair: number, count: number): void {
    if (this.filled === BLOCK) {
      this.pairBlocks.push(this.pairs);
      this.countBlocks.push(this.counts);
      this.pairs = new Uint32Array(BLOCK);
      this.counts = new Float64Array(BLOCK);
      this.filled = 0;
    }
    this.pairs[this.filled] = pair;
    this.counts[this.filled++] = count;
    this.size++;
  }

  /** The changes as two arrays of exactly `size` entries; the log is empty afterwards. */
  take(): { changePair: Uint32Array; changeCount: Float64Array } {
    const changePair = new Uint32Array(this.size);
    const changeCount = new Float64Array(this.size);
    let at = 0;
    for (let b = 0; b < this.pairBlocks.length; b++) {
      changePair.set(this.pairBlocks[b], at);
      changeCount.set(this.countBlocks[b], at);
      at += BLOCK;
    }
    changePair.set(this.pairs.subarray(0, this.filled), at);
    changeCount.set(this.counts.subarray(0, this.filled), at);
    this.pairBlocks.length = 0;
    this.countBlocks.length = 0;
    this.pairs = new Uint32Array(0);
    this.counts = new Float64Array(0);
    this.filled = 0;
    this.size = 0;
    return { changePair, changeCount };
  }
}
