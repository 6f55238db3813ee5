// How replicates become intervals: what a replicate resamples (blocks of text or a few contiguous
// chunks of each sample), how often (once, or twice: the training text is a draw too), and how the
// replicates' spread is read (percentiles, or point ± t·sd) and widened by a calibrated factor.
// Kept apart from the replicates so the report can rebuild group intervals the same way.
import type { Rng } from '../common/random.js';

export interface IntervalMethod {
  /**
   * What a replicate resamples: 'blocks' (a record of .jsonl/.csv, or a run of ≤ 16 .txt lines)
   * or 'chunks' (`chunks` contiguous runs of blocks per sample, equal in bytes: a sample's drift
   * along its files shows in the spread, as it does between a sample and the training text).
   */
  unit: 'blocks' | 'chunks';
  /** Chunks per sample with unit 'chunks'. */
  chunks?: number;
  /**
   * Draws per replicate: 1 resamples the sample once; 2 resamples the resample (the training text
   * and the sample are two draws of each category, so the error is a difference of two draws).
   */
  draws: 1 | 2;
  /** 'percentile' of the replicates, or 'normal': point ± t(level, B−1) × sd of the replicates. */
  form: 'percentile' | 'normal';
  /** Width factor about the point (1: none), fitted on validate --shift (docs/DESIGN.md). */
  scale: number;
  /** The factor for categories of a kind (language, code, domain, other), where it differs from `scale`. */
  scaleByKind?: Readonly<Record<string, number>>;
  /**
   * How a replicate solves: the whole constraint search from the point's rows ('search', the
   * default), or one LP over the point's held rows with the resampled counts ('held-rows', no
   * sweep: 2–7× less time, and as good in validate's trials of 4–10 categories, but not the default:
   * see HELD_ROWS_METHOD). The likelihood estimator, or a point without rows, always searches.
   * Held-rows replicates depend on the point's rows by design; searches do not.
   */
  resolve?: 'search' | 'held-rows';
}

/** The width factor of each category, by its kind. */
export function scalesOf(
  method: Pick<IntervalMethod, 'scale' | 'scaleByKind'>,
  kinds: readonly string[],
): number[] {
  return kinds.map((kind) => method.scaleByKind?.[kind] ?? method.scale);
}

/** The method before issue 26: blocks, one draw, percentiles, no calibration. */
export const BLOCK_PERCENTILE: IntervalMethod = { unit: 'blocks', draws: 1, form: 'percentile', scale: 1 };

/**
 * The default, chosen and fitted on validate --shift (docs/DESIGN.md, "Intervals"): natural-language
 * samples needed about 2× a one-draw chunk bootstrap's sd, code about 2.5×; two draws give √2 of it.
 * Kinds not measured (domain, other) take the larger factor.
 */
export const DEFAULT_INTERVAL_METHOD: IntervalMethod = {
  unit: 'chunks',
  chunks: 20,
  draws: 2,
  form: 'normal',
  scale: 1.8,
  scaleByKind: { language: 1.4 },
};

/**
 * The same resampling, each replicate one LP over the point's held rows, with factors refitted on
 * validate --shift (seed 7) and checked on seed 1. Not the default: on gpt-4o's 43 categories its
 * replicates landed 2–3× further from the point than the searches of the same resamples, a domain's
 * interval twice as wide (docs/DESIGN.md).
 */
export const HELD_ROWS_METHOD: IntervalMethod = {
  ...DEFAULT_INTERVAL_METHOD,
  resolve: 'held-rows',
  scale: 1.2,
  scaleByKind: { language: 0.9 },
};

/** A short name of a method, for results and tables (e.g. "chunks20-x2-normal-scale1.5"). */
export function describeMethod(m: IntervalMethod): string {
  const unit = m.unit === 'chunks' ? `chunks${m.chunks}` : 'blocks';
  const byKind = Object.entries(m.scaleByKind ?? {}).map(([kind, f]) => `-${kind}${f}`);
  const held = m.resolve === 'held-rows' ? '-held' : '';
  return `${unit}${m.draws === 2 ? '-x2' : ''}${held}-${m.form}${m.scale === 1 ? '' : `-scale${m.scale}`}${byKind.join('')}`;
}

/**
 * Which unit each block belongs to: itself ('blocks'), or one of `chunks` contiguous runs whose
 * bytes are as equal as the blocks allow ('chunks').
 */
export function unitsOfBlocks(blockBytes: Float64Array, method: IntervalMethod): Uint32Array {
  const nb = blockBytes.length;
  const unit = new Uint32Array(nb);
  if (method.unit === 'blocks') {
    for (let b = 0; b < nb; b++) unit[b] = b;
    return unit;
  }
  const k = Math.max(2, Math.min(nb, method.chunks ?? 20));
  let total = 0;
  for (let b = 0; b < nb; b++) total += blockBytes[b];
  let before = 0;
  for (let b = 0; b < nb; b++) {
    // A block's chunk is where its middle falls, so every chunk gets at least one block when nb ≥ k.
    unit[b] = Math.min(k - 1, Math.floor(((before + blockBytes[b] / 2) / total) * k));
    before += blockBytes[b];
  }
  return unit;
}

/** Units per sample (the largest unit index + 1). */
export function unitCount(units: Uint32Array): number {
  let max = -1;
  for (const u of units) if (u > max) max = u;
  return max + 1;
}

/**
 * Weights of one replicate over `count` units: `count` draws with replacement; with draws = 2,
 * then `count` draws from that resample (a resample of the resample).
 */
export function resampleWeights(count: number, draws: 1 | 2, rng: Rng): Float64Array {
  const first = new Float64Array(count);
  for (let k = 0; k < count; k++) first[rng.int(count)]++;
  if (draws === 1) return first;
  // The resample as a list of its units, drawn from uniformly.
  const drawn = new Uint32Array(count);
  let at = 0;
  for (let u = 0; u < count; u++) for (let c = 0; c < first[u]; c++) drawn[at++] = u;
  const second = new Float64Array(count);
  for (let k = 0; k < count; k++) second[drawn[rng.int(count)]]++;
  return second;
}

/** The q-quantile of sorted values (linear interpolation between order statistics). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 1) return sorted[0];
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

/** The standard normal's p-quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * Student's t p-quantile with `df` degrees of freedom: exact for 1 and 2, else the Cornish–Fisher
 * expansion in 1/df (error below 1e-3 from df = 3 at p ≤ 0.995).
 */
export function tQuantile(p: number, df: number): number {
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z2 = z * z;
  return (
    z +
    (z * (z2 + 1)) / (4 * df) +
    (z * (5 * z2 * z2 + 16 * z2 + 3)) / (96 * df * df) +
    (z * (3 * z2 * z2 * z2 + 19 * z2 * z2 + 17 * z2 - 15)) / (384 * df ** 3) +
    (z * (79 * z2 ** 4 + 776 * z2 ** 3 + 1482 * z2 * z2 - 1920 * z2 - 945)) / (92160 * df ** 4)
  );
}

/**
 * Per category, the `level` interval the method reads from the replicates, widened by its scale
 * (or the category's own, `scales`) about `point`, holding `point` and clipped to [0, 1].
 */
export function intervalsFromReplicates(
  replicates: readonly (readonly number[])[],
  point: readonly number[],
  level: number,
  method: Pick<IntervalMethod, 'form' | 'scale'>,
  scales?: readonly number[],
): [number, number][] {
  const B = replicates.length;
  return point.map((p, i) => {
    const values = replicates.map((r) => r[i]);
    let lo: number;
    let hi: number;
    if (method.form === 'normal' && B >= 2) {
      const mean = values.reduce((s, v) => s + v, 0) / B;
      const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (B - 1));
      const half = tQuantile(1 - (1 - level) / 2, B - 1) * sd;
      lo = p - half;
      hi = p + half;
    } else {
      values.sort((a, b) => a - b);
      lo = quantile(values, (1 - level) / 2);
      hi = quantile(values, 1 - (1 - level) / 2);
    }
    const scale = scales?.[i] ?? method.scale;
    lo = p - scale * Math.max(0, p - lo);
    hi = p + scale * Math.max(0, hi - p);
    return [Math.max(0, lo), Math.min(1, hi)];
  });
}
