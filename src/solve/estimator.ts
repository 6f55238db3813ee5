// The estimators the solve offers: the paper's LP over every attacked merge, or the same LP over an
// evenly spread sample of the merges (replay still applies all of them). Their names, checks and
// the sampled steps' mask live here, so the commands parse them in one place.
import { UserError } from '../common/errors.js';

export const ESTIMATORS = ['paper', 'sampled'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

/** Merges the sampled estimator constrains by default: the paper's LP at 3,000 merges costs about this. */
export const DEFAULT_SAMPLED_STEPS = 3000;

export interface EstimatorOptions {
  /** 'paper' (default): every attacked merge gets constraints; 'sampled': `sampledSteps` of them. */
  estimator?: Estimator;
  /** With 'sampled': how many attacked merges get constraints (default DEFAULT_SAMPLED_STEPS). */
  sampledSteps?: number;
}

export function isEstimator(value: string): value is Estimator {
  return (ESTIMATORS as readonly string[]).includes(value);
}

/**
 * Checks --estimator and --sampled-steps as typed (`sampledStepsText` is the flag's text, when
 * given) and returns them as options. Bad values are the user's to fix.
 */
export function parseEstimatorFlags(
  estimatorText: string | undefined,
  sampledStepsText: string | undefined,
): EstimatorOptions {
  if (estimatorText !== undefined && !isEstimator(estimatorText)) {
    throw new UserError(
      `--estimator ${estimatorText}: unknown estimator; use one of ${ESTIMATORS.join(', ')}`,
      '--estimator',
    );
  }
  const estimator = estimatorText as Estimator | undefined;
  if (sampledStepsText === undefined) return estimator === undefined ? {} : { estimator };
  const sampledSteps = /^\s*\d+\s*$/.test(sampledStepsText) ? Number(sampledStepsText) : Number.NaN;
  const options = { estimator, sampledSteps };
  checkEstimatorOptions(options, sampledStepsText.trim());
  return options;
}

/** Checks estimator options given as values (library callers): --sampled-steps needs 'sampled'. */
export function checkEstimatorOptions(options: EstimatorOptions, text = String(options.sampledSteps)): void {
  if (options.estimator !== undefined && !isEstimator(options.estimator)) {
    throw new UserError(
      `--estimator ${String(options.estimator)}: unknown estimator; use one of ${ESTIMATORS.join(', ')}`,
      '--estimator',
    );
  }
  if (options.sampledSteps === undefined) return;
  if (!Number.isInteger(options.sampledSteps) || options.sampledSteps < 1) {
    throw new UserError(
      `--sampled-steps ${text}: expected a positive whole number of merges to constrain, e.g. 3000`,
      '--sampled-steps',
    );
  }
  if (options.estimator !== 'sampled') {
    throw new UserError(
      `--sampled-steps ${text}: only the sampled estimator samples steps; add --estimator sampled`,
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
  if ((options.estimator ?? 'paper') === 'paper') return excluded;
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
