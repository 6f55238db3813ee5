// `tokmix plot` as a library function: reads result files, picks the chart they call for (one
// run → bars, several → grouped comparison, a validation → MSE lines) and writes it atomically.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { writeFileAtomic } from '../common/atomic.js';
import { describeFsError, UserError } from '../common/errors.js';
import { assertOutputFileUsable } from '../common/fs-checks.js';
import { renderComparisonChart } from './comparison-chart.js';
import { parseGroupMapping, type Grouping } from './groups.js';
import { readResultFile } from './load.js';
import { renderProportionsChart } from './proportions-chart.js';
import type { ChartFormat } from './render.js';
import type { InferResult, ValidationResult } from './result.js';
import type { ShareKind } from './shares.js';
import { renderValidationChart } from './validation-chart.js';

export interface PlotOptions {
  /** Output file; its extension (.png or .svg) picks the format. */
  out: string;
  top?: number;
  /** 'paper', 'kind', or the path of a JSON mapping category → group. */
  group?: string;
  share?: ShareKind;
  force?: boolean;
}

export interface PlotOutcome {
  out: string;
  format: ChartFormat;
  chart: 'proportions' | 'comparison' | 'validation';
  inputs: number;
}

/** The chart format named by an output path's extension. */
export function chartFormatOf(path: string): ChartFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.svg') return 'svg';
  throw new UserError(`${path}: the output must end in .png or .svg`, path);
}

function readGrouping(group: string | undefined): Grouping {
  if (group === undefined || group === 'paper') return 'paper';
  if (group === 'kind') return 'kind';
  let text: string;
  try {
    text = readFileSync(group, 'utf8');
  } catch (error) {
    const e = describeFsError(error, group);
    throw new UserError(`${e.message} (--group takes paper, kind or a mapping .json file)`, group);
  }
  return parseGroupMapping(text, group);
}

/** Renders the chart the given result files call for and writes it to `options.out`. */
export async function plotResultFiles(paths: string[], options: PlotOptions): Promise<PlotOutcome> {
  if (paths.length === 0) throw new UserError('no result file given; pass one or more result.json files');
  const format = chartFormatOf(options.out);
  const inputs =
    options.group && !['paper', 'kind'].includes(options.group) ? [...paths, options.group] : paths;
  assertOutputFileUsable(options.out, { force: options.force ?? false, inputs });
  const results = paths.map((path) => ({ path, result: readResultFile(path) }));
  const validations = results.filter((r) => r.result.kind === 'tokmix-validation');
  let image: Buffer;
  let chart: PlotOutcome['chart'];
  if (validations.length > 0) {
    if (results.length > 1) {
      throw new UserError(
        `${validations[0].path}: a validation.json is plotted alone; give it without other result files`,
        validations[0].path,
      );
    }
    image = await renderValidationChart(validations[0].result as ValidationResult, { format });
    chart = 'validation';
  } else if (results.length === 1) {
    image = await renderProportionsChart(results[0].result as InferResult, {
      format,
      top: options.top,
      share: options.share,
    });
    chart = 'proportions';
  } else {
    image = await renderComparisonChart(
      results.map((r) => r.result as InferResult),
      { format, group: readGrouping(options.group), share: options.share },
    );
    chart = 'comparison';
  }
  try {
    writeFileAtomic(options.out, image);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new UserError(
        `${options.out}: cannot be written, a part of its path is a file; choose another --out`,
        options.out,
      );
    }
    throw describeFsError(error, options.out);
  }
  return { out: options.out, format, chart, inputs: paths.length };
}
