// A run split into parts for the jobs of a cluster array: `--shard i/N` takes every N-th item
// from the i-th on (1-based), so N jobs together cover each item exactly once.
import { UserError } from './errors.js';

export interface Shard {
  /** 1-based: the first shard is 1/N. */
  index: number;
  count: number;
}

/** Parses `i/N` with 1 <= i <= N. */
export function parseShard(text: string, flag = '--shard'): Shard {
  const match = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/.exec(text);
  const index = match ? Number(match[1]) : 0;
  const count = match ? Number(match[2]) : 0;
  if (!match || index < 1 || count < 1 || index > count) {
    throw new UserError(`${flag} ${text}: expected i/N with 1 <= i <= N, e.g. ${flag} 2/8`, flag);
  }
  return { index, count };
}

/** Whether the item at `position` (0-based) belongs to `shard` (every item does without one). */
export function inShard(position: number, shard: Shard | undefined): boolean {
  return shard === undefined || position % shard.count === shard.index - 1;
}
