// Intervals are a pure function of the point estimate's problem, the samples' blocks and the
// bootstrap's settings (replicates are seeded, and their warm start is the point's optimum), so they
// are cached with the stability prefixes (stage `intervals`): a warm run with intervals then costs
// about what a warm point estimate does (DESIGN.md, "Intervals").
import { createHash } from 'node:crypto';
import type { Cache } from '../common/cache.js';
import type { Transcript } from '../bpe/types.js';
import type { BlockedWordCounts } from '../count/block-counts.js';
import { problemFingerprint, type LpDefiningOptions } from '../solve/checkpoint.js';
import { mergesFingerprint } from '../solve/cached-solve.js';
import type { Merge } from '../tokenizer/spec.js';
import type { BootstrapIntervals, PrefixEstimate } from './bootstrap.js';

export interface CachedIntervals {
  intervals: BootstrapIntervals;
  prefixes: PrefixEstimate[];
}

/** A hash of what replicates resample: each category's words, counts and blocks, in order. */
function samplesFingerprint(counts: readonly BlockedWordCounts[]): string {
  const hash = createHash('sha256');
  for (const c of counts) {
    hash.update(`${c.category.name}\u0000${c.category.kind ?? ''}\u0000${c.words.length}\u0000`);
    hash.update(c.words.join('\u0000'));
    const blocks = c.blocks;
    const arrays = [c.counts, blocks?.start, blocks?.word, blocks?.count, blocks?.bytes, blocks?.order];
    for (const array of arrays) {
      if (array === undefined) {
        hash.update('-');
        continue;
      }
      hash.update(`${array.length}:`);
      hash.update(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    }
  }
  return hash.digest('hex');
}

/**
 * The cache key of a run's intervals: the point estimate's LP (transcripts and defining options),
 * the point itself, the resampled samples, the merges, and every setting of the bootstrap.
 */
export function intervalsKey(
  transcripts: readonly Transcript[],
  lp: LpDefiningOptions,
  counts: readonly BlockedWordCounts[],
  mergeList: readonly Merge[],
  point: { byteShare: readonly number[]; pairShare: readonly number[] },
  settings: Record<string, unknown>,
): unknown {
  return {
    stage: 'intervals',
    problem: problemFingerprint(transcripts, lp),
    samples: samplesFingerprint(counts),
    merges: mergesFingerprint(mergeList, transcripts[0]?.steps ?? 0),
    point: { byteShare: point.byteShare, pairShare: point.pairShare },
    settings,
  };
}

export function readCachedIntervals(cache: Cache, key: unknown): CachedIntervals | undefined {
  const hit = cache.readJson<CachedIntervals>('intervals', key);
  return hit && Array.isArray(hit.intervals?.byteShareCI) && Array.isArray(hit.prefixes) ? hit : undefined;
}

export function writeCachedIntervals(cache: Cache, key: unknown, value: CachedIntervals): void {
  cache.writeJson('intervals', key, value);
}
