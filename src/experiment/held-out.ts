// A held-out split of one category for same-distribution experiments: an estimation sample and a
// disjoint pool the training mixture is drawn from, both random sets of the category's sequences.
// The pool is the rest of the category by default, as a tokenizer's training data and an analyst's
// sample come from one large corpus: a mixture draws each pool sequence share × mixture / pool times
// on average, and a pool no larger than the sample, drawn several times over, makes the tokenizer
// learn that pool's particular lines more than the category's.
import type { Rng } from '../common/random.js';
import { sampleWithoutReplacement } from '../common/random.js';

export interface HeldOutSplit {
  /** Sequences in random order until their bytes reach `sampleBytes` (the last one may overshoot). */
  sample: string[];
  /** The following sequences, until their bytes reach `poolBytes` (default: all the rest). */
  pool: string[];
}

/** Splits `sequences` at random (by `rng`) into an estimation sample and a disjoint training pool. */
export function splitHeldOut(
  sequences: readonly string[],
  sampleBytes: number,
  rng: Rng,
  poolBytes = Infinity,
): HeldOutSplit {
  const order = sampleWithoutReplacement(sequences.length, sequences.length, rng);
  let k = 0;
  const take = (cap: number): string[] => {
    const taken: string[] = [];
    for (let bytes = 0; k < order.length && bytes < cap; k++) {
      const sequence = sequences[order[k]];
      taken.push(sequence);
      bytes += Buffer.byteLength(sequence, 'utf8');
    }
    return taken;
  };
  const sample = take(sampleBytes);
  const pool = take(poolBytes);
  return { sample, pool };
}
