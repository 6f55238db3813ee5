// The chart of a controlled-mixture validation: log10 MSE of each method against the number of
// categories n, one line per method with a shaded band of ±1 standard deviation over trials.
import type { ChartConfiguration } from 'chart.js';
import type { ValidationResult } from './result.js';
import { fontStackFor } from './fonts.js';
import { seriesColor, withAlpha } from './palette.js';
import { renderChartSync, type ChartFormat } from './render.js';

export interface ValidationChartOptions {
  format: ChartFormat;
}

function trialsText(v: ValidationResult): string {
  const counts = [...new Set(v.rows.map((r) => r.trials))].sort((a, b) => a - b);
  if (counts.length === 0) return '0';
  return counts.length === 1 ? String(counts[0]) : `${counts[0]}–${counts[counts.length - 1]}`;
}

export function validationChartConfig(v: ValidationResult): {
  config: ChartConfiguration<'line'>;
  width: number;
  height: number;
  methods: string[];
} {
  const methods = [...new Set(v.rows.map((r) => r.method))];
  const ns = [...new Set(v.rows.map((r) => r.n))].sort((a, b) => a - b);
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [];
  methods.forEach((method, m) => {
    const color = seriesColor(m);
    const byN = new Map(v.rows.filter((r) => r.method === method).map((r) => [r.n, r]));
    const point = (f: (mean: number, sd: number) => number) =>
      ns.map((n) => {
        const row = byN.get(n);
        return row ? { x: n, y: f(row.meanLog10Mse, row.sdLog10Mse) } : { x: n, y: NaN };
      });
    // The band: a lower edge, then an upper edge filled down to it ('-1').
    datasets.push({
      label: `${method} −sd`,
      data: point((mean, sd) => mean - sd),
      borderWidth: 0,
      pointRadius: 0,
      fill: false,
      spanGaps: true,
    });
    datasets.push({
      label: `${method} +sd`,
      data: point((mean, sd) => mean + sd),
      borderWidth: 0,
      pointRadius: 0,
      backgroundColor: withAlpha(color, 0.18),
      fill: '-1',
      spanGaps: true,
    });
    datasets.push({
      label: method,
      data: point((mean) => mean),
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2.5,
      pointRadius: 4,
      pointStyle: (['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot'] as const)[m % 6],
      fill: false,
      spanGaps: true,
    });
  });
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: { datasets },
    options: {
      layout: { padding: { left: 12, right: 24, top: 8, bottom: 8 } },
      scales: {
        x: {
          type: 'logarithmic',
          min: ns[0] > 1 ? ns[0] / 1.25 : undefined,
          max: ns.length > 0 ? ns[ns.length - 1] * 1.25 : undefined,
          title: { display: true, text: 'number of categories n', font: { size: 13 } },
          grid: { color: '#eeeeee' },
          afterBuildTicks: (axis) => {
            axis.ticks = ns.map((n) => ({ value: n }));
          },
          ticks: { callback: (value) => String(value), font: { size: 12 } },
        },
        y: {
          title: { display: true, text: 'log10 MSE (lower is better)', font: { size: 13 } },
          grid: { color: '#e6e6e6' },
          ticks: { font: { size: 12 } },
        },
      },
      plugins: {
        title: {
          display: true,
          text: `Controlled-mixture validation — ${v.set}`,
          font: { size: 17, weight: 'bold' },
          padding: { top: 6, bottom: 4 },
        },
        subtitle: {
          display: true,
          text: `mean log10 MSE over ${trialsText(v)} trials per point, shaded ±1 sd`,
          font: { size: 13 },
          color: '#444444',
          padding: { bottom: 8 },
        },
        legend: {
          position: 'bottom',
          labels: {
            font: { size: 12 },
            usePointStyle: true,
            pointStyleWidth: 12,
            boxHeight: 8,
            filter: (item) => !/ [−+]sd$/.test(item.text),
          },
        },
        tooltip: { enabled: false },
      },
    },
  };
  return { config, width: 860, height: 540, methods };
}

/** Renders the validation chart (log10 MSE by n, ±sd bands) as PNG or SVG. */
export async function renderValidationChart(
  v: ValidationResult,
  options: ValidationChartOptions,
): Promise<Buffer> {
  return renderValidationChartSync(v, options);
}

export function renderValidationChartSync(v: ValidationResult, options: ValidationChartOptions): Buffer {
  const { config, width, height, methods } = validationChartConfig(v);
  const fonts = fontStackFor([...methods, v.set]);
  return renderChartSync(config as ChartConfiguration, { width, height, format: options.format, fonts });
}
