// The CSV tables tokmix writes beside its JSON results: proportions.csv for an inference run,
// validation.csv for a controlled-mixture experiment. RFC 4180 quoting, header row first; text
// cells a spreadsheet would run as a formula are defused (OWASP's CSV injection advice).
import type { InferResult, ValidationResult } from './result.js';
import { rankShares } from './shares.js';

/** One CSV cell. A text cell opening with =, +, -, @, tab or CR gets a leading ' so a
 *  spreadsheet shows it rather than evaluating it; numbers (negative ones too) are written as is. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function rows(table: (string | number | undefined)[][]): string {
  return table.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
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
      'byte_share_ci_lo',
      'byte_share_ci_hi',
      'pair_share_ci_lo',
      'pair_share_ci_hi',
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
      c.byteShareCI?.[0],
      c.byteShareCI?.[1],
      c.pairShareCI?.[0],
      c.pairShareCI?.[1],
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
