// The CSV tables tokmix writes beside its JSON results: proportions.csv for an inference run,
// validation.csv for a controlled-mixture experiment. RFC 4180 quoting, header row first.
import type { InferResult, ValidationResult } from './result.js';
import { rankShares } from './shares.js';

function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function rows(table: (string | number | undefined)[][]): string {
  return table.map((row) => row.map(field).join(',')).join('\n') + '\n';
}

/** One row per category, largest byte share first. */
export function proportionsCsv(result: InferResult): string {
  const { top } = rankShares(result.categories, 'byte');
  return rows([
    [
      'category',
      'kind',
      'language',
      'script',
      'byte_share',
      'pair_share',
      'byte_share_min',
      'byte_share_max',
      'bytes',
      'pairs',
    ],
    ...top.map((c) => [
      c.name,
      c.kind,
      c.language,
      c.script,
      c.byteShare,
      c.pairShare,
      c.byteShareRange?.[0],
      c.byteShareRange?.[1],
      c.bytes,
      c.pairs,
    ]),
  ]);
}

/** One row per method and n: mean and sd of log10 MSE over the trials. */
export function validationCsv(v: ValidationResult): string {
  const sorted = [...v.rows].sort((a, b) => a.method.localeCompare(b.method) || a.n - b.n);
  return rows([
    ['method', 'n', 'trials', 'mean_log10_mse', 'sd_log10_mse'],
    ...sorted.map((r) => [r.method, r.n, r.trials, r.meanLog10Mse, r.sdLog10Mse]),
  ]);
}
