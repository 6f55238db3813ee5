// Reading a category's share out of a result, formatting it, and folding a long tail into
// "other": the small helpers every table and chart of the report module shares.
import type { CategoryResult } from './result.js';

export type ShareKind = 'byte' | 'pair';

export function shareOf(category: CategoryResult, share: ShareKind): number {
  return share === 'byte' ? category.byteShare : category.pairShare;
}

/** A share as a percentage with as many decimals as a small value needs. */
export function formatPercent(value: number): string {
  const percent = value * 100;
  if (percent === 0) return '0%';
  if (percent >= 1) return `${percent.toFixed(1)}%`;
  if (percent >= 0.01) return `${percent.toFixed(2)}%`;
  return '<0.01%';
}

export interface RankedShares {
  /** The top categories, largest share first. */
  top: CategoryResult[];
  /** The categories folded into "other", and their summed share. */
  rest: CategoryResult[];
  restShare: number;
}

/** Sorts by share (ties by name) and keeps the first `top`; the rest are summed. */
export function rankShares(categories: CategoryResult[], share: ShareKind, top?: number): RankedShares {
  const sorted = [...categories].sort(
    (a, b) => shareOf(b, share) - shareOf(a, share) || a.name.localeCompare(b.name),
  );
  const k = top === undefined || top <= 0 || top >= sorted.length ? sorted.length : top;
  const rest = sorted.slice(k);
  return {
    top: sorted.slice(0, k),
    rest,
    restShare: rest.reduce((sum, c) => sum + shareOf(c, share), 0),
  };
}

/** An axis tick: a percentage with no trailing zeros (`5%`, `2.5%`, `0.25%`). */
export function formatTick(value: number): string {
  return `${Number((value * 100).toPrecision(6))}%`;
}
