// What the rest of a replay's merge list can still do, so the engine keeps only what it will read:
// a pair's word list is needed only if a later merge joins that pair, and a word that lost a pair
// can gain it back only if a later merge produces one of the pair's symbols.
import { PairTable } from './pair-table.js';
import type { SymbolTable } from './symbol-table.js';

export class MergeHorizon {
  /** The distinct (left, right) pairs of the merges, and the last merge index of each. */
  private readonly merges = new PairTable();
  private lastMergedAt = new Int32Array(0);
  /** Per symbol id, the last merge index whose result it is (-1: none). */
  private readonly lastProducedAt: Int32Array;

  constructor(table: Pick<SymbolTable, 'mergeLeft' | 'mergeRight' | 'mergeResult' | 'vocabSize'>) {
    const steps = table.mergeLeft.length;
    const lastMergedAt: number[] = [];
    this.lastProducedAt = new Int32Array(table.vocabSize).fill(-1);
    for (let t = 0; t < steps; t++) {
      lastMergedAt[this.merges.intern(table.mergeLeft[t], table.mergeRight[t])] = t;
      this.lastProducedAt[table.mergeResult[t]] = t;
    }
    this.lastMergedAt = Int32Array.from(lastMergedAt);
  }

  /** True when a merge after index `t` joins (left, right). */
  mergedAfter(left: number, right: number, t: number): boolean {
    const m = this.merges.get(left, right);
    return m >= 0 && this.lastMergedAt[m] > t;
  }

  /** True when a merge after index `t` produces `symbol` (ids past the table are never produced). */
  producedAfter(symbol: number, t: number): boolean {
    return symbol < this.lastProducedAt.length && this.lastProducedAt[symbol] > t;
  }
}
