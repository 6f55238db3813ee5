// The likelihood estimator (`--estimator likelihood`): each attacked merge wins a softmax race
// against the pairs near the top at its step (softmax-race.ts holds the objective and its solver).
// Candidates are generated lazily: a sweep over the steps keeps every pair's mixture count in a
// max-heap under the current shares and takes each step's top `candidates` pairs; rounds fit the
// races, sweep again under the fitted shares and add what is new, until a sweep adds little.
import type { Transcript } from '../bpe/types.js';
import type { Merge } from '../tokenizer/spec.js';
import type { ProgressCallback } from '../common/progress.js';
import { IndexedMaxHeap } from './indexed-heap.js';
import { buildPairUniverse, type PairUniverse } from './pair-universe.js';
import { byteShareOf } from './byte-share.js';
import { fitRaces, raceLogLikelihood, type SoftmaxRaces } from './softmax-race.js';
import type { MixtureEstimate, UnexplainedMerge } from './types.js';

export interface LikelihoodTuning {
  /** Pairs each sweep adds to a step's race: its top pairs under the sweep's shares (default 32). */
  candidates: number;
  /** Cap on Σβ, the races' inverse temperature in standard deviations (default 1000). */
  precisionCap: number;
  /** 'flat' (default): σ_t = 1; 'poisson': σ_t = sqrt of the merge's mixture count. */
  noiseScale: 'poisson' | 'flat';
  /** Most candidate rounds (sweep + fit); the last fit's objective is the one certified. */
  maxRounds: number;
  /** Rounds stop once a sweep adds fewer than this fraction of the candidates held (default 0.01). */
  newCandidateFraction: number;
  /** Relative Frank–Wolfe gap that certifies the fit (default 1e-7). */
  tolerance: number;
}

export const DEFAULT_LIKELIHOOD_TUNING: LikelihoodTuning = {
  candidates: 32,
  precisionCap: 1000,
  noiseScale: 'flat',
  maxRounds: 4,
  newCandidateFraction: 0.01,
  tolerance: 1e-7,
};

export interface LikelihoodOptions {
  mergeList: readonly Merge[];
  firstStep?: number;
  excludedSteps?: Uint8Array;
  timeLimitSeconds?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  unexplainedCount?: number;
}

/** The attacked steps whose merge occurs in some sample: each is one race. */
function raceSteps(universe: PairUniverse, firstStep: number, excluded?: Uint8Array): number[] {
  const steps: number[] = [];
  for (let t = firstStep; t < universe.steps; t++) {
    if (excluded?.[t] !== 1 && universe.mergeGlobal[t] >= 0) steps.push(t);
  }
  return steps;
}

/**
 * One sweep: under `generating` shares, adds each race step's top pairs (by mixture count) to its
 * candidate list, and builds the races' rows d = (x(p) − x(m)) / σ_t with x_i = c_i · unit_i and
 * σ_t from the `scaling` shares. Returns the races and how many candidates were new.
 */
function sweepRaces(
  transcripts: Transcript[],
  universe: PairUniverse,
  unit: Float64Array,
  steps: number[],
  candidates: Int32Array[],
  generating: Float64Array,
  scaling: Float64Array,
  tuning: LikelihoodTuning,
): { races: SoftmaxRaces; added: number } {
  const n = transcripts.length;
  const { occStart, occCategory, occLocal, localToGlobal, mergeGlobal } = universe;
  const counts = transcripts.map((t) => Float64Array.from(t.initialCounts));
  const priority = new Float64Array(universe.numPairs);
  transcripts.forEach((_, i) => {
    const w = generating[i] * unit[i];
    const map = localToGlobal[i];
    for (let l = 0; l < counts[i].length; l++) priority[map[l]] += w * counts[i][l];
  });
  const heap = new IndexedMaxHeap(priority);
  heap.rebuild(0);
  let added = 0;
  let d = new Float32Array(1 << 16);
  const start = new Uint32Array(steps.length + 1);
  let held = 0;
  const merge = new Float64Array(n);
  const pair = new Float64Array(n);
  const countsOf = (g: number, out: Float64Array) => {
    out.fill(0);
    for (let k = occStart[g]; k < occStart[g + 1]; k++) {
      out[occCategory[k]] = counts[occCategory[k]][occLocal[k]] * unit[occCategory[k]];
    }
  };
  const present = (g: number) => {
    for (let k = occStart[g]; k < occStart[g + 1]; k++)
      if (counts[occCategory[k]][occLocal[k]] > 0) return true;
    return false;
  };
  let next = 0;
  const lastStep = steps.length > 0 ? steps[steps.length - 1] : -1;
  for (let t = 0; t <= lastStep; t++) {
    if (steps[next] === t) {
      const m = mergeGlobal[t];
      const have = candidates[next];
      const found: number[] = [];
      // The top pairs, and every pair tied with the last of them: the races do not depend on how
      // pairs are numbered (so neither on the order of the categories).
      let visited = 0;
      let last = Infinity;
      heap.forEachAbove(0, (g) => {
        // A pair whose counts all fell to 0 can keep a rounding residue of priority.
        if (g === m || !present(g)) return true;
        if (visited >= tuning.candidates && priority[g] < last) return false;
        if (!have.includes(g)) found.push(g);
        if (++visited === tuning.candidates) last = priority[g];
        return true;
      });
      if (found.length > 0) {
        const union = new Int32Array(have.length + found.length);
        union.set(have);
        union.set(found, have.length);
        candidates[next] = union;
        added += found.length;
      }
      countsOf(m, merge);
      let mixture = 0;
      for (let i = 0; i < n; i++) mixture += scaling[i] * merge[i];
      const sigma = tuning.noiseScale === 'flat' ? 1 : Math.sqrt(Math.max(1, mixture));
      start[next] = held;
      for (const g of candidates[next]) {
        countsOf(g, pair);
        if ((held + 1) * n > d.length) {
          const bigger = new Float32Array(2 * d.length + n);
          bigger.set(d);
          d = bigger;
        }
        for (let i = 0; i < n; i++) d[held * n + i] = (pair[i] - merge[i]) / sigma;
        held++;
      }
      next++;
    }
    // Apply merge t: its changes move the counts and the priorities.
    for (let i = 0; i < n; i++) {
      const tr = transcripts[i];
      const w = generating[i] * unit[i];
      const map = localToGlobal[i];
      for (let k = tr.stepOffsets[t]; k < tr.stepOffsets[t + 1]; k++) {
        const l = tr.changePair[k];
        const change = tr.changeCount[k] - counts[i][l];
        if (change === 0) continue;
        counts[i][l] = tr.changeCount[k];
        if (w === 0) continue;
        const g = map[l];
        priority[g] += w * change;
        heap.update(g);
      }
    }
  }
  start[steps.length] = held;
  return { races: { n, start, d: d.subarray(0, held * n) }, added };
}

/** The merges least likely under the fit: their −log P(merge) stands where the LP puts a slack. */
function leastLikely(
  steps: number[],
  perRace: Float64Array,
  mergeList: readonly Merge[],
  count: number,
): UnexplainedMerge[] {
  const order = steps.map((_, s) => s).filter((s) => perRace[s] < -1e-9);
  order.sort((a, b) => perRace[a] - perRace[b] || a - b);
  return order.slice(0, count).map((s) => ({
    step: steps[s],
    merge: [mergeList[steps[s]][0], mergeList[steps[s]][1]],
    slack: -perRace[s],
  }));
}

/**
 * Fits the likelihood estimator over steps firstStep.. (less excludedSteps; merges in no sample
 * constrain nothing). The objective reported is the negative log-likelihood of the last round's
 * races; `gap` is the Frank–Wolfe gap relative to it, `certified` when it is below the tolerance.
 */
export async function solveLikelihood(
  transcripts: Transcript[],
  options: LikelihoodOptions,
  tuning: Partial<LikelihoodTuning> = {},
): Promise<MixtureEstimate> {
  const settings = { ...DEFAULT_LIKELIHOOD_TUNING, ...tuning };
  const started = performance.now();
  const deadline =
    options.timeLimitSeconds !== undefined ? started + options.timeLimitSeconds * 1000 : Infinity;
  const stopAt = () => (options.signal?.aborted ? 0 : deadline);
  const n = transcripts.length;
  const universe = buildPairUniverse(transcripts);
  // One occurrence in a typical category weighs about 1 (as the LP's scaling).
  const totals = transcripts.map((t) => t.totals.pairs);
  const scale = [...totals].sort((a, b) => a - b)[Math.floor(n / 2)];
  const unit = Float64Array.from(totals, (p) => scale / p);
  const steps = raceSteps(universe, options.firstStep ?? 0, options.excludedSteps);
  const candidates = steps.map(() => new Int32Array(0));
  const uniform = new Float64Array(n).fill(1 / n);
  let shares = uniform;
  let beta: Float64Array | undefined;
  let fit: ReturnType<typeof fitRaces> | undefined;
  let races: SoftmaxRaces | undefined;
  let sweepSeconds = 0;
  let fitSeconds = 0;
  let rounds = 0;
  let stopped: MixtureEstimate['stopped'];
  for (let round = 0; round < settings.maxRounds; round++) {
    // Candidates under the fitted shares, mixed with a little of the uniform mixture so that a
    // category at 0 still brings its top pairs.
    const generating = Float64Array.from(shares, (a) => 0.9 * a + 0.1 / n);
    let t0 = performance.now();
    const swept = sweepRaces(transcripts, universe, unit, steps, candidates, generating, shares, settings);
    sweepSeconds += (performance.now() - t0) / 1000;
    const heldBefore = races ? races.start[steps.length] : 0;
    races = swept.races;
    rounds++;
    options.onProgress?.({
      stage: 'solve',
      done: round + 1,
      total: settings.maxRounds,
      unit: 'rounds',
      detail: `likelihood round ${round + 1}: ${swept.added} new candidates (${races.start[steps.length]} held)`,
    });
    t0 = performance.now();
    fit = fitRaces(races, {
      precisionCap: settings.precisionCap,
      tolerance: settings.tolerance,
      deadline: stopAt(),
      start: beta,
    });
    fitSeconds += (performance.now() - t0) / 1000;
    if (process.env.TOKMIX_DEBUG_LIKELIHOOD)
      console.error(
        `round ${round}: ${fit.iterations} it, ll ${fit.logLikelihood.toFixed(3)}, gap ${fit.gap.toExponential(2)}, ` +
          `mass ${fit.beta.reduce((a, b) => a + b, 0).toFixed(2)}, ${((performance.now() - t0) / 1000).toFixed(1)} s, added ${swept.added}`,
      );
    beta = fit.beta;
    const mass = beta.reduce((a, b) => a + b, 0);
    shares = mass > 0 ? Float64Array.from(beta, (b) => b / mass) : uniform;
    if (performance.now() > stopAt()) {
      stopped = options.signal?.aborted ? 'interrupted' : 'time-limit';
      break;
    }
    if (round > 0 && swept.added < settings.newCandidateFraction * heldBefore) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const grad = new Float64Array(n);
  const perRace = new Float64Array(steps.length);
  const logLikelihood = races && beta ? raceLogLikelihood(races, beta, grad, perRace) : 0;
  const gapAbsolute = fit?.gap ?? 0;
  const objective = -logLikelihood;
  const gap = gapAbsolute / Math.max(1, objective);
  const certified = stopped === undefined && fit !== undefined && fit.converged;
  const pairShare = Array.from(shares);
  const held = races ? races.start[steps.length] : 0;
  return {
    pairShare,
    byteShare: byteShareOf(
      pairShare,
      transcripts.map((t) => t.totals.bytes / t.totals.pairs),
    ),
    backend: 'highs',
    objective,
    slackTotal: objective,
    unexplainedMerges: leastLikely(steps, perRace, options.mergeList, options.unexplainedCount ?? 20),
    rounds,
    constraints: held,
    variables: n,
    sweepSeconds,
    lpSeconds: fitSeconds,
    certified,
    gap,
    lowerBound: objective - gapAbsolute,
    upperBound: objective,
    ...(stopped ? { stopped } : certified ? {} : { stopped: 'solver-aborted' as const }),
    peakRows: held,
    peakNonzeros: held * n,
    peakMemoryBytes: process.resourceUsage().maxRSS * 1024,
  };
}
