// Uniform draws from the probability simplex, by Smith & Tromble's method ("Sampling uniformly
// from the unit simplex", 2004), as the paper's experiments draw their true mixtures.
import type { Rng } from '../common/random.js';
import { sampleWithoutReplacement } from '../common/random.js';

/**
 * n shares summing to 1, uniform over the simplex on a grid of resolution 1/M: draw n-1 distinct
 * integers from 1..M-1, sort them, add 0 and M at the ends, and take the gaps divided by M.
 * Every share is at least 1/M, so no drawn category is ever empty.
 */
export function sampleFromSimplex(n: number, rng: Rng, M = 10000): number[] {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`simplex dimension must be a positive integer, got ${n}`);
  if (n > M) throw new RangeError(`cannot draw ${n} shares on a grid of ${M}`);
  const cuts = sampleWithoutReplacement(M - 1, n - 1, rng)
    .map((i) => i + 1)
    .sort((x, y) => x - y);
  const points = [0, ...cuts, M];
  const shares: number[] = [];
  for (let i = 1; i < points.length; i++) shares.push((points[i] - points[i - 1]) / M);
  return shares;
}
