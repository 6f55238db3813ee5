// A certified solve is a pure function of its transcripts and options, and the LP is most of a warm
// run's time (90 s of 111 for gpt-4o over `default`): its estimate is cached (stage `estimate`), so
// the same command run again answers in seconds. Uncertified ones (a gap, a time limit, Ctrl-C) are
// not kept: they resume from their checkpoint instead. A caller that wants the optimum's rows (to
// warm-start interval replicates) finds them in a second entry (stage `estimate-rows`) beside it,
// so a warm run with intervals does not solve again either.
import type { Cache } from '../common/cache.js';
import { sha256 } from '../common/hash.js';
import type { Transcript } from '../bpe/types.js';
import { problemFingerprint } from './checkpoint.js';
import { solveMixture, type SolveMixtureOptions } from './solve-mixture.js';
import type { SolveMixtureTuning } from './constraint-search.js';
import type { MixtureEstimate } from './types.js';
import type { WarmRow } from './mixture-lp.js';

/** What decides the estimate besides the transcripts: every option but progress, limits and signals. */
function estimateKey(
  transcripts: readonly Transcript[],
  options: SolveMixtureOptions,
  tuning: Partial<SolveMixtureTuning>,
): unknown {
  const {
    mergeList,
    onProgress: _onProgress,
    signal: _signal,
    timeLimitSeconds: _timeLimit,
    checkpoint: _checkpoint,
    // Rows are read from their own entry: asking for them does not change the estimate.
    exportRows: _exportRows,
    ...deciding
  } = options;
  const steps = transcripts[0]?.steps ?? 0;
  return {
    stage: 'estimate',
    problem: problemFingerprint(transcripts, options),
    merges: mergesFingerprint(mergeList, steps),
    options: deciding,
    tuning,
  };
}

/** A hash of the merges a problem replays (its first `steps`): part of every key built on a solve. */
export function mergesFingerprint(mergeList: SolveMixtureOptions['mergeList'], steps: number): string {
  return sha256(JSON.stringify(mergeList.slice(0, steps)));
}

/** solveMixture, answered from `cache` when the same problem was solved to a certified optimum. */
export async function solveMixtureCached(
  transcripts: Transcript[],
  options: SolveMixtureOptions,
  cache: Cache | undefined,
  tuning: Partial<SolveMixtureTuning> = {},
): Promise<MixtureEstimate> {
  // Warm starts, --no-resume and --resume <file> belong to a caller that wants the solve itself.
  const resume = options.checkpoint?.resume ?? 'auto';
  if (cache === undefined || options.warmStart !== undefined || resume !== 'auto') {
    return solveMixture(transcripts, options, tuning);
  }
  const key = estimateKey(transcripts, options, tuning);
  const cached = cache.read('estimate', key);
  const cachedRows =
    cached !== undefined && options.exportRows ? cache.read('estimate-rows', key) : undefined;
  if (cached !== undefined && (!options.exportRows || cachedRows !== undefined)) {
    const estimate = JSON.parse(cached.toString('utf8')) as MixtureEstimate;
    if (cachedRows !== undefined) estimate.rows = decodeRows(cachedRows);
    options.onProgress?.({
      stage: 'solve',
      done: estimate.rounds,
      total: estimate.rounds,
      unit: 'rounds',
      detail: 'cached',
    });
    return { ...estimate, cached: true };
  }
  const estimate = await solveMixture(transcripts, options, tuning);
  if (estimate.certified && estimate.stopped === undefined) {
    const { checkpoint: _checkpoint, resumed: _resumed, rows, ...kept } = estimate;
    cache.write('estimate', key, Buffer.from(JSON.stringify(kept), 'utf8'));
    if (rows !== undefined) cache.write('estimate-rows', key, encodeRows(rows));
  }
  return estimate;
}

/** Rows as three little-endian int32 columns (step, left, right): JSON would be 10× larger. */
export function encodeRows(rows: readonly WarmRow[]): Buffer {
  const out = Buffer.alloc(12 * rows.length);
  rows.forEach((r, k) => {
    out.writeInt32LE(r.step, 12 * k);
    out.writeInt32LE(r.left, 12 * k + 4);
    out.writeInt32LE(r.right, 12 * k + 8);
  });
  return out;
}

export function decodeRows(bytes: Buffer): WarmRow[] {
  const rows: WarmRow[] = [];
  for (let at = 0; at + 12 <= bytes.length; at += 12) {
    rows.push({
      step: bytes.readInt32LE(at),
      left: bytes.readInt32LE(at + 4),
      right: bytes.readInt32LE(at + 8),
    });
  }
  return rows;
}
