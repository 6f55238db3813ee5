// A certified solve is a pure function of its transcripts and options, and the LP is most of a warm
// run's time (90 s of 111 for gpt-4o over `default`): its estimate is cached (stage `estimate`), so
// the same command run again answers in seconds. Uncertified ones (a gap, a time limit, Ctrl-C) are
// not kept: they resume from their checkpoint instead.
import type { Cache } from '../common/cache.js';
import { sha256 } from '../common/hash.js';
import type { Transcript } from '../bpe/types.js';
import { problemFingerprint } from './checkpoint.js';
import { solveMixture, type SolveMixtureOptions } from './solve-mixture.js';
import type { SolveMixtureTuning } from './constraint-search.js';
import type { MixtureEstimate } from './types.js';

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
    ...deciding
  } = options;
  const steps = transcripts[0]?.steps ?? 0;
  return {
    stage: 'estimate',
    problem: problemFingerprint(transcripts, options),
    merges: sha256(JSON.stringify(mergeList.slice(0, steps))),
    options: deciding,
    tuning,
  };
}

/** solveMixture, answered from `cache` when the same problem was solved to a certified optimum. */
export async function solveMixtureCached(
  transcripts: Transcript[],
  options: SolveMixtureOptions,
  cache: Cache | undefined,
  tuning: Partial<SolveMixtureTuning> = {},
): Promise<MixtureEstimate> {
  // Warm starts, exported rows, --no-resume and --resume <file> belong to a caller that wants the
  // solve itself.
  const resume = options.checkpoint?.resume ?? 'auto';
  if (cache === undefined || options.warmStart !== undefined || options.exportRows || resume !== 'auto') {
    return solveMixture(transcripts, options, tuning);
  }
  const key = estimateKey(transcripts, options, tuning);
  const cached = cache.read('estimate', key);
  if (cached !== undefined) {
    const estimate = JSON.parse(cached.toString('utf8')) as MixtureEstimate;
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
    const { checkpoint: _checkpoint, resumed: _resumed, ...kept } = estimate;
    cache.write('estimate', key, Buffer.from(JSON.stringify(kept), 'utf8'));
  }
  return estimate;
}
