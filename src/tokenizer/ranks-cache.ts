// Merges from ranks, cached (stage `ranks`): deriving o200k's 200k merges takes a second or more,
// and the key is the rank list's content, so a rank file given by path, a built-in whose package
// version moved with the same ranks, or any code change outside the converter all hit the entry.
// The stage's code fingerprint is the converter's (merges-from-ranks.js and what it imports).
import type { Cache } from '../common/cache.js';
import { sha256 } from '../common/hash.js';
import { mergesFromRanks, type RankDerivation } from './merges-from-ranks.js';

export const RANKS_STAGE = 'ranks';

/** mergesFromRanks, read from `cache` when the same tokens were converted before (and stored there after). */
export function cachedMergesFromRanks(
  tokensByRank: readonly string[],
  source: string,
  cache: Cache | undefined,
): RankDerivation {
  if (cache === undefined) return mergesFromRanks(tokensByRank, source);
  // JSON keeps token boundaries unambiguous whatever the tokens hold.
  const key = { stage: RANKS_STAGE, tokens: sha256(JSON.stringify(tokensByRank)) };
  const cached = cache.readJson<RankDerivation>(RANKS_STAGE, key);
  if (cached !== undefined && Array.isArray(cached.mergeList) && Array.isArray(cached.unreachable)) {
    cache.stats.hits++;
    return cached;
  }
  cache.stats.misses++;
  const derived = mergesFromRanks(tokensByRank, source);
  cache.writeJson(RANKS_STAGE, key, derived);
  return derived;
}
