// The chart of one inference run: horizontal bars of the categories' shares, largest first,
// the tail folded into "other", each bar's value printed beside it, coloured by category kind.
import type { ChartConfiguration, Plugin } from 'chart.js';
import { mergeRangeText, type InferResult } from './result.js';
import { drawableLabel, fontStackFor } from './fonts.js';
import { KIND_COLORS } from './palette.js';
import { renderChartSync, type ChartFormat } from './render.js';
import {
  defaultShare,
  formatPercent,
  formatTick,
  isExtension,
  rankShares,
  shareAxisTitle,
  shareOf,
  type ShareKind,
} from './shares.js';

export interface ProportionsChartOptions {
  format: ChartFormat;
  /** Bars to draw before folding the rest into "other" (default 20; 0 = all). */
  top?: number;
  /** Default: byte share, or pair share for an extension (defaultShare). */
  share?: ShareKind;
}

const KIND_NAMES: Record<string, string> = {
  language: 'natural language',
  code: 'programming language',
  domain: 'domain',
  other: 'other category',
  rest: 'remaining categories',
};

/** Prints each bar's value at its end and draws the [min, max] range when the LP gave one. */
function barAnnotations(values: string[], ranges: ([number, number] | undefined)[]): Plugin<'bar'> {
  return {
    id: 'tokmixBarValues',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const meta = chart.getDatasetMeta(0);
      const xScale = chart.scales.x;
      ctx.save();
      ctx.font = `12px ${chart.options.font?.family ?? 'sans-serif'}`;
      ctx.textBaseline = 'middle';
      meta.data.forEach((element, i) => {
        const { x, y } = element.getProps(['x', 'y'], true) as { x: number; y: number };
        let end = x;
        const range = ranges[i];
        const lo = range ? xScale.getPixelForValue(range[0]) : 0;
        const hi = range ? xScale.getPixelForValue(range[1]) : 0;
        // A range narrower than two pixels would only clutter the bar's end.
        if (range && hi - lo >= 2) {
          ctx.strokeStyle = '#333333';
          ctx.lineWidth = 1.2;
          ctx.beginPath();
          ctx.moveTo(lo, y);
          ctx.lineTo(hi, y);
          ctx.moveTo(lo, y - 4);
          ctx.lineTo(lo, y + 4);
          ctx.moveTo(hi, y - 4);
          ctx.lineTo(hi, y + 4);
          ctx.stroke();
          end = Math.max(end, hi);
        }
        ctx.fillStyle = '#222222';
        ctx.textAlign = 'left';
        ctx.fillText(values[i], end + 5, y);
      });
      ctx.restore();
    },
  };
}

/** The chart.js definition and canvas size of a proportions chart (exported for tests). */
export function proportionsChartConfig(
  result: InferResult,
  options: Omit<ProportionsChartOptions, 'format'>,
): { config: ChartConfiguration<'bar'>; width: number; height: number; labels: string[] } {
  const share = options.share ?? defaultShare(result);
  const { top, rest, restShare } = rankShares(result.categories, share, options.top ?? 20);
  const labels = top.map((c) => drawableLabel(c.name, c.language));
  const values = top.map((c) => shareOf(c, share));
  const colors = top.map((c) => KIND_COLORS[c.kind] ?? KIND_COLORS.other);
  // Error bars: the bootstrap interval when there is one, else the LP's optimal-face range.
  const ranges = top.map((c) => (share === 'byte' ? (c.byteShareCI ?? c.byteShareRange) : c.pairShareCI));
  const level = result.bootstrap
    ? ` · bars: ${Math.round(result.bootstrap.level * 100)}% ${result.bootstrap.scale ? 'intervals calibrated for shift' : 'bootstrap intervals'}`
    : '';
  if (rest.length > 0) {
    labels.push(`other (${rest.length} categories)`);
    values.push(restShare);
    colors.push(KIND_COLORS.rest);
    ranges.push(undefined);
  }
  const kindsShown = new Set<string>(top.map((c) => c.kind));
  if (rest.length > 0) kindsShown.add('rest');
  const legendKinds = Object.keys(KIND_NAMES).filter((kind) => kindsShown.has(kind));
  const maxValue = Math.max(...values, ...ranges.map((r) => r?.[1] ?? 0), 1e-9);
  const shareName = share === 'byte' ? 'byte share' : 'pair share';
  // An extension's byte share is ill-conditioned: say which share is drawn and why.
  const extension = !isExtension(result)
    ? ''
    : share === 'pair'
      ? ' · an extension: pair share, as its byte share is ill-conditioned'
      : ' · an extension: its byte share is ill-conditioned (see pair share)';
  const height = 120 + labels.length * 26 + 40;
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: shareName,
          data: values,
          backgroundColor: colors,
          borderWidth: 0,
          barPercentage: 0.82,
          // A share far below one pixel still shows as a stub beside its printed value.
          minBarLength: 2,
          categoryPercentage: 0.92,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { left: 12, right: 24, top: 8, bottom: 8 } },
      scales: {
        x: {
          min: 0,
          // Room on the right for the printed values; chart.js rounds the end to a nice tick.
          suggestedMax: Math.min(1, maxValue * 1.15),
          grid: { color: '#e6e6e6' },
          ticks: { callback: (v) => formatTick(Number(v)), font: { size: 12 } },
          title: { display: true, text: shareAxisTitle(result, share), font: { size: 13 } },
        },
        y: {
          grid: { display: false },
          ticks: { autoSkip: false, font: { size: 13 } },
        },
      },
      plugins: {
        title: {
          display: true,
          text: `${result.tokenizer.name} — ${result.categorySet}`,
          font: { size: 17, weight: 'bold' },
          padding: { top: 6, bottom: 4 },
        },
        subtitle: {
          display: true,
          text:
            `Estimated ${shareName} per category (${result.categories.length} categories, ` +
            `${mergeRangeText(result.tokenizer)})${level}${extension}`,
          font: { size: 13 },
          color: '#444444',
          padding: { bottom: 8 },
        },
        legend: {
          position: 'bottom',
          labels: {
            font: { size: 12 },
            boxWidth: 14,
            generateLabels: () =>
              legendKinds.map((kind) => ({
                text: KIND_NAMES[kind] ?? kind,
                fillStyle: KIND_COLORS[kind as keyof typeof KIND_COLORS] ?? KIND_COLORS.other,
                strokeStyle: 'transparent',
                lineWidth: 0,
                hidden: false,
                datasetIndex: 0,
              })),
          },
        },
        tooltip: { enabled: false },
      },
    },
    plugins: [
      barAnnotations(
        values.map((v) => formatPercent(v)),
        ranges,
      ),
    ],
  };
  return { config, width: 900, height, labels };
}

/** Renders the proportions chart of one inference run as PNG or SVG. */
export async function renderProportionsChart(
  result: InferResult,
  options: ProportionsChartOptions,
): Promise<Buffer> {
  return renderProportionsChartSync(result, options);
}

export function renderProportionsChartSync(result: InferResult, options: ProportionsChartOptions): Buffer {
  const { config, width, height, labels } = proportionsChartConfig(result, options);
  const fonts = fontStackFor([...labels, result.tokenizer.name, result.categorySet]);
  return renderChartSync(config as ChartConfiguration, { width, height, format: options.format, fonts });
}
