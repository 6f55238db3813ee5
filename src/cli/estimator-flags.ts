// --estimator, --sampled-steps and --noise-z, shared by infer and validate: defined and parsed here
// only (solve/estimator.ts checks values, not texts), so a new estimator is one entry in
// solve/estimator.ts and its flags one entry below.
import { Flags } from '@oclif/core';
import { UserError } from '../common/errors.js';
import { decimalNumberOf, wholeNumberOf } from '../common/number-text.js';
import {
  DEFAULT_NOISE_Z,
  DEFAULT_SAMPLED_STEPS,
  checkEstimatorName,
  checkEstimatorOptions,
} from '../solve/estimator.js';
import type { EstimatorOptions } from '../solve/estimator.js';

export const estimatorFlags = {
  // Plain strings: a bad value is a one-line `tokmix:` error from parseEstimatorFlags, not oclif's.
  estimator: Flags.string({
    description: `the estimator: paper (default: the paper's LP, every attacked merge), sampled (--sampled-steps of the merges spread evenly over the attacked range get constraints, all still applied), noise-aware (each row loosened by --noise-z Poisson standard deviations of the counts) or likelihood (each merge wins a softmax race against the top pairs of its step; maximum likelihood, no LP)`,
  }),
  'sampled-steps': Flags.string({
    description: `with --estimator sampled: how many attacked merges get constraints (default ${DEFAULT_SAMPLED_STEPS})`,
  }),
  'noise-z': Flags.string({
    description: `with --estimator noise-aware: standard deviations each row is loosened by (default ${DEFAULT_NOISE_Z}; 0 gives the paper's LP)`,
  }),
};

export function estimatorOptions(flags: {
  estimator?: string;
  'sampled-steps'?: string;
  'noise-z'?: string;
}): EstimatorOptions {
  return parseEstimatorFlags(flags.estimator, flags['sampled-steps'], flags['noise-z']);
}

/**
 * Checks --estimator, --sampled-steps and --noise-z as typed (the texts are the flags', when given)
 * and returns them as options. Bad values are the user's to fix.
 */
export function parseEstimatorFlags(
  estimatorText: string | undefined,
  sampledStepsText: string | undefined,
  noiseZText?: string,
): EstimatorOptions {
  checkEstimatorName(estimatorText);
  const options: EstimatorOptions = estimatorText === undefined ? {} : { estimator: estimatorText };
  if (sampledStepsText !== undefined) {
    options.sampledSteps = wholeNumberOf(sampledStepsText);
  }
  if (noiseZText !== undefined) {
    options.noiseZ = decimalNumberOf(noiseZText);
    // Typed, --noise-z needs its estimator named (the library also takes noiseZ alone).
    if (estimatorText !== 'noise-aware') {
      throw new UserError(
        `--noise-z ${noiseZText.trim()}: only the noise-aware estimator takes it; add --estimator noise-aware`,
        '--noise-z',
      );
    }
  }
  checkEstimatorOptions(options, sampledStepsText?.trim(), noiseZText?.trim());
  return options;
}
