// Stability across merges: how far each byte share moves between the prefixes of the attacked
// merges (bootstrap.merges), and which move more than their bootstrap interval is wide.
import type { CategoryResult, InferResult } from './result.js';
import { formatPercent } from './shares.js';

export interface ShareMovement {
  name: string;
  /** max - min of the byte share over the prefixes. */
  movement: number;
  /** hi - lo of the byte share's interval. */
  width: number;
}

/** Per category with an interval and prefix estimates: its movement and interval width. */
export function shareMovements(categories: readonly CategoryResult[]): ShareMovement[] {
  const out: ShareMovement[] = [];
  for (const c of categories) {
    if (!c.byteShareCI || !c.byteShareByMerges || c.byteShareByMerges.length < 2) continue;
    const values = c.byteShareByMerges;
    out.push({
      name: c.name,
      movement: Math.max(...values) - Math.min(...values),
      width: c.byteShareCI[1] - c.byteShareCI[0],
    });
  }
  return out;
}

/**
 * A movement that can change a printed share: half the 0.1-point unit the summary prints shares of
 * 1% and more in. Smaller movements change no digit a reader sees, so they earn no caution.
 */
export const PRINTED_MOVEMENT = 5e-4;

/**
 * The shares that move across merge prefixes by more than their interval's width, and enough to
 * change a printed digit, largest first.
 */
export function unstableShares(categories: readonly CategoryResult[]): ShareMovement[] {
  return shareMovements(categories)
    .filter((m) => m.movement > m.width && m.movement >= PRINTED_MOVEMENT)
    .sort((a, b) => b.movement - a.movement || (a.name < b.name ? -1 : 1));
}

/** One or two lines for the summary: the largest movement, and the shares less stable than their interval. */
export function stabilitySummary(result: Pick<InferResult, 'categories' | 'bootstrap'>): string[] {
  const merges = result.bootstrap?.merges;
  const moves = shareMovements(result.categories);
  if (!merges || merges.length < 2 || moves.length === 0) return [];
  const largest = moves.reduce((a, b) => (b.movement > a.movement ? b : a));
  const at = merges.map((m) => m.toLocaleString('en-US')).join(', ');
  const lines = [
    `stability: estimated at ${at} merges; the largest move is ${largest.name}'s, ${formatPercent(largest.movement)}`,
  ];
  const unstable = unstableShares(result.categories);
  if (unstable.length > 0) {
    const list = unstable
      .slice(0, 8)
      .map((m) => `${m.name} (${formatPercent(m.movement)} vs ${formatPercent(m.width)})`)
      .join(', ');
    const more = unstable.length > 8 ? ` and ${unstable.length - 8} more` : '';
    lines.push(
      `warning: ${unstable.length} share${unstable.length === 1 ? ' moves' : 's move'} across merges by more than ${unstable.length === 1 ? 'its' : 'their'} interval is wide: ${list}${more}; the estimate depends on how many merges are attacked`,
    );
  }
  return lines;
}

/** "[lo – hi]" of an interval, in the table's percent format. */
export function formatInterval(ci: readonly [number, number]): string {
  return `${formatPercent(ci[0])} – ${formatPercent(ci[1])}`;
}
