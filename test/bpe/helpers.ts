// Test helpers for the BPE engine: tiny WordCounts from strings and a brute-force BPE reference
// (string arrays, full recount at every step) to check the incremental engine against.
import type { WordCounts } from '../../src/corpus/types.js';
import type { Merge } from '../../src/tokenizer/spec.js';

export function makeCounts(name: string, entries: [string, number][]): WordCounts {
  let bytes = 0;
  for (const [word, count] of entries) bytes += Buffer.byteLength(word) * count;
  return {
    category: { name, kind: 'other' },
    words: entries.map(([w]) => w),
    counts: Float64Array.from(entries.map(([, c]) => c)),
    stats: {
      bytes,
      characters: bytes,
      sequences: 1,
      preTokens: entries.reduce((s, [, c]) => s + c, 0),
      distinctPreTokens: entries.length,
      replacedInvalid: 0,
    },
  };
}

/** Applies a merge to a symbol array: left to right, non-overlapping. */
export function bruteMerge(symbols: string[], [left, right]: Merge): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else out.push(symbols[i]);
  }
  return out;
}

/** Pair counts of words (key `left\u0000right`), overlapping pairs included. */
export function brutePairCounts(words: string[][], weights: number[]): Map<string, number> {
  const counts = new Map<string, number>();
  words.forEach((symbols, w) => {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = `${symbols[i]}\u0000${symbols[i + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + weights[w]);
    }
  });
  return counts;
}

/** Index of the first merge where two lists differ (a missing merge counts), or -1 when equal. */
export function firstDifference(a: readonly Merge[], b: readonly Merge[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.[0] !== b[i]?.[0] || a[i]?.[1] !== b[i]?.[1]) return i;
  }
  return -1;
}

/** A small deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
