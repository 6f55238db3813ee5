// The fuzzers' seed: fixed by default, so a CI run is reproducible and a red run is a real find;
// TOKMIX_FUZZ_SEED=<n> replays one, TOKMIX_FUZZ_SEED=random explores new inputs.
import { randomInt } from 'node:crypto';

export const DEFAULT_FUZZ_SEED = 20261129;

export function fuzzSeed(setting: string | undefined): number {
  if (setting === undefined || setting === '') return DEFAULT_FUZZ_SEED;
  if (setting === 'random') return randomInt(2 ** 31);
  const seed = Number(setting);
  if (!Number.isSafeInteger(seed))
    throw new Error(`TOKMIX_FUZZ_SEED=${setting}: expected a whole number or "random"`);
  return seed;
}
