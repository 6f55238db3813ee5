// SentencePiece-converted merge lists (Llama, Mistral) hold several merges producing one token; the
// paper (App. C.3) keeps, per token, the merge built from the earliest merges. Done here as in the
// reference implementation: compare the sorted ranks of all merges each candidate is built from.
import type { Merge } from './spec.js';

export interface CleanedMerges {
  mergeList: Merge[];
  /** Merges dropped because another merge producing the same token was built from earlier merges. */
  dropped: number;
}

const codePoints = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
};

/** Keeps one merge per produced token, ordered by the token's (last) position in the list. */
export function cleanSentencePieceMerges(merges: readonly Merge[]): CleanedMerges {
  const tokenRank = new Map<string, number>();
  const candidates = new Map<string, Merge[]>();
  merges.forEach((merge, index) => {
    const token = merge[0] + merge[1];
    tokenRank.set(token, index);
    const list = candidates.get(token);
    if (list) list.push(merge);
    else candidates.set(token, [merge]);
  });
  const used = new Map<string, Merge>();
  const ranksOf = (token: string, out: number[]): void => {
    const rank = tokenRank.get(token);
    if (rank === undefined) return; // a base symbol (rank -1 in the reference: filtered out)
    const merge = used.get(token);
    if (merge === undefined) {
      out.push(Infinity); // not formed by any merge chosen so far
      return;
    }
    ranksOf(merge[0], out);
    ranksOf(merge[1], out);
    out.push(rank);
  };
  for (const [token, group] of candidates) {
    if (group.length === 1) {
      used.set(token, group[0]);
      continue;
    }
    // Of a pair present in both orders, keep the one with the longer left part.
    const removed = new Set<number>();
    group.forEach(([l, r], k) => {
      for (let j = 0; j < k; j++) {
        const [pl, pr] = group[j];
        if (pl === r && pr === l) {
          const longerLeft = codePoints(l) > codePoints(r);
          const shorterLeft = codePoints(l) < codePoints(r);
          if (longerLeft) removed.add(j);
          else if (shorterLeft) removed.add(k);
        }
      }
    });
    let best: Merge | undefined;
    let bestRanks: number[] = [];
    group.forEach((merge, k) => {
      if (removed.has(k)) return;
      const ranks: number[] = [];
      ranksOf(merge[0], ranks);
      ranksOf(merge[1], ranks);
      ranks.sort((a, b) => a - b);
      if (best === undefined || compareLists(ranks, bestRanks) < 0) {
        best = merge;
        bestRanks = ranks;
      }
    });
    used.set(token, best ?? group[0]);
  }
  const tokens = [...used.keys()].sort((a, b) => tokenRank.get(a)! - tokenRank.get(b)!);
  return { mergeList: tokens.map((t) => used.get(t)!), dropped: merges.length - tokens.length };
}

/** Python's list ordering: lexicographic, a proper prefix first. */
function compareLists(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return a.length - b.length;
}
