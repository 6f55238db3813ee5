// Byte-budget sampling: every sequence gets a pseudo-random rank from (seed, file, key); a capped
// sample is the lowest-ranked sequences that fit, the next one cut at a character boundary. Ranks
// depend only on the content's position, so any chunking or worker count gives the same sample.

/** Ranks fall into this many buckets; a first pass sums bytes per bucket to find the threshold. */
export const RANK_BUCKETS = 1 << 16;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 rank for the sequence at `key` (byte offset or record index) of file `fileIndex`. */
export function sequenceRank(seed: number, fileIndex: number, key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 4294967296) >>> 0;
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(fileIndex + 1, 0x27d4eb2f));
  h = fmix32(h ^ low);
  h = fmix32(h ^ Math.imul(high + 1, 0x165667b1));
  return h;
}

export function rankBucket(rank: number): number {
  return rank >>> 16;
}

/** What the counting pass keeps: all sequences in buckets below `bucket`, and those in `bucket`
 *  go to the final selection (sorted by rank, taken while they fit in `remaining` bytes). */
export interface SamplePlan {
  bucket: number;
  /** Bytes left for the threshold bucket after all lower buckets. */
  remaining: number;
}

/** Finds the threshold bucket for a byte cap from the bytes per bucket; undefined = take all. */
export function planSample(bytesPerBucket: Float64Array, cap: number): SamplePlan | undefined {
  let total = 0;
  for (let b = 0; b < bytesPerBucket.length; b++) {
    if (total + bytesPerBucket[b] > cap) return { bucket: b, remaining: cap - total };
    total += bytesPerBucket[b];
  }
  return undefined;
}

/** A sequence of the threshold bucket, held until every file is read. */
export interface BoundarySequence {
  rank: number;
  fileIndex: number;
  key: number;
  text: string;
  bytes: number;
}

/** Orders the threshold bucket's sequences by rank, so the selection does not depend on reading order. */
export function compareBoundary(a: BoundarySequence, b: BoundarySequence): number {
  return a.rank - b.rank || a.fileIndex - b.fileIndex || a.key - b.key;
}
