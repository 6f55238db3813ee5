// One controlled trial (paper §4): pick n categories and their true shares, build a training text
// of that mixture, train a tokenizer on it, infer the mixture back from its merge list, run the
// baselines on the same trial, and score every estimate against the truth.
import { join } from 'node:path';
import type { CategorySpec, WordCounts } from '../corpus/types.js';
import type { Merge, TokenizerSpec } from '../tokenizer/spec.js';
import type { SolverBackend } from '../solve/types.js';
import type { ValidationTrial } from '../report/result.js';
import type { Cache } from '../common/cache.js';
import type { ProgressCallback } from '../common/progress.js';
import { countCategories } from '../count/count.js';
import { readSequences } from '../corpus/read.js';
import { wordCountsHash } from '../bpe/replay-categories.js';
import { trainBpe } from '../bpe/train.js';
import { estimateMixture } from '../solve/estimate-mixture.js';
import { bootstrapMixture } from '../bootstrap/bootstrap.js';
import { ESTIMATORS, isEstimator } from '../solve/estimator.js';
import { trainTrialTokenizer } from './trial-train.js';
import { createRng, deriveSeed, sampleWithoutReplacement } from '../common/random.js';
import { sampleFromSimplex } from './simplex.js';
import { log10Mse, normalizeShares } from './metrics.js';
import { randomBaseline, uniformBaseline } from './baselines.js';
import { teeBaseline } from './tee.js';
import { ByteMatcher } from './byte-matcher.js';
import { countTokenOccurrences, tokenClassificationShares, vocabularyBytes } from './tc.js';
import { splitCategory } from './halves.js';

export type MixtureTrainer = 'native' | 'tokmix';
/**
 * `tokmix` is the estimator of --estimator; an estimator's own name (paper, likelihood, ...) runs
 * that estimator on the same trial, so one table compares estimators over paired trials.
 */
export const TRIAL_METHODS = ['tokmix', 'tee', 'tc', 'random', 'uniform', ...ESTIMATORS] as const;
export type TrialMethod = (typeof TRIAL_METHODS)[number];

/** Everything that determines a trial's outcome (its cache key, with the set's identity). */
export interface TrialSettings {
  n: number;
  /** Trial index within its n. */
  trial: number;
  /** The run's base seed; the trial's own seed derives from (seed, n, trial). */
  seed: number;
  merges: number;
  /** Bytes of the training text. */
  totalBytes: number;
  /** Cap on each category's estimation sample in bytes (absent: the whole category). */
  sampleBytes?: number;
  trainer: MixtureTrainer;
  shift: boolean;
  omit: number;
  /** The pre-tokenization the tokenizers are trained and replayed with. */
  text: Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;
  backend: SolverBackend;
  /** Noise-aware rows for tokmix's estimate (absent: the paper's LP). */
  noiseZ?: number;
  methods: readonly TrialMethod[];
  /** Bootstrap replicates for tokmix's intervals (absent: none), at level `ci`. */
  bootstrap?: number;
  ci?: number;
  /** tokmix's estimator (absent: the paper's LP) and, when sampled, the merges it constrains. */
  estimator?: 'sampled';
  sampledSteps?: number;
  /** Seconds tokmix's solve may take (absent: to its certificate); a stopped solve is scored as is. */
  solveTimeLimit?: number;
}

export interface TrialContext {
  /** The whole category set the n categories are drawn from. */
  categories: CategorySpec[];
  /** Folder for training texts (deleted after training) and --shift halves. */
  workDir: string;
  cache?: Cache;
  /** Worker threads for counting inside this trial. */
  countJobs?: number;
  onProgress?: ProgressCallback;
  /**
   * Called once tokmix's point estimate is made, with what the intervals are computed from and the
   * truth they are scored against (bench/intervals.ts compares interval methods on the same trials).
   */
  onEstimated?: (trial: EstimatedTrial) => Promise<void>;
}

/** A trial's counts, merges, point estimate and truth over the candidates. */
export interface EstimatedTrial {
  counts: Awaited<ReturnType<typeof countCategories>>;
  spec: { alphabet: TokenizerSpec['alphabet']; mergeList: Merge[] };
  steps: number;
  estimate: Awaited<ReturnType<typeof estimateMixture>>['estimate'];
  candidateTruth: number[];
  seed: number;
}

/** The trial's own seed. */
export function trialSeed(settings: Pick<TrialSettings, 'seed' | 'n' | 'trial'>): number {
  return deriveSeed('tokmix-trial', settings.seed, settings.n, settings.trial);
}

/** The categories (indices into the set), true weights and omitted positions a trial draws. */
export function drawTrial(
  setSize: number,
  settings: Pick<TrialSettings, 'seed' | 'n' | 'trial' | 'omit'>,
): { picked: number[]; weights: number[]; omitted: number[] } {
  const rng = createRng(trialSeed(settings));
  const picked = sampleWithoutReplacement(setSize, settings.n, rng);
  const weights = sampleFromSimplex(settings.n, rng);
  const omitted = sampleWithoutReplacement(settings.n, settings.omit, rng).sort((a, b) => a - b);
  return { picked, weights, omitted };
}

const now = (): number => performance.now() / 1000;

/** A single-category tokenizer of `merges` merges, cached by the category's counts. */
function singleCategoryMerges(sample: WordCounts, merges: number, cache: Cache | undefined): Merge[] {
  const key = { stage: 'tee-single', counts: wordCountsHash(sample), merges };
  const cached = cache?.readJson<Merge[]>('tee-single', key);
  if (cached) return cached;
  const mergeList = trainBpe([sample], merges);
  cache?.writeJson('tee-single', key, mergeList);
  return mergeList;
}

async function tokenClassification(
  estimation: CategorySpec[],
  mergeList: readonly Merge[],
  settings: TrialSettings,
): Promise<number[]> {
  const vocabulary = vocabularyBytes(mergeList, settings.text.alphabet);
  const matcher = new ByteMatcher(vocabulary);
  const occurrences = [];
  for (const category of estimation) {
    const sequences = readSequences(category, { bytes: settings.sampleBytes, seed: settings.seed });
    occurrences.push(await countTokenOccurrences(vocabulary, sequences, matcher));
  }
  return tokenClassificationShares(occurrences);
}

/** A trial up to its estimate: the counted candidates, the trained merges and the truth over them. */
export interface TrialProblem {
  seed: number;
  chosen: CategorySpec[];
  truth: number[];
  candidates: CategorySpec[];
  candidateTruth: number[];
  counts: WordCounts[];
  mergeList: Merge[];
  steps: number;
  seconds: { train: number; count: number };
}

/** Draws, trains (cached) and counts one trial: everything an estimator needs (benches use it too). */
export async function trialProblem(settings: TrialSettings, context: TrialContext): Promise<TrialProblem> {
  const { categories, cache, onProgress } = context;
  const seed = trialSeed(settings);
  const { picked, weights, omitted } = drawTrial(categories.length, settings);
  const chosen = picked.map((i) => categories[i]);
  const report = (detail: string) =>
    onProgress?.({ stage: 'trial', done: 0, total: 0, unit: 'items', detail });

  // Training and estimation samples: the same category files, or the two halves under --shift.
  let trainSpecs = chosen;
  let estimateSpecs = chosen;
  if (settings.shift) {
    const halves = [];
    for (const c of chosen) halves.push(await splitCategory(c, join(context.workDir, 'halves')));
    trainSpecs = halves.map((h) => h.train);
    estimateSpecs = halves.map((h) => h.estimate);
  }

  let t0 = now();
  const trained = await trainTrialTokenizer(trainSpecs, weights, seed, settings, context, report);
  const train = now() - t0;
  const truth = normalizeShares(chosen.map((c) => trained.bytes[c.name] ?? 0));
  const steps = Math.min(settings.merges, trained.mergeList.length);
  const mergeList = trained.mergeList.slice(0, steps);

  // The candidate set: the n categories minus the omitted ones; the truth renormalized over them.
  const keep = chosen.map((_, i) => i).filter((i) => !omitted.includes(i));
  const candidates = keep.map((i) => estimateSpecs[i]);
  const candidateTruth = normalizeShares(keep.map((i) => truth[i]));

  t0 = now();
  report(`n=${settings.n} trial ${settings.trial}: counting`);
  const counts = await countCategories(candidates, settings.text, {
    bytes: settings.sampleBytes,
    seed: settings.seed,
    jobs: context.countJobs ?? 1,
    cache,
    blocks: settings.bootstrap !== undefined || context.onEstimated !== undefined,
  });
  return {
    seed,
    chosen,
    truth,
    candidates,
    candidateTruth,
    counts,
    mergeList,
    steps,
    seconds: { train, count: now() - t0 },
  };
}

/** Runs one trial end to end and scores it. */
export async function runTrial(settings: TrialSettings, context: TrialContext): Promise<ValidationTrial> {
  const { cache, onProgress } = context;
  const report = (detail: string) =>
    onProgress?.({ stage: 'trial', done: 0, total: 0, unit: 'items', detail });
  const problem = await trialProblem(settings, context);
  const { seed, chosen, truth, candidates, candidateTruth, counts, mergeList, steps } = problem;
  const seconds = { ...problem.seconds, replay: 0, solve: 0, baselines: 0 };
  let t0 = now();
  let intervals: ValidationTrial['intervals'];
  let tokmixGap: number | undefined;

  const estimates: Record<string, number[]> = {};
  if (settings.methods.includes('tokmix')) {
    report(`n=${settings.n} trial ${settings.trial}: replay and solve`);
    const spec = { alphabet: settings.text.alphabet, mergeList };
    const estimated = await estimateMixture(counts, spec, steps, {
      backend: settings.backend,
      estimator: settings.estimator,
      sampledSteps: settings.sampledSteps,
      noiseZ: settings.noiseZ,
      timeLimitSeconds: settings.solveTimeLimit,
      uncertainty: false,
      cache,
      exportRows: settings.bootstrap !== undefined || context.onEstimated !== undefined,
    });
    await context.onEstimated?.({ counts, spec, steps, estimate: estimated.estimate, candidateTruth, seed });
    seconds.replay = estimated.seconds.replay;
    seconds.solve = estimated.seconds.solve;
    estimates.tokmix = estimated.estimate.byteShare;
    if (!estimated.estimate.certified) tokmixGap = estimated.estimate.gap;
    if (settings.bootstrap !== undefined) {
      // One thread: the trials themselves already run one per core.
      const b = await bootstrapMixture(
        counts,
        spec,
        steps,
        { ...estimated.estimate, rows: estimated.estimate.rows ?? [] },
        {
          replicates: settings.bootstrap,
          level: settings.ci,
          seed,
          jobs: 1,
          backend: settings.backend,
          // The replicates run the point estimate's estimator.
          estimator: settings.estimator,
          sampledSteps: settings.sampledSteps,
          noiseZ: settings.noiseZ,
        },
      );
      intervals = { level: b.level, method: b.method, byteShareCI: b.byteShareCI, seconds: b.seconds };
    }
  }

  // Estimators by name, each on the same counts and merges (replay comes from the cache).
  const estimatorSeconds: Record<string, number> = {};
  const estimatorGaps: Record<string, number> = {};
  for (const method of settings.methods) {
    if (!isEstimator(method)) continue;
    report(`n=${settings.n} trial ${settings.trial}: estimator ${method}`);
    const estimated = await estimateMixture(counts, { alphabet: settings.text.alphabet, mergeList }, steps, {
      backend: settings.backend,
      estimator: method,
      ...(method === 'noise-aware' && settings.noiseZ !== undefined ? { noiseZ: settings.noiseZ } : {}),
      ...(method === 'sampled' && settings.sampledSteps !== undefined
        ? { sampledSteps: settings.sampledSteps }
        : {}),
      timeLimitSeconds: settings.solveTimeLimit,
      uncertainty: false,
      cache,
    });
    estimates[method] = estimated.estimate.byteShare;
    estimatorSeconds[method] = estimated.seconds.solve;
    estimatorGaps[method] = estimated.estimate.certified ? 0 : estimated.estimate.gap;
  }

  t0 = now();
  const m = candidates.length;
  if (settings.methods.includes('tee')) {
    report(`n=${settings.n} trial ${settings.trial}: baseline tee`);
    estimates.tee = teeBaseline(counts, mergeList, (s) => singleCategoryMerges(s, steps, cache)).shares;
  }
  if (settings.methods.includes('tc')) {
    report(`n=${settings.n} trial ${settings.trial}: baseline tc`);
    estimates.tc = await tokenClassification(candidates, mergeList, settings);
  }
  if (settings.methods.includes('random')) {
    estimates.random = randomBaseline(m, createRng(deriveSeed('tokmix-random-guess', seed)));
  }
  if (settings.methods.includes('uniform')) estimates.uniform = uniformBaseline(m);
  seconds.baselines = now() - t0;

  const scores: Record<string, number> = {};
  for (const [method, shares] of Object.entries(estimates)) scores[method] = log10Mse(candidateTruth, shares);
  return {
    n: settings.n,
    trial: settings.trial,
    seed,
    categories: chosen.map((c) => c.name),
    truth,
    candidates: candidates.map((c) => c.name),
    estimates,
    log10Mse: scores,
    seconds,
    ...(intervals ? { intervals } : {}),
    ...(tokmixGap !== undefined ? { tokmixGap } : {}),
    ...(Object.keys(estimatorSeconds).length > 0 ? { estimatorSeconds, estimatorGaps } : {}),
  };
}
