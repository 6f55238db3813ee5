// The chart comparing several tokenizers (the paper's Figure 4): for each group of categories,
// one bar per tokenizer with its summed share, one colour per tokenizer, values over the bars.
import type { ChartConfiguration, Plugin } from 'chart.js';
import { UserError } from '../common/errors.js';
import type { InferResult } from './result.js';
import { drawableLabel, fontStackFor } from './fonts.js';
import { groupOf, groupOrder, type Grouping } from './groups.js';
import { seriesColor } from './palette.js';
import { renderChartSync, type ChartFormat } from './render.js';
import { defaultShare, formatPercent, formatTick, shareOf, type ShareKind } from './shares.js';
import { intervalsFromReplicates } from '../bootstrap/interval-method.js';

export interface ComparisonChartOptions {
  format: ChartFormat;
  group: Grouping;
  /** Default: each result's own (byte share, or pair share for an extension; defaultShare). */
  share?: ShareKind;
}

export interface GroupShares {
  groups: string[];
  /** Per result (input order), per group (order of `groups`): the summed share. */
  shares: number[][];
  /** Category names every result has. */
  common: string[];
  /**
   * Per result, per group: the bootstrap interval of the group's summed byte share (percentiles of
   * the replicates' sums), or undefined for results without replicates and for pair shares.
   */
  intervals: ([number, number] | undefined)[][];
}

/**
 * Sums each result's shares per group (`share`: one kind for all, or one per result); refuses
 * results that share no category.
 */
export function groupShares(
  results: InferResult[],
  grouping: Grouping,
  share: ShareKind | readonly ShareKind[],
): GroupShares {
  const kinds = results.map((_, k) => (typeof share === 'string' ? share : share[k]));
  if (results.length === 0) throw new UserError('no results to compare; give at least one result.json');
  const names = results.map((r) => new Set(r.categories.map((c) => c.name)));
  const common = [...names[0]].filter((name) => names.every((set) => set.has(name)));
  if (results.length > 1 && common.length === 0) {
    throw new UserError(
      `${results.map((r) => r.tokenizer.name).join(', ')}: these results have no category in common; ` +
        'compare runs made over the same category set',
    );
  }
  const seen = new Set<string>();
  for (const r of results) for (const c of r.categories) seen.add(groupOf(c, grouping));
  const groups = groupOrder(seen, grouping);
  const shares = results.map((r, k) => {
    const sums = new Array<number>(groups.length).fill(0);
    for (const c of r.categories) sums[groups.indexOf(groupOf(c, grouping))] += shareOf(c, kinds[k]);
    return sums;
  });
  const intervals = results.map((r, k) => {
    const replicates = r.bootstrap?.byteShareReplicates;
    if (kinds[k] !== 'byte' || !replicates || replicates.length === 0) return groups.map(() => undefined);
    const index = r.categories.map((c) => groups.indexOf(groupOf(c, grouping)));
    const sums = replicates.map((rep) => {
      const s = new Array<number>(groups.length).fill(0);
      rep.forEach((v, i) => (s[index[i]] += v));
      return s;
    });
    const b = r.bootstrap!;
    // Read as the categories' intervals were: the same form, and the largest width factor of a
    // group's categories.
    const scales = groups.map(() => 0);
    r.categories.forEach((c, i) => {
      scales[index[i]] = Math.max(scales[index[i]], b.scaleByKind?.[c.kind] ?? b.scale ?? 1);
    });
    return intervalsFromReplicates(
      sums,
      shares[k],
      b.level,
      { form: b.form ?? 'percentile', scale: 1 },
      scales,
    );
  });
  return { groups, shares, common, intervals };
}

/** Error bars over vertical bars: each dataset's intervals (undefined: none). */
function errorBars(intervals: ([number, number] | undefined)[][]): Plugin<'bar'> {
  return {
    id: 'tokmixGroupedErrorBars',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const y = chart.scales.y;
      ctx.save();
      ctx.strokeStyle = '#333333';
      ctx.lineWidth = 1.2;
      chart.data.datasets.forEach((_, d) => {
        chart.getDatasetMeta(d).data.forEach((element, i) => {
          const ci = intervals[d]?.[i];
          if (!ci) return;
          const { x, width } = element.getProps(['x', 'width'], true) as { x: number; width: number };
          const lo = y.getPixelForValue(ci[0]);
          const hi = y.getPixelForValue(ci[1]);
          if (lo - hi < 2) return; // narrower than two pixels: clutter only
          const cap = Math.min(5, width / 3);
          ctx.beginPath();
          ctx.moveTo(x, lo);
          ctx.lineTo(x, hi);
          ctx.moveTo(x - cap, lo);
          ctx.lineTo(x + cap, lo);
          ctx.moveTo(x - cap, hi);
          ctx.lineTo(x + cap, hi);
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };
}

/** Prints each bar's value above it (rotated when bars are narrow). */
function barValues(): Plugin<'bar'> {
  return {
    id: 'tokmixGroupedValues',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = `11px ${chart.options.font?.family ?? 'sans-serif'}`;
      ctx.fillStyle = '#222222';
      chart.data.datasets.forEach((dataset, d) => {
        const meta = chart.getDatasetMeta(d);
        meta.data.forEach((element, i) => {
          const { x, y, width } = element.getProps(['x', 'y', 'width'], true) as {
            x: number;
            y: number;
            width: number;
          };
          const text = formatPercent(Number(dataset.data[i]));
          if (width >= ctx.measureText(text).width + 2) {
            ctx.textAlign = 'center';
            ctx.textBaseline = 'bottom';
            ctx.fillText(text, x, y - 3);
          } else {
            ctx.save();
            ctx.translate(x, y - 4);
            ctx.rotate(-Math.PI / 2);
            ctx.textAlign = 'left';
            ctx.textBaseline = 'middle';
            ctx.fillText(text, 0, 0);
            ctx.restore();
          }
        });
      });
      ctx.restore();
    },
  };
}

export function comparisonChartConfig(
  results: InferResult[],
  options: Omit<ComparisonChartOptions, 'format'>,
): { config: ChartConfiguration<'bar'>; width: number; height: number; labels: string[] } {
  const kinds = results.map((r) => options.share ?? defaultShare(r));
  const mixed = new Set(kinds).size > 1;
  const { groups, shares, intervals } = groupShares(results, options.group, kinds);
  const labels = groups.map((g) => drawableLabel(g));
  const maxValue = Math.max(...shares.flat(), ...intervals.flat().map((ci) => ci?.[1] ?? 0), 1e-9);
  const levels = [...new Set(results.filter((r) => r.bootstrap).map((r) => r.bootstrap!.level))];
  const bars =
    kinds.includes('byte') && levels.length > 0
      ? ` · bars: ${levels.map((l) => `${Math.round(l * 100)}%`).join(', ')} bootstrap intervals`
      : '';
  // Extensions are drawn by pair share: when runs mix the two, each series says which it shows.
  const shareName = mixed
    ? 'byte share (pair share for extensions, marked)'
    : kinds[0] === 'byte'
      ? 'byte share'
      : 'pair share';
  const sets = [...new Set(results.map((r) => r.categorySet))].join(', ');
  const width = Math.max(760, 140 + groups.length * (60 + results.length * 34));
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels,
      datasets: results.map((r, i) => ({
        label: drawableLabel(r.tokenizer.name) + (mixed && kinds[i] === 'pair' ? ' (pair share)' : ''),
        data: shares[i],
        backgroundColor: seriesColor(i),
        borderWidth: 0,
        minBarLength: 2,
        barPercentage: 0.9,
        categoryPercentage: 0.8,
      })),
    },
    options: {
      layout: { padding: { left: 12, right: 20, top: 8, bottom: 8 } },
      scales: {
        x: { grid: { display: false }, ticks: { font: { size: 13 } } },
        y: {
          min: 0,
          suggestedMax: Math.min(1, maxValue * 1.15),
          grid: { color: '#e6e6e6' },
          ticks: { callback: (v) => formatTick(Number(v)), font: { size: 12 } },
          title: { display: true, text: shareName, font: { size: 13 } },
        },
      },
      plugins: {
        title: {
          display: true,
          text: 'Inferred training-data mixture by category group',
          font: { size: 17, weight: 'bold' },
          padding: { top: 6, bottom: 4 },
        },
        subtitle: {
          display: true,
          text: `${shareName} summed per group · category set: ${sets}${bars}`,
          font: { size: 13 },
          color: '#444444',
          padding: { bottom: 8 },
        },
        legend: { position: 'bottom', labels: { font: { size: 12 }, boxWidth: 14 } },
        tooltip: { enabled: false },
      },
    },
    plugins: [errorBars(intervals), barValues()],
  };
  return { config, width, height: 520, labels };
}

/** Renders grouped bars comparing several inference runs, as PNG or SVG. */
export async function renderComparisonChart(
  results: InferResult[],
  options: ComparisonChartOptions,
): Promise<Buffer> {
  const { config, width, height, labels } = comparisonChartConfig(results, options);
  const fonts = fontStackFor([...labels, ...results.map((r) => r.tokenizer.name)]);
  return renderChartSync(config as ChartConfiguration, { width, height, format: options.format, fonts });
}
