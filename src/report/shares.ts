// Reading a category's share out of a result, formatting it, and folding a long tail into
// "other": the small helpers every table and chart of the report module shares.
import type { CategoryResult, InferResult } from './result.js';

export type ShareKind = 'byte' | 'pair';

/**
 * The share a chart of `result` shows unless told otherwise: for an extension (merges skipped,
 * e.g. llama3 after gpt-3.5's) the pair share of the text its own merges were learned on, since
 * its byte share is ill-conditioned (a category the base compresses has few pairs left, so a
 * small pair share becomes a large byte share); else the byte share.
 */
export function defaultShare(result: InferResult): ShareKind {
  return isExtension(result) ? 'pair' : 'byte';
}

/** Whether the run skipped merges: its shares describe the text after the first firstStep merges. */
export function isExtension(result: InferResult): boolean {
  return (result.tokenizer.firstStep ?? 0) > 0;
}

/** What a share axis measures: the training data's bytes, or the pairs left after the skipped merges. */
export function shareAxisTitle(result: InferResult, share: ShareKind): string {
  if (share === 'byte') return 'byte share of the training data';
  if (!isExtension(result)) return 'pair share of the training data';
  return `pair share of the text after merge ${result.tokenizer.firstStep!.toLocaleString('en-US')}`;
}

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
