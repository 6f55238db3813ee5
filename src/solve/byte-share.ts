// Pair share -> byte share: the LP's alpha counts pairs, users want bytes. Each category's share is
// weighted by its bytes-per-pair ratio and the result renormalized to sum to 1.

export function byteShareOf(pairShare: readonly number[], bytesPerPair: readonly number[]): number[] {
  const weighted = pairShare.map((share, i) => Math.max(0, share) * bytesPerPair[i]);
  const total = weighted.reduce((a, b) => a + b, 0);
  return total > 0 ? weighted.map((w) => w / total) : weighted;
}
