// The estimator flags (--estimator, --noise-z) that infer and validate share, and their parsing
// into solve options, in one place.
import { Flags } from '@oclif/core';
import { UserError } from '../common/errors.js';
import { DEFAULT_NOISE_Z, ESTIMATORS, checkNoiseZ, type Estimator } from '../solve/solve-mixture.js';

export const estimatorFlags = {
  estimator: Flags.string({
    description: `the LP: paper (default, the paper's LP exactly) or noise-aware (each row loosened by --noise-z Poisson standard deviations of the counts)`,
  }),
  'noise-z': Flags.string({
    description: `with --estimator noise-aware: standard deviations each row is loosened by (default ${DEFAULT_NOISE_Z}; 0 gives the paper's LP)`,
  }),
};

/** The estimator and its noiseZ from the flags (noiseZ only for noise-aware); bad values are UserErrors. */
export function parseEstimator(flags: { estimator?: string; 'noise-z'?: string }): {
  estimator: Estimator;
  noiseZ?: number;
} {
  const name = flags.estimator ?? 'paper';
  if (!(ESTIMATORS as readonly string[]).includes(name)) {
    throw new UserError(
      `--estimator ${name}: unknown estimator; use one of ${ESTIMATORS.join(', ')}`,
      '--estimator',
    );
  }
  const text = flags['noise-z'];
  if (text === undefined)
    return name === 'noise-aware' ? { estimator: name, noiseZ: DEFAULT_NOISE_Z } : { estimator: 'paper' };
  if (name !== 'noise-aware') {
    throw new UserError(
      `--noise-z ${text}: only the noise-aware estimator takes it; add --estimator noise-aware`,
      '--noise-z',
    );
  }
  const z = /^\s*[0-9.eE+-]+\s*$/.test(text) ? Number(text) : Number.NaN;
  checkNoiseZ(z, text.trim());
  return { estimator: 'noise-aware', noiseZ: z };
}
