// The estimators the solve offers: the paper's LP over every attacked merge; the same LP over an
// evenly spread sample of the merges (replay still applies all of them); the LP with each row
// loosened by the counts' sampling noise; or the likelihood of the merges as softmax races
// (likelihood.ts). Their names, checks and the sampled steps' mask live here, so every command
// checks them the same way; the flag text itself is parsed in cli/estimator-flags.ts.
import { UserError } from '../common/errors.js';

export const ESTIMATORS = ['paper', 'sampled', 'noise-aware', 'likelihood'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

/** Merges the sampled estimator constrains by default: the paper's LP at 3,000 merges costs about this. */
export const DEFAULT_SAMPLED_STEPS = 3000;

/** Standard deviations the noise-aware estimator loosens each row by, by default. */
export const DEFAULT_NOISE_Z = 1;

export interface EstimatorOptions {
  /** 'paper' (default): every attacked merge gets constraints; 'sampled': `sampledSteps` of them. */
  estimator?: Estimator;
  /** With 'sampled': how many attacked merges get constraints (default DEFAULT_SAMPLED_STEPS). */
  sampledSteps?: number;
  /**
   * Noise-aware rows: each row loosened by noiseZ Poisson standard deviations of the counts per
   * category (lazy-lp.ts). Default DEFAULT_NOISE_Z with 'noise-aware', else 0 (the paper's LP);
   * a library caller may also give it without an estimator.
   */
  noiseZ?: number;
}

/** The z a solve loosens its rows by: 0 for the paper's LP. */
export function noiseZOf(options: EstimatorOptions): number {
  return options.noiseZ ?? (options.estimator === 'noise-aware' ? DEFAULT_NOISE_Z : 0);
}

/**
 * Largest noise z: rows loosened by more standard deviations than this hold for nearly every
 * mixture (the counts' own differences are a few sd at most), so the LP's optimum is 0 everywhere
 * and its "certified" answer an arbitrary vertex of the simplex.
 */
export const MAX_NOISE_Z = 10;

/** Checks a noise z: a finite number of standard deviations, from 0 to MAX_NOISE_Z. */
export function checkNoiseZ(z: number | undefined, text: string = String(z)): void {
  if (z === undefined) return;
  if (!Number.isFinite(z) || z < 0 || z > MAX_NOISE_Z) {
    throw new UserError(
      `--noise-z ${text}: expected a number of standard deviations from 0 to ${MAX_NOISE_Z} (e.g. 1; 0 gives the paper's LP; more loosens every row until any mixture fits)`,
      '--noise-z',
    );
  }
}

export function isEstimator(value: string): value is Estimator {
  return (ESTIMATORS as readonly string[]).includes(value);
}

/** Refuses a name that is no estimator (absent is fine: the paper's LP). */
export function checkEstimatorName(name: string | undefined): asserts name is Estimator | undefined {
  if (name !== undefined && !isEstimator(name)) {
    throw new UserError(
      `--estimator ${name}: unknown estimator; use one of ${ESTIMATORS.join(', ')}`,
      '--estimator',
    );
  }
}

/**
 * Checks estimator options given as values (library callers): --sampled-steps needs 'sampled',
 * --noise-z needs 'noise-aware' (or no estimator named, for library callers).
 */
export function checkEstimatorOptions(
  options: EstimatorOptions,
  stepsText = String(options.sampledSteps),
  zText = String(options.noiseZ),
): void {
  checkEstimatorName(options.estimator);
  checkNoiseZ(options.noiseZ, zText);
  // z = 0 is the paper's rows, which every estimator uses (infer passes noiseZOf's 0 along).
  if (options.noiseZ && options.estimator !== undefined && options.estimator !== 'noise-aware') {
    throw new UserError(
      `--noise-z ${zText}: only the noise-aware estimator takes it; add --estimator noise-aware`,
      '--noise-z',
    );
  }
  if (options.sampledSteps === undefined) return;
  if (!Number.isInteger(options.sampledSteps) || options.sampledSteps < 1) {
    throw new UserError(
      `--sampled-steps ${stepsText}: expected a positive whole number of merges to constrain, e.g. 3000`,
      '--sampled-steps',
    );
  }
  if (options.estimator !== 'sampled') {
    throw new UserError(
      `--sampled-steps ${stepsText}: only the sampled estimator samples steps; add --estimator sampled`,
      '--sampled-steps',
    );
  }
}

/**
 * The steps the LP leaves unconstrained (mask, 1 = applied only), or `excluded` unchanged for the
 * paper's estimator. Sampled: the eligible steps (firstStep..steps-1 less `excluded`), numbered
 * 0..A-1 in order, keep numbers ⌊k·A/N⌋ for k = 0..N-1 (N = sampledSteps; all of them when N ≥ A):
 * exactly min(N, A) steps, the first eligible one among them, spaced A/N apart.
 */
export function unconstrainedSteps(
  steps: number,
  firstStep: number,
  excluded: Uint8Array | undefined,
  options: EstimatorOptions,
): Uint8Array | undefined {
  if (options.estimator !== 'sampled') return excluded;
  const wanted = options.sampledSteps ?? DEFAULT_SAMPLED_STEPS;
  const eligible: number[] = [];
  for (let t = firstStep; t < steps; t++) if (excluded?.[t] !== 1) eligible.push(t);
  const A = eligible.length;
  if (wanted >= A) return excluded;
  const mask = new Uint8Array(steps).fill(1);
  for (let k = 0; k < wanted; k++) mask[eligible[Math.floor((k * A) / wanted)]] = 0;
  return mask;
}

/** How many of the attacked steps (firstStep..steps-1) a mask leaves constrained. */
export function constrainedCount(steps: number, firstStep: number, mask: Uint8Array | undefined): number {
  let count = 0;
  for (let t = firstStep; t < steps; t++) if (mask?.[t] !== 1) count++;
  return count;
}
