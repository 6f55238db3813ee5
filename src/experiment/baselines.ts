// The two baselines that ignore the tokenizer: a uniform draw from the simplex (`random`) and equal
// shares (`uniform`). They mark the error of knowing nothing, the floor every real method must beat.
import type { Rng } from '../common/random.js';
import { sampleFromSimplex } from './simplex.js';

export const BASELINE_METHODS = ['random', 'uniform', 'tee', 'tc'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

/** A guess drawn uniformly from the simplex, independent of any data. */
export function randomBaseline(n: number, rng: Rng): number[] {
  return sampleFromSimplex(n, rng);
}

/** Equal shares, 1/n each. */
export function uniformBaseline(n: number): number[] {
  return Array.from({ length: n }, () => 1 / n);
}
