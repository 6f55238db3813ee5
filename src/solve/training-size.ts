// How much text a tokenizer was trained on (issue 28), read from how its merge list breaks ties.
// Hugging Face's BpeTrainer takes the most frequent pair and, among equal counts, the smaller
// (left id, right id); merge counts never rise. So where counts are small, equal-count merges come
// out as runs in ascending id order and each descent of that order marks a count drop. Counting
// the descents after step t gives n_t − n_end; the rate of the merged pairs per byte of the mixture
// (replay on the category samples, weighted by the estimated byte shares) turns counts into bytes.
import type { Merge, TokenizerSpec } from '../tokenizer/spec.js';
import type { Transcript } from '../bpe/types.js';
import { TranscriptCursor } from '../bpe/transcript-cursor.js';
import { replayCategories } from '../bpe/replay-categories.js';
import type { WordCounts } from '../corpus/types.js';
import type { Cache } from '../common/cache.js';
import type { ProgressCallback } from '../common/progress.js';
import type { Deadline } from '../common/deadline.js';

/** Whose trainer made the merge list, as far as the file tells. */
export type TrainerFamily = 'hf-tokenizers' | 'tiktoken' | 'sentencepiece';

export interface TrainerFamilyVerdict {
  family: TrainerFamily;
  /** Why: the file format or the loader's note that decided it. */
  reason: string;
}

/**
 * The trainer family from the tokenizer's format and loading notes: rank files (.tiktoken,
 * claude.json, a tokenizer.json that is a conversion of ranks) come from OpenAI-style trainers,
 * SentencePiece conversions from SentencePiece; any other tokenizer.json or merges.txt is taken
 * as Hugging Face `tokenizers` output (an assumption the tie signal then supports or not).
 */
export function detectTrainerFamily(spec: Pick<TokenizerSpec, 'format' | 'notes'>): TrainerFamilyVerdict {
  if (spec.format === 'tiktoken' || spec.format === 'claude.json') {
    return {
      family: 'tiktoken',
      reason: `a ${spec.format} rank file: merges are derived from token ranks, and the trainer's counts and tie-break are not recorded`,
    };
  }
  if (spec.notes.some((note) => note.startsWith('SentencePiece conversion'))) {
    return {
      family: 'sentencepiece',
      reason:
        'a SentencePiece conversion: merges are ordered by piece scores, whose ties are not broken by pair ids',
    };
  }
  if (spec.notes.some((note) => note.startsWith('conversion of tiktoken ranks'))) {
    return {
      family: 'tiktoken',
      reason: 'a tokenizer.json converted from tiktoken ranks: merges are derived from token ranks',
    };
  }
  return {
    family: 'hf-tokenizers',
    reason: `a ${spec.format} with its own merge order: assumed Hugging Face tokenizers' BpeTrainer`,
  };
}

/**
 * Each merge's place in Hugging Face's tie-break order, as two numbers per merge: a token's id
 * is its code point when it is one character (the trainer's alphabet is sorted by code point;
 * special tokens before it shift every id alike) and 0x110000 + the step that first made it
 * otherwise. A part no earlier merge made gets NaN (its order is unknown).
 */
export function tieBreakKeys(mergeList: readonly Merge[]): { left: Float64Array; right: Float64Array } {
  const made = new Map<string, number>();
  const id = (token: string): number => {
    const first = token.codePointAt(0);
    if (first !== undefined && token.length === (first > 0xffff ? 2 : 1)) return first;
    const step = made.get(token);
    return step === undefined ? NaN : 0x110000 + step;
  };
  const left = new Float64Array(mergeList.length);
  const right = new Float64Array(mergeList.length);
  mergeList.forEach(([a, b], t) => {
    left[t] = id(a);
    right[t] = id(b);
    if (!made.has(a + b)) made.set(a + b, t);
  });
  return { left, right };
}

/**
 * descents[t] = 1 when merge t+1 does not follow merge t in tie-break order (so the two cannot
 * have had equal counts under Hugging Face's trainer: the count dropped between them), for t in
 * [0, length − 1); unknown orders (NaN ids) count as no descent.
 */
export function tieBreakDescents(mergeList: readonly Merge[]): Uint8Array {
  const { left, right } = tieBreakKeys(mergeList);
  const out = new Uint8Array(Math.max(0, mergeList.length - 1));
  for (let t = 0; t + 1 < mergeList.length; t++) {
    const after = left[t] < left[t + 1] || (left[t] === left[t + 1] && right[t] < right[t + 1]);
    const unknown = Number.isNaN(left[t] + right[t] + left[t + 1] + right[t + 1]);
    out[t] = after || unknown ? 0 : 1;
  }
  return out;
}

/** Maximal runs of merges in ascending tie-break order, as [first, last] steps (inclusive). */
export function tieRuns(mergeList: readonly Merge[], first = 0, end = mergeList.length): [number, number][] {
  const descents = tieBreakDescents(mergeList);
  const runs: [number, number][] = [];
  let start = first;
  for (let t = first; t < end; t++) {
    if (t === end - 1 || descents[t] === 1) {
      runs.push([start, t]);
      start = t + 1;
    }
  }
  return runs;
}

/** Block size and the largest descent fraction of a block inside the tie regime. */
export const TIE_BLOCK = 200;
export const TIE_MAX_DESCENT_FRACTION = 0.2;

/**
 * Where the tie regime begins: the first step of the earliest block (of TIE_BLOCK merges, counted
 * back from the end) such that this and every later block has at most TIE_MAX_DESCENT_FRACTION
 * descents. Without ties, descents are 35–50% of steps (measured), so a block passes by chance
 * with probability below 1e-6. Undefined when the last block does not pass.
 */
export function tieRegimeStart(descents: Uint8Array, first: number, end: number): number | undefined {
  let start: number | undefined;
  for (let blockEnd = end; blockEnd - first >= TIE_BLOCK; blockEnd -= TIE_BLOCK) {
    let d = 0;
    for (let t = blockEnd - TIE_BLOCK; t < blockEnd - 1; t++) d += descents[t];
    if (d > TIE_MAX_DESCENT_FRACTION * TIE_BLOCK) break;
    start = blockEnd - TIE_BLOCK;
  }
  return start;
}

/**
 * The mixture's rate per byte of each merged pair at its step: Σ_i β_i c_i,t(m_t) / bytes_i, with
 * β the byte shares and c_i,t(m_t) the merge's count in category i's sample after the earlier merges.
 */
export function mergeRates(
  transcripts: readonly Transcript[],
  byteShares: readonly number[],
  steps: number,
): Float64Array {
  const rate = new Float64Array(steps);
  transcripts.forEach((transcript, i) => {
    const weight = byteShares[i] / transcript.totals.bytes;
    if (!(weight > 0)) return;
    const cursor = new TranscriptCursor(transcript);
    for (let t = 0; t < steps; t++) {
      rate[t] += weight * cursor.mergeCount();
      if (t + 1 < steps) cursor.advance();
    }
  });
  return rate;
}

export interface TrainingSize {
  /**
   * `estimate`: bytes with an interval; `lower-bound`: at least `lowerBound` bytes; `not-computed`:
   * the run's time ran out first (`reason`); else not identifiable.
   */
  status: 'estimate' | 'lower-bound' | 'not-identifiable' | 'not-computed';
  family: TrainerFamily;
  familyReason: string;
  method: string;
  bytes?: number;
  interval?: [number, number];
  lowerBound?: number;
  /** Steps analysed (0-based, inclusive) and, with ties, where the tie regime begins. */
  steps?: { first: number; last: number; tieRegimeStart?: number };
  /** Descents of tie-break order from the tie regime's start to the end (count drops there). */
  descents?: number;
  /** N from the fits over the first and the second half of the tie regime (0: no positive fit). */
  halfSlopes?: number[];
  /**
   * A fact of the list alone, no rates: the merge at `step` (the tie regime's start, else the
   * first analysed) was made from a pair seen at least `count` times (descents after it + 1).
   */
  countFloor?: { step: number; count: number };
  /** The fitted count of the last merges (n_end: 1 without a min_frequency floor). */
  lastCount?: number;
  reason?: string;
}

/** Windows of the tie regime the fit uses, and the fewest descents an estimate needs. */
const FIT_WINDOW = 500;
/** Windows of the fit: FIT_WINDOW, or smaller so a short tie regime still gives 8 windows. */
const fitWindow = (length: number): number => Math.max(50, Math.min(FIT_WINDOW, Math.floor(length / 8)));
const MIN_DESCENTS = 5;
const MIN_WINDOWS = 4;
/**
 * The fit and the lower bound use steps with at least this many descents after them (counts
 * ≥ 31): merges made at small counts are often pairs peculiar to the training text, whose rate
 * in another sample of the same kind is below count / N (measured: at counts ≥ 11 the bound came
 * out up to 1.16x the truth), and the flat tail at counts near 1 carries no slope.
 */
const MIN_DESCENTS_AFTER = 30;
/**
 * The lower bound is divided by this margin: with counts ≥ 31 a window's rate is still a few
 * percent low on average (the pair was merged because its count ran high), and n_end = 1 makes
 * the bound as tight as an estimate (bench/README.md).
 */
const BOUND_MARGIN = 1.25;
/**
 * Factor the interval is widened by on each side: at the estimated mixture, estimate / truth ranged
 * over 0.99–1.08 on 25 whole lists and 0.86–1.28 on 20 lists cut at 3,000 merges, with samples of
 * the training text's own kind (bench/training-size.ts, bench/README.md).
 */
const MODEL_ERROR = 1.1;
/** Largest ratio between the fits over the two halves of the tie regime that still gives an estimate. */
const MAX_HALF_RATIO = 2;

interface Fit {
  slope: number;
  intercept: number;
  se: number;
}

/** Least squares y = slope·x + intercept, with the slope's standard error. */
function leastSquares(x: number[], y: number[]): Fit | undefined {
  const n = x.length;
  if (n < 3) return undefined;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < n; k++) {
    sxx += (x[k] - mx) ** 2;
    sxy += (x[k] - mx) * (y[k] - my);
  }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let k = 0; k < n; k++) rss += (y[k] - slope * x[k] - intercept) ** 2;
  return { slope, intercept, se: Math.sqrt(rss / (n - 2) / sxx) };
}

export interface TrainingSizeInput {
  mergeList: readonly Merge[];
  family: TrainerFamilyVerdict;
  /** First step to analyse (merges before it came from a base tokenizer). */
  firstStep?: number;
  /** Rates per byte of each merge (mergeRates), covering every step; without them no bytes. */
  rates?: Float64Array;
}

/**
 * The training size of a Hugging Face-trained merge list. In the tie regime every descent is one
 * count drop, so D_t (descents from t to the end) = n_t − n_end = N r_t − n_end: a least-squares
 * line of D against r over windows of the regime gives N (slope) and n_end (−intercept). Without a
 * tie regime, every descent is still a count drop, so n_t ≥ D_t + 1 and N ≥ max_t (D_t + 1) / r_t.
 */
export function inferTrainingSize(input: TrainingSizeInput): TrainingSize {
  const { mergeList, family } = input;
  const base = { family: family.family, familyReason: family.reason };
  if (family.family !== 'hf-tokenizers') {
    return {
      ...base,
      status: 'not-identifiable',
      method: 'none',
      reason: `not identifiable for this tokenizer: ${family.reason}`,
    };
  }
  const first = input.firstStep ?? 0;
  const end = mergeList.length;
  const steps = { first, last: end - 1 };
  if (end - first < TIE_BLOCK) {
    return {
      ...base,
      status: 'not-identifiable',
      method: 'tie-break descents',
      steps,
      reason: `not identifiable: ${end - first} merges analysed, fewer than one block of ${TIE_BLOCK}`,
    };
  }
  const descents = tieBreakDescents(mergeList);
  const after = new Float64Array(end + 1);
  for (let t = end - 2; t >= first; t--) after[t] = after[t + 1] + descents[t];
  const regime = tieRegimeStart(descents, first, end);
  const floorStep = regime ?? first;
  const countFloor = { step: floorStep, count: after[floorStep] + 1 };
  const rates = input.rates;
  if (!rates) {
    return {
      ...base,
      status: 'not-identifiable',
      method: 'tie-break descents',
      steps: { ...steps, tieRegimeStart: regime },
      descents: regime === undefined ? undefined : after[regime],
      countFloor,
      reason: 'not identifiable without rates: no category sample was replayed over the whole merge list',
    };
  }
  // Lower bound: n_s ≥ D_s + 1 at every step, summed over a suffix [t, u) of the list that stops
  // where fewer than MIN_DESCENTS_AFTER descents remain; N ≥ Σ(D_s + 1) / Σ r_s. Whole suffixes,
  // not single windows: the largest of many window ratios would be driven by the window whose
  // merges the samples happen to lack.
  let u = end - 1;
  while (u > first && after[u - 1] < MIN_DESCENTS_AFTER) u--;
  let lowerBound = 0;
  let counts = 0;
  let rateSum = 0;
  for (let t = u - 1; t >= first; t--) {
    counts += after[t] + 1;
    rateSum += rates[t];
    if ((u - t) % FIT_WINDOW === 0 && rateSum > 0) {
      lowerBound = Math.max(lowerBound, counts / rateSum / BOUND_MARGIN);
    }
  }
  const bound = (reason: string): TrainingSize => ({
    ...base,
    status: 'lower-bound',
    method: 'tie-break descents (each a count drop) over the replayed rates',
    lowerBound,
    steps: { ...steps, tieRegimeStart: regime },
    countFloor,
    reason,
  });
  if (regime === undefined) {
    return bound(
      `no tie regime: the last ${TIE_BLOCK} merges are not in tie-break order (over ${Math.round(100 * TIE_MAX_DESCENT_FRACTION)}% descents), so counts were still large at the end of the list`,
    );
  }
  const x: number[] = [];
  const y: number[] = [];
  // The fit runs from the regime's start to u (its flat tail at small counts left out).
  const window = fitWindow(u - regime);
  for (let s = regime; s + window <= u; s += window) {
    let r = 0;
    let d = 0;
    for (let t = s; t < s + window; t++) {
      r += rates[t];
      d += after[t];
    }
    x.push(r / window);
    y.push(d / window);
  }
  const total = after[regime];
  if (total < MIN_DESCENTS || x.length < MIN_WINDOWS) {
    return bound(
      `a tie regime from step ${regime} with ${total} descents over ${x.length} windows of ${window}: too few to fit (need ${MIN_DESCENTS} descents and ${MIN_WINDOWS} windows)`,
    );
  }
  const fit = leastSquares(x, y);
  if (!fit || !(fit.slope > 0)) {
    return bound('the descents do not rise with the rates in the tie regime: no fit');
  }
  const half = Math.floor(x.length / 2);
  const early = leastSquares(x.slice(0, half + 1), y.slice(0, half + 1));
  const late = leastSquares(x.slice(half), y.slice(half));
  const halves = [early?.slope ?? 0, late?.slope ?? 0];
  const facts = {
    steps: { ...steps, tieRegimeStart: regime },
    descents: total,
    halfSlopes: halves,
  };
  // The model says D falls along one line in r; halves of the regime that disagree by more
  // than MAX_HALF_RATIO mean the samples' rates do not follow the training text's counts.
  const [a, b] = halves;
  if (!(a > 0 && b > 0) || Math.max(a, b) / Math.min(a, b) > MAX_HALF_RATIO) {
    return {
      ...bound(
        `the rates from the samples do not follow the descents in the tie regime (fits over its two halves give ${formatSlope(a)} and ${formatSlope(b)} bytes, more than ${MAX_HALF_RATIO}x apart): the samples are unlike the training text, so no estimate; the bound rests on the same rates`,
      ),
      ...facts,
    };
  }
  const candidates = [fit.slope - 2 * fit.se, fit.slope + 2 * fit.se, a, b];
  // The fit's spread, widened by the model error measured with samples of the training text's own
  // kind (MODEL_ERROR; bench/README.md): it says nothing of samples unlike the training text.
  const bytes = Math.max(fit.slope, lowerBound);
  const low = Math.min(bytes, Math.max(lowerBound, Math.min(...candidates) / MODEL_ERROR));
  const high = Math.max(bytes, Math.max(...candidates) * MODEL_ERROR);
  return {
    ...base,
    status: 'estimate',
    method: 'tie-break descents against replayed rates (least squares over the tie regime)',
    bytes,
    interval: [low, high],
    lowerBound,
    ...facts,
    countFloor,
    lastCount: Math.max(0, -fit.intercept),
  };
}

const formatSlope = (bytes: number): string => (bytes > 0 ? bytes.toPrecision(3) : 'no positive slope');

export interface TrainingSizeOfOptions {
  /** First step of the list's own merges (merges before it come from a base tokenizer). */
  firstStep?: number;
  cache?: Cache;
  onProgress?: ProgressCallback;
  deadline?: Deadline;
}

/**
 * The family the file declares, overruled by the merge order itself: a list with a tie regime
 * (tieRegimeStart) broke its ties as Hugging Face's trainer does, whatever file it came in (the
 * claude.json ranks do: measured in bench/README.md). Without one, the declared family stands.
 */
export function judgeTrainerFamily(
  spec: Pick<TokenizerSpec, 'format' | 'notes' | 'mergeList'>,
  firstStep = 0,
): TrainerFamilyVerdict {
  const declared = detectTrainerFamily(spec);
  if (declared.family === 'hf-tokenizers') return declared;
  const regime = tieRegimeStart(tieBreakDescents(spec.mergeList), firstStep, spec.mergeList.length);
  if (regime === undefined) return declared;
  return {
    family: 'hf-tokenizers',
    reason: `${declared.reason}; but its merges from step ${regime} on run in Hugging Face's tie-break order (at most ${Math.round(100 * TIE_MAX_DESCENT_FRACTION)}% descents in every block of ${TIE_BLOCK}, which random order passes with probability below 1e-6), so its ties were broken as that trainer breaks them`,
  };
}

/**
 * `infer`'s training size: the trainer family (judgeTrainerFamily), then, for a Hugging Face-trained
 * list, the category samples replayed over the whole merge list (cached like any replay) for the
 * rates at the estimated byte shares, and `inferTrainingSize`.
 */
export async function trainingSizeOf(
  counts: WordCounts[],
  spec: TokenizerSpec,
  byteShares: readonly number[],
  options: TrainingSizeOfOptions = {},
): Promise<TrainingSize> {
  const family = judgeTrainerFamily(spec, options.firstStep);
  const input = { mergeList: spec.mergeList, family, firstStep: options.firstStep };
  if (family.family !== 'hf-tokenizers') return inferTrainingSize(input);
  const steps = spec.mergeList.length;
  // The estimate is already made: a time budget that runs out here leaves the training size
  // unanswered, never the run.
  const notComputed = (): TrainingSize => ({
    status: 'not-computed',
    family: family.family,
    familyReason: family.reason,
    method: 'tie-break descents against the samples replayed over the whole list',
    reason:
      "not computed: the run's time budget ran out before the whole merge list was replayed for it (raise --time-limit, 0 for none, or pass --no-training-size)",
  });
  if (options.deadline?.expired()) return notComputed();
  let transcripts;
  try {
    transcripts = await replayCategories(counts, spec, steps, {
      cache: options.cache,
      onProgress: options.onProgress,
      deadline: options.deadline,
    });
  } catch (error) {
    if (options.deadline?.expired()) return notComputed();
    throw error;
  }
  return inferTrainingSize({ ...input, rates: mergeRates(transcripts, byteShares, steps) });
}
