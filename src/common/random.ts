// A small seeded pseudo-random generator (sfc32) and the draws that controlled experiments and the
// bootstrap need: reproducible from one integer seed, independent of Math.random, so a run repeats exactly.
import { createHash } from 'node:crypto';

export interface Rng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, bound). */
  int(bound: number): number;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32 from one 32-bit seed. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const nextUint = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint();
  return {
    next: () => nextUint() / 4294967296,
    int: (bound: number) => {
      if (!Number.isInteger(bound) || bound <= 0)
        throw new RangeError(`int(bound): bound must be a positive integer`);
      // Rejection sampling keeps every value exactly equally likely.
      const limit = 4294967296 - (4294967296 % bound);
      let x = nextUint();
      while (x >= limit) x = nextUint();
      return x % bound;
    },
  };
}

/** A 32-bit seed derived from any list of parts (e.g. base seed, n, trial index). */
export function deriveSeed(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
}

/**
 * k distinct indices out of [0, n), uniformly: a partial Fisher–Yates shuffle (in the order drawn)
 * when k is a large part of n, Floyd's algorithm (O(k) memory, set order) when it is small.
 */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): number[] {
  if (k > n || k < 0) throw new RangeError(`cannot draw ${k} distinct items out of ${n}`);
  if (k * 8 < n) {
    const chosen = new Set<number>();
    for (let j = n - k; j < n; j++) {
      const t = rng.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    return [...chosen];
  }
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}
