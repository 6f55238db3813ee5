// The files a run leaves in its output folder, for an infer result or a validation: the JSON
// record, its CSV table, its chart as PNG and SVG, and the report page. Their names are all
// `--force` may replace there.
import { proportionsCsv, validationCsv } from './csv.js';
import { reportHtml } from './html.js';
import { renderProportionsChart } from './proportions-chart.js';
import type { InferResult, ValidationResult } from './result.js';
import { renderValidationChart } from './validation-chart.js';

/** The files `tokmix infer` writes into its --out folder. */
export const INFER_FILE_NAMES = [
  'result.json',
  'proportions.csv',
  'proportions.png',
  'proportions.svg',
  'report.html',
] as const;

/** The files `tokmix validate` writes into its --out folder. */
export const VALIDATION_FILE_NAMES = [
  'validation.json',
  'validation.csv',
  'validation.png',
  'validation.svg',
  'report.html',
] as const;

/** The files `tokmix train` writes into its --out folder. */
export const TRAIN_FILE_NAMES = ['tokenizer.json', 'mixture.json'] as const;

export async function resultFiles(
  result: InferResult | ValidationResult,
): Promise<Record<string, string | Buffer>> {
  const isValidation = result.kind === 'tokmix-validation';
  const render = (format: 'png' | 'svg') =>
    isValidation
      ? renderValidationChart(result, { format })
      : renderProportionsChart(result as InferResult, { format });
  const [png, svg] = await Promise.all([render('png'), render('svg')]);
  const stem = isValidation ? 'validation' : 'proportions';
  return {
    [isValidation ? 'validation.json' : 'result.json']: `${JSON.stringify(result, null, 2)}\n`,
    [`${stem}.csv`]: isValidation ? validationCsv(result) : proportionsCsv(result as InferResult),
    [`${stem}.png`]: png,
    [`${stem}.svg`]: svg,
    'report.html': reportHtml(result),
  };
}
