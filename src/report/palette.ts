// Colours for charts: the Okabe–Ito palette (distinguishable under the common colour-vision
// deficiencies), extended with Paul Tol's muted scheme when a chart needs more than eight.
import type { CategoryKind } from '../corpus/types.js';

const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const TOL_MUTED = [
  '#332288',
  '#88CCEE',
  '#44AA99',
  '#117733',
  '#999933',
  '#DDCC77',
  '#CC6677',
  '#882255',
  '#AA4499',
];

/** The colour of series `index` (one per tokenizer or method). */
export function seriesColor(index: number): string {
  const all = [...OKABE_ITO, ...TOL_MUTED];
  return all[index % all.length];
}

/** Bars of one category kind share a colour; "other" (the folded tail) is grey. */
export const KIND_COLORS: Record<CategoryKind | 'rest', string> = {
  language: '#0072B2',
  code: '#E69F00',
  domain: '#009E73',
  other: '#CC79A7',
  rest: '#9E9E9E',
};

/** `#RRGGBB` with an alpha, as chart.js accepts it. */
export function withAlpha(color: string, alpha: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
