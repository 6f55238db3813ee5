// The token-classification baseline (TC): every vocabulary token is counted as a byte string in
// every category's sample, assigned to the category where it is most frequent (per byte of sample),
// and each category's share is the fraction of the vocabulary assigned to it.
import type { Alphabet, Merge } from '../tokenizer/spec.js';
import { byteLevelToBytes } from '../tokenizer/byte-level.js';
import { ByteMatcher } from './byte-matcher.js';
import { normalizeShares } from './metrics.js';

/** The bytes a token stands for: byte-level symbols decoded, `▁` read as a space for character alphabets. */
export function tokenBytes(token: string, alphabet: Alphabet): Uint8Array {
  if (alphabet === 'characters') return Buffer.from(token.replaceAll('\u2581', ' '), 'utf8');
  // A symbol outside GPT-2's byte table (not a byte-level token after all) is taken as text.
  return byteLevelToBytes(token) ?? Buffer.from(token, 'utf8');
}

/** The tokens the merge list creates (one per distinct merge result), as byte strings. */
export function vocabularyBytes(mergeList: readonly Merge[], alphabet: Alphabet): Uint8Array[] {
  const seen = new Set<string>();
  const vocabulary: Uint8Array[] = [];
  for (const [left, right] of mergeList) {
    const token = left + right;
    if (seen.has(token)) continue;
    seen.add(token);
    vocabulary.push(tokenBytes(token, alphabet));
  }
  return vocabulary;
}

export interface TokenOccurrences {
  /** Occurrences of each vocabulary token (overlapping ones included). */
  counts: Float64Array;
  /** Bytes of text scanned. */
  bytes: number;
}

/** Counts every vocabulary token in a category's sequences (no match spans two sequences). */
export async function countTokenOccurrences(
  vocabulary: readonly Uint8Array[],
  sequences: AsyncIterable<string> | Iterable<string>,
  matcher: ByteMatcher = new ByteMatcher(vocabulary),
): Promise<TokenOccurrences> {
  matcher.reset();
  let bytes = 0;
  for await (const sequence of sequences) {
    const encoded = Buffer.from(sequence, 'utf8');
    bytes += encoded.length;
    matcher.scan(encoded);
  }
  return { counts: matcher.counts(), bytes };
}

/**
 * Assigns each token to the category where its frequency per byte of sample is highest (tokens
 * found in no sample stay unassigned; ties go to the earlier category) and returns each category's
 * share of the assigned tokens.
 */
export function tokenClassificationShares(occurrences: readonly TokenOccurrences[]): number[] {
  const n = occurrences.length;
  const assigned = new Array<number>(n).fill(0);
  if (n === 0) return [];
  const tokens = occurrences[0].counts.length;
  for (let t = 0; t < tokens; t++) {
    let best = -1;
    let bestRate = 0;
    for (let i = 0; i < n; i++) {
      const { counts, bytes } = occurrences[i];
      const rate = bytes > 0 ? counts[t] / bytes : 0;
      if (rate > bestRate) {
        bestRate = rate;
        best = i;
      }
    }
    if (best >= 0) assigned[best]++;
  }
  return normalizeShares(assigned);
}
