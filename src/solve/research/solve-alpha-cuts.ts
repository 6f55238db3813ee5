// solveMixture's research twin: the same LP solved by the alpha-cuts decomposition (alpha-cuts.ts)
// instead of the lazy constraint search. Reached only from bench/alpha-cuts.ts and its tests; the
// measurements that kept it out of the core are in bench/README.md ("alpha-cuts").
import type { Transcript } from '../../bpe/types.js';
import { noProgress } from '../../common/progress.js';
import type { MixtureEstimate, SolverBackend } from '../types.js';
import { buildPairUniverse } from '../pair-universe.js';
import { createBackend } from '../backends/index.js';
import { byteShareOf } from '../byte-share.js';
import { DEFAULT_TUNING } from '../constraint-search.js';
import {
  attackedSum,
  bytesPerPair,
  lpSettings,
  noteAbsent,
  prepareSolve,
  stopNote,
  worstMerges,
  type SolveMixtureOptions,
} from '../solve-mixture.js';
import { PricedMixtureLp } from './priced-lp.js';
import {
  DEFAULT_ALPHA_CUTS_TUNING,
  solveAlphaCuts,
  type AlphaCutsResult,
  type AlphaCutsTuning,
} from './alpha-cuts.js';

/** The mixture estimate by alpha-cuts; options as solveMixture's (checkpoints and warm starts unused). */
export async function solveMixtureByAlphaCuts(
  replayed: Transcript[],
  options: SolveMixtureOptions,
  tuning: Partial<AlphaCutsTuning> = {},
): Promise<MixtureEstimate> {
  const { transcripts, excluded, sampled } = prepareSolve(replayed, options);
  const started = performance.now();
  const deadline =
    options.timeLimitSeconds !== undefined ? started + options.timeLimitSeconds * 1000 : Infinity;
  const backend = await createBackend(options.backend ?? 'highs');
  try {
    const lp = new PricedMixtureLp(
      transcripts,
      buildPairUniverse(transcripts),
      lpSettings(options, excluded, DEFAULT_TUNING.competitorBatch),
    );
    // Its matching edges weigh the paper's rows only.
    if (lp.sweep.noiseZ > 0)
      throw new Error('solveMixtureByAlphaCuts: the alpha-cuts method has no noise-aware rows');
    const cuts = await solveAlphaCuts(lp, backend, {
      tuning: { ...DEFAULT_ALPHA_CUTS_TUNING, ...tuning },
      onProgress: options.onProgress ?? noProgress,
      deadline,
      gap: options.gap,
      signal: options.signal,
    });
    const estimate = alphaCutsEstimate(lp, cuts, transcripts, options, backend.name);
    estimate.sweepSeconds = (performance.now() - started) / 1000 - estimate.lpSeconds;
    noteAbsent(estimate, lp, excluded, sampled);
    return estimate;
  } finally {
    backend.dispose();
  }
}

/**
 * The estimate from the alpha-cuts solver: its best shares, their full-LP objective and the
 * master's lower bound. Uniqueness is not probed (the face probe needs the lazy LP's rows): the
 * note says so when the answer is certified.
 */
function alphaCutsEstimate(
  lp: PricedMixtureLp,
  cuts: AlphaCutsResult,
  transcripts: Transcript[],
  options: SolveMixtureOptions,
  backend: SolverBackend,
): MixtureEstimate {
  const pairShare = Array.from(cuts.alpha);
  const gapText = `${(100 * cuts.gap).toPrecision(3)}%`;
  return {
    pairShare,
    byteShare: byteShareOf(pairShare, bytesPerPair(transcripts)),
    backend,
    objective: cuts.upper / lp.scale,
    slackTotal: attackedSum(lp, cuts.stepSlack) / lp.scale,
    unexplainedMerges: worstMerges(lp, cuts.stepSlack, options.mergeList, options.unexplainedCount ?? 20),
    rounds: cuts.iterations,
    constraints: cuts.cuts,
    variables: lp.n + 1,
    sweepSeconds: 0,
    lpSeconds: cuts.masterSeconds,
    certified: cuts.certified,
    gap: cuts.gap,
    lowerBound: cuts.lower / lp.scale,
    upperBound: cuts.upper / lp.scale,
    ...(cuts.stopped ? { stopped: cuts.stopped } : {}),
    peakRows: cuts.cuts,
    peakNonzeros: cuts.peakEdges,
    peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
    uncertainty: {
      unique: false,
      note: cuts.certified
        ? `alpha-cuts solver: optimal within ${gapText}; uniqueness of the optimum not checked`
        : stopNote(cuts),
    },
  };
}
