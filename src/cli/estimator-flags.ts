// --estimator and --sampled-steps, shared by infer and validate: defined and parsed here only, so
// a new estimator is one entry in solve/estimator.ts and its flags one entry below.
import { Flags } from '@oclif/core';
import { DEFAULT_SAMPLED_STEPS, ESTIMATORS, parseEstimatorFlags } from '../solve/estimator.js';
import type { EstimatorOptions } from '../solve/estimator.js';

export const estimatorFlags = {
  // Plain strings: a bad value is a one-line `tokmix:` error from parseEstimatorFlags, not oclif's.
  estimator: Flags.string({
    description: `which merges the LP constrains: ${ESTIMATORS.join(' or ')} (default paper: every attacked merge; sampled: --sampled-steps of them spread evenly over the attacked range, all still applied)`,
  }),
  'sampled-steps': Flags.string({
    description: `with --estimator sampled: how many attacked merges get constraints (default ${DEFAULT_SAMPLED_STEPS})`,
  }),
};

export function estimatorOptions(flags: { estimator?: string; 'sampled-steps'?: string }): EstimatorOptions {
  return parseEstimatorFlags(flags.estimator, flags['sampled-steps']);
}
