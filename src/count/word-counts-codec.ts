// Compact forms of pre-token counts: packed (one joined string + UTF-16 lengths + counts) for
// passing between threads (see WordTable.pack), and a binary cache entry for a whole WordCounts.
import type { CategoryMeta, CategoryStats, WordCounts } from '../corpus/types.js';

/** Distinct pre-tokens as one string plus each one's UTF-16 length, and their counts. */
export interface PackedCounts {
  joined: string;
  lengths: Uint32Array;
  counts: Float64Array;
}

interface EntryHeader {
  category: CategoryMeta;
  stats: CategoryStats;
  notes: string[];
  distinct: number;
  joinedBytes: number;
}

/** Binary form: u32 header length, header JSON, padding to 8, f64 counts, u32 lengths, UTF-8 words. */
export function encodeWordCounts(wordCounts: WordCounts): Uint8Array {
  const n = wordCounts.words.length;
  const lengths = new Uint32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = wordCounts.words[i].length;
  const joined = Buffer.from(wordCounts.words.join(''), 'utf8');
  const header: EntryHeader = {
    category: wordCounts.category,
    stats: wordCounts.stats,
    notes: wordCounts.notes ?? [],
    distinct: n,
    joinedBytes: joined.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const countsAt = Math.ceil((4 + headerBytes.length) / 8) * 8;
  const lengthsAt = countsAt + 8 * n;
  const joinedAt = lengthsAt + 4 * n;
  const out = Buffer.alloc(joinedAt + joined.length);
  out.writeUInt32LE(headerBytes.length, 0);
  headerBytes.copy(out, 4);
  Buffer.from(wordCounts.counts.buffer, wordCounts.counts.byteOffset, 8 * n).copy(out, countsAt);
  Buffer.from(lengths.buffer).copy(out, lengthsAt);
  joined.copy(out, joinedAt);
  return out;
}

export function decodeWordCounts(payload: Uint8Array): WordCounts {
  const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const headerLength = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.toString('utf8', 4, 4 + headerLength)) as EntryHeader;
  const n = header.distinct;
  const countsAt = Math.ceil((4 + headerLength) / 8) * 8;
  const lengthsAt = countsAt + 8 * n;
  const joinedAt = lengthsAt + 4 * n;
  // Copy into fresh, aligned arrays (a Buffer's offset need not be a multiple of 8).
  const counts = new Float64Array(n);
  Buffer.from(counts.buffer).set(buffer.subarray(countsAt, lengthsAt));
  const lengths = new Uint32Array(n);
  Buffer.from(lengths.buffer).set(buffer.subarray(lengthsAt, joinedAt));
  const joined = buffer.toString('utf8', joinedAt, joinedAt + header.joinedBytes);
  const words = new Array<string>(n);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    words[i] = joined.slice(offset, offset + lengths[i]);
    offset += lengths[i];
  }
  return { category: header.category, words, counts, stats: header.stats, notes: header.notes };
}
