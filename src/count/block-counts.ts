// Per-block pre-token counts for the bootstrap: a category's sample cut into blocks (runs of
// consecutive sequences, or one record of .jsonl/.csv), each block a sparse (word, count) list in
// typed arrays, so a resampled sample's counts are a weighted sum of block counts without re-reading.
import type { WordCounts } from '../corpus/types.js';
import type { SourceFormat } from '../corpus/formats.js';

/** Lines of a .txt file per block at most: pair counts are correlated across neighbouring lines. */
export const TEXT_LINES_PER_BLOCK = 16;
/** Blocks a sample keeps at least, where it has the lines: a small sample gets shorter blocks. */
export const MIN_BLOCKS = 200;

/**
 * Sequences per counted block for a file format: a .jsonl/.csv/.tsv record is a document of its
 * own; .txt lines are counted one per block and joined into runs later (coarsenBlocks), once the
 * sample's size is known.
 */
export function sequencesPerBlock(_format: SourceFormat): number {
  return 1;
}

/** Consecutive lines per block for a .txt sample of `lines` lines: up to 16, keeping MIN_BLOCKS. */
export function linesPerBlock(lines: number): number {
  return Math.max(1, Math.min(TEXT_LINES_PER_BLOCK, Math.floor(lines / MIN_BLOCKS)));
}

/** Joins runs of `size` consecutive blocks into one (word counts summed), for text samples. */
export function coarsenBlocks(blocks: BlockCounts, size: number, words: number): BlockCounts {
  if (size <= 1) return blocks;
  const nb = blocks.bytes.length;
  const sink = new BlockSink();
  const sum = new Float64Array(words);
  const seen = new Uint8Array(words);
  const touched: number[] = [];
  for (let first = 0; first < nb; first += size) {
    let bytes = 0;
    const last = Math.min(nb, first + size);
    for (let b = first; b < last; b++) {
      bytes += blocks.bytes[b];
      for (let k = blocks.start[b]; k < blocks.start[b + 1]; k++) {
        const w = blocks.word[k];
        if (!seen[w]) {
          seen[w] = 1;
          touched.push(w);
        }
        sum[w] += blocks.count[k];
      }
    }
    touched.sort((a, b) => a - b);
    sink.closeCounts(touched, sum, bytes);
    for (const w of touched) {
      seen[w] = 0;
      sum[w] = 0;
    }
    touched.length = 0;
  }
  return sink.finish();
}

/** Blocks b = 0..count-1: entries start[b]..start[b+1] of (word, count), and each block's bytes. */
export interface BlockCounts {
  start: Uint32Array;
  /** Word index (into WordCounts.words, or a worker's local ids before merging). */
  word: Uint32Array;
  count: Float64Array;
  bytes: Float64Array;
  /**
   * Each block's place in the sample (its read's order × 2^32 + its index in the read), when the
   * blocks were counted by reads spread over workers; mergeBlocks puts them in this order.
   */
  order?: Float64Array;
}

/** A category's counts with its block counts (present when counted with `blocks: true`). */
export type BlockedWordCounts = WordCounts & { blocks?: BlockCounts };

export function blockTotal(blocks: BlockCounts): number {
  return blocks.bytes.length;
}

/** Growable sink of closed blocks (one per category in a counting worker). */
export class BlockSink {
  private start: number[] = [0];
  private word = new Uint32Array(1 << 12);
  private count = new Float64Array(1 << 12);
  private bytes: number[] = [];
  private size = 0;
  /** Order keys of the closed blocks, once a read has named its place (beginRead). */
  private order: number[] | undefined;
  private readBase = 0;
  private inRead = 0;

  /** The blocks closed from now on belong to the read at place `order` of the sample. */
  beginRead(order: number): void {
    this.order ??= [];
    this.readBase = order * 2 ** 32;
    this.inRead = 0;
  }

  private closed(bytes: number): void {
    this.start.push(this.size);
    this.bytes.push(bytes);
    this.order?.push(this.readBase + this.inRead++);
  }

  /** Closes a block from its word occurrences (sorted in place) and its bytes. */
  close(occurrences: Uint32Array, bytes: number): void {
    if (occurrences.length === 0 && bytes === 0) return;
    occurrences.sort();
    for (let k = 0; k < occurrences.length;) {
      const id = occurrences[k];
      let end = k + 1;
      while (end < occurrences.length && occurrences[end] === id) end++;
      if (this.size === this.word.length) this.grow();
      this.word[this.size] = id;
      this.count[this.size++] = end - k;
      k = end;
    }
    this.closed(bytes);
  }

  /** Closes a block given its distinct words and their summed counts (`sum[word]`). */
  closeCounts(words: readonly number[], sum: Float64Array, bytes: number): void {
    for (const w of words) {
      if (this.size === this.word.length) this.grow();
      this.word[this.size] = w;
      this.count[this.size++] = sum[w];
    }
    this.closed(bytes);
  }

  private grow(): void {
    const word = new Uint32Array(this.word.length * 2);
    word.set(this.word);
    const count = new Float64Array(this.count.length * 2);
    count.set(this.count);
    this.word = word;
    this.count = count;
  }

  finish(): BlockCounts {
    return {
      start: Uint32Array.from(this.start),
      word: this.word.slice(0, this.size),
      count: this.count.slice(0, this.size),
      bytes: Float64Array.from(this.bytes),
      ...(this.order ? { order: Float64Array.from(this.order) } : {}),
    };
  }
}

/** Collects one read's sequences into blocks of `perBlock` sequences, closed into a sink. */
export class BlockBuilder {
  private occurrences = new Uint32Array(256);
  private used = 0;
  private sequences = 0;
  private bytes = 0;

  constructor(
    private readonly sink: BlockSink,
    private readonly perBlock: number,
  ) {}

  word(id: number): void {
    if (this.used === this.occurrences.length) {
      const bigger = new Uint32Array(this.used * 2);
      bigger.set(this.occurrences);
      this.occurrences = bigger;
    }
    this.occurrences[this.used++] = id;
  }

  endSequence(bytes: number): void {
    this.bytes += bytes;
    if (++this.sequences >= this.perBlock) this.flush();
  }

  /** Closes the open block (a read's last, possibly shorter one). */
  flush(): void {
    if (this.sequences > 0) this.sink.close(this.occurrences.subarray(0, this.used), this.bytes);
    this.used = 0;
    this.sequences = 0;
    this.bytes = 0;
  }
}

/**
 * Concatenates block lists, renumbering each part's words through its map (local id -> word index).
 * When every part carries order keys, the blocks come out in that order (the sample's own), so the
 * result does not depend on which worker read what.
 */
export function mergeBlocks(parts: { blocks: BlockCounts; map: Uint32Array }[]): BlockCounts {
  const all: { part: number; block: number; key: number }[] = [];
  let entries = 0;
  parts.forEach(({ blocks: b }, part) => {
    entries += b.word.length;
    for (let block = 0; block < b.bytes.length; block++)
      all.push({ part, block, key: b.order?.[block] ?? 0 });
  });
  if (parts.every(({ blocks: b }) => b.order !== undefined)) all.sort((x, y) => x.key - y.key);
  const out: BlockCounts = {
    start: new Uint32Array(all.length + 1),
    word: new Uint32Array(entries),
    count: new Float64Array(entries),
    bytes: new Float64Array(all.length),
  };
  let e = 0;
  all.forEach(({ part, block }, b) => {
    const { blocks: source, map } = parts[part];
    for (let k = source.start[block]; k < source.start[block + 1]; k++) {
      out.word[e] = map[source.word[k]];
      out.count[e++] = source.count[k];
    }
    out.bytes[b] = source.bytes[block];
    out.start[b + 1] = e;
  });
  return out;
}

/** Binary cache form: u32 blocks, u32 entries, then start, word, count, bytes (8-aligned). */
export function encodeBlocks(blocks: BlockCounts): Uint8Array {
  const nb = blocks.bytes.length;
  const ne = blocks.word.length;
  const startAt = 8;
  const wordAt = startAt + 4 * (nb + 1);
  const countAt = Math.ceil((wordAt + 4 * ne) / 8) * 8;
  const bytesAt = countAt + 8 * ne;
  const out = Buffer.alloc(bytesAt + 8 * nb);
  out.writeUInt32LE(nb, 0);
  out.writeUInt32LE(ne, 4);
  const put = (at: number, a: Uint32Array | Float64Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, at);
  put(startAt, blocks.start);
  put(wordAt, blocks.word);
  put(countAt, blocks.count);
  put(bytesAt, blocks.bytes);
  return out;
}

export function decodeBlocks(payload: Uint8Array): BlockCounts {
  const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const nb = buffer.readUInt32LE(0);
  const ne = buffer.readUInt32LE(4);
  const wordAt = 8 + 4 * (nb + 1);
  const countAt = Math.ceil((wordAt + 4 * ne) / 8) * 8;
  const bytesAt = countAt + 8 * ne;
  const take = <T extends Uint32Array | Float64Array>(at: number, into: T): T => {
    Buffer.from(into.buffer).set(buffer.subarray(at, at + into.byteLength));
    return into;
  };
  return {
    start: take(8, new Uint32Array(nb + 1)),
    word: take(wordAt, new Uint32Array(ne)),
    count: take(countAt, new Float64Array(ne)),
    bytes: take(bytesAt, new Float64Array(nb)),
  };
}
