// What the rest of a replay's merge list will merge, so the engine keeps a word list (a chain of
// occurrence chunks) only for a pair a later merge joins, indexed by that merge pair rather than by
// every pair the text holds.
import { PairTable } from './pair-table.js';
import type { SymbolTable } from './symbol-table.js';

export class MergeHorizon {
  /** The distinct (left, right) pairs of the merges, and the last merge index of each. */
  private readonly merges = new PairTable();
  private readonly lastMergedAt: Int32Array;

  constructor(table: Pick<SymbolTable, 'mergeLeft' | 'mergeRight'>, steps: number) {
    const lastMergedAt: number[] = [];
    for (let t = 0; t < steps; t++) {
      lastMergedAt[this.merges.intern(table.mergeLeft[t], table.mergeRight[t])] = t;
    }
    this.lastMergedAt = Int32Array.from(lastMergedAt);
  }

  /** Number of distinct merge pairs: chain indices run below it. */
  get size(): number {
    return this.merges.size;
  }

  /** Chain index of (left, right): its index among the distinct merge pairs, or -1 when no merge joins it. */
  chainIndex(left: number, right: number): number {
    return this.merges.get(left, right);
  }

  /** True when a merge after index `t` joins (left, right). */
  mergedAfter(left: number, right: number, t: number): boolean {
    const m = this.merges.get(left, right);
    return m >= 0 && this.lastMergedAt[m] > t;
  }
}
