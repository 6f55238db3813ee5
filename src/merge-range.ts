// Which merges of a tokenizer a run uses: `--skip-merges N|auto` merges applied but not attacked,
// then `--merges T` attacked ones. Merges BPE did not learn (hand-added whitespace runs) inside the
// range are applied but not attacked either, and do not count towards T: the replay runs on until
// T learned merges are attacked. `auto` skips the merges a tokenizer shares with the built-in it
// extends (its lineage, src/tokenizer/lineage.ts).
import { UserError } from './common/errors.js';
import { wholeNumberOf } from './common/number-text.js';
import type { TokenizerSpec } from './tokenizer/spec.js';
import type { Cache } from './common/cache.js';
import { detectHandAddedMerges, type HandAddedBlock, type HandAddedMerges } from './tokenizer/hand-added.js';
import { tokenizerLineage, type Lineage } from './tokenizer/lineage.js';

/** A `--skip-merges` value: a number of merges, or `auto` (the merges shared with the lineage base). */
export type SkipMerges = number | 'auto';

/**
 * What a run skips when no --skip-merges is given: the merges shared with the built-in the
 * tokenizer extends (docs/cli.md, "Tokenizers that extend another"; bench/extension.ts measured it).
 */
export const DEFAULT_SKIP: SkipMerges = 'auto';

export interface ExcludedMerges {
  /** Excluded steps inside the replayed range skip..steps-1. */
  count: number;
  /** Where, and by which rule (blocks clipped to the replayed range). */
  blocks: HandAddedBlock[];
  /** Mask over the replayed steps, 1 = applied but not attacked. */
  mask: Uint8Array;
}

export interface MergeRange {
  /** Merges applied before the first attacked one: the 0-based step of the first attacked merge. */
  skip: number;
  /** Merges attacked (learned merges only): they lie in steps skip..steps-1. */
  merges: number;
  /** Steps replayed: skip + merges + the excluded steps among them. */
  steps: number;
  /** The built-in whose merges this tokenizer's list begins with, when one does. */
  lineage?: Lineage;
  /** Hand-added merges in the range, when any (applied, not attacked). */
  excluded?: ExcludedMerges;
}

/** Checks a `skipMerges` option (a whole number, 0 or more, or 'auto') before any work. */
export function checkSkipMerges(skipMerges: SkipMerges | undefined): void {
  if (skipMerges === 'auto') return;
  if (skipMerges !== undefined && (!Number.isInteger(skipMerges) || skipMerges < 0)) {
    throw new UserError(
      `--skip-merges ${skipMerges}: expected a whole number, 0 or more, or auto`,
      '--skip-merges',
    );
  }
}

/** Parses a typed `--skip-merges` value: a whole number, 0 or more, or `auto`. */
export function parseSkipMerges(text: string): SkipMerges {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const skip = wholeNumberOf(text);
  if (Number.isNaN(skip)) {
    throw new UserError(
      `--skip-merges ${text}: expected a whole number, 0 or more, or auto`,
      '--skip-merges',
    );
  }
  return skip;
}

/** The one line a run prints about a tokenizer's lineage and what it skipped. */
export function lineageLine(name: string, lineage: Lineage, skip: number): string {
  if (lineage.identical) {
    return `${name}: identical to ${lineage.base}'s merges; the answer is ${lineage.base}'s`;
  }
  const shared = `${name} extends ${lineage.base}: its first ${lineage.sharedMerges} merges are ${lineage.base}'s${lineage.omittedBaseMerges > 0 ? ` (less ${lineage.omittedBaseMerges} its pre-tokenizer rules out)` : ''}`;
  return skip === lineage.sharedMerges
    ? `${shared}; attacking only the merges after them (--skip-merges 0 attacks from the start)`
    : skip === 0
      ? `${shared}, so an estimate from them is ${lineage.base}'s; --skip-merges auto attacks only ${name}'s own`
      : `${shared}; --skip-merges ${skip} given`;
}

export interface MergeRangeOptions {
  merges?: number;
  skipMerges?: SkipMerges;
  defaultMerges?: number;
  /** The tokenizer's lineage, if computed (needed for 'auto'). */
  lineage?: Lineage;
  /** Hand-added merges to leave out of the attack (undefined: none, as with --keep-hand-added). */
  handAdded?: HandAddedMerges;
  /** What an absent skipMerges means (default DEFAULT_SKIP). */
  defaultSkip?: SkipMerges;
}

/**
 * The merges a run uses. `merges` defaults to `defaultMerges` (or every learned merge after the
 * skipped ones), capped by what is left; an explicit `merges` that does not fit is an error.
 */
export function resolveMergeRange(
  spec: Pick<TokenizerSpec, 'name' | 'mergeList'>,
  options: MergeRangeOptions,
): MergeRange {
  const { lineage } = options;
  checkSkipMerges(options.skipMerges);
  const available = spec.mergeList.length;
  const asked = options.skipMerges ?? options.defaultSkip ?? DEFAULT_SKIP;
  if (asked === 'auto' && options.skipMerges === 'auto' && !lineage) {
    throw new UserError(
      `--skip-merges auto: ${spec.name}'s merge list does not begin with any built-in tokenizer's; pass a number of merges to skip, or leave the flag out`,
      '--skip-merges',
    );
  }
  // A list identical to a base has no merges of its own: auto attacks the base's from the start.
  const skip = asked === 'auto' ? (lineage && !lineage.identical ? lineage.sharedMerges : 0) : asked;
  const flag =
    options.skipMerges === 'auto' || (options.skipMerges === undefined && asked === 'auto' && skip > 0)
      ? `--skip-merges auto (${skip})`
      : `--skip-merges ${skip}`;
  if (skip > 0 && skip >= available) {
    throw new UserError(
      `${flag}: ${spec.name} has ${available} merges, so none would be left to attack; pass --skip-merges ${Math.max(0, available - 1)} or fewer`,
      '--skip-merges',
    );
  }
  const excludedSteps = options.handAdded?.steps ?? new Int32Array(0);
  const excludedAfterSkip = excludedSteps.length - lowerBound(excludedSteps, skip);
  const left = available - skip - excludedAfterSkip;
  const less = excludedAfterSkip > 0 ? ` (less ${excludedAfterSkip} hand-added)` : '';
  if (left <= 0) {
    throw new UserError(
      `${flag}: every merge of ${spec.name} after it is hand-added, so none would be left to attack; pass a smaller --skip-merges or --keep-hand-added`,
      '--skip-merges',
    );
  }
  const merges = options.merges ?? Math.min(options.defaultMerges ?? left, left);
  if (merges > left) {
    throw new UserError(
      skip === 0
        ? `--merges ${merges}: ${spec.name} has only ${left} merges${less}; pass --merges ${left} or fewer`
        : `--merges ${merges}: ${spec.name} has ${left} merges after ${flag}${less}; pass --merges ${left} or fewer`,
      '--merges',
    );
  }
  // The end of the replay: T learned merges after skip, plus the excluded ones among them.
  let steps = skip + merges;
  let k = lowerBound(excludedSteps, skip);
  while (k < excludedSteps.length && excludedSteps[k] < steps) {
    steps++;
    k++;
  }
  const range: MergeRange = { skip, merges, steps };
  if (lineage) range.lineage = lineage;
  const first = lowerBound(excludedSteps, skip);
  const count = k - first;
  if (count > 0) {
    const mask = new Uint8Array(steps);
    for (let q = first; q < k; q++) mask[excludedSteps[q]] = 1;
    const blocks = (options.handAdded?.blocks ?? [])
      .filter((b) => b.last >= skip && b.first < steps)
      .map((b) => {
        const from = Math.max(b.first, skip);
        const to = Math.min(b.last, steps - 1);
        return { rule: b.rule, first: from, last: to, count: to - from + 1 };
      });
    range.excluded = { count, blocks, mask };
  }
  return range;
}

/**
 * The merge range of a loaded tokenizer as infer and replay use it: its lineage computed, its
 * hand-added merges left out unless `keepHandAdded`.
 */
export async function planMergeRange(
  spec: Pick<TokenizerSpec, 'name' | 'source' | 'alphabet' | 'mergeList'>,
  options: Omit<MergeRangeOptions, 'lineage' | 'handAdded'> & { keepHandAdded?: boolean; cache?: Cache },
): Promise<MergeRange> {
  checkSkipMerges(options.skipMerges);
  const lineage = await tokenizerLineage(spec, { cache: options.cache });
  const handAdded = options.keepHandAdded ? undefined : detectHandAddedMerges(spec.mergeList, spec.alphabet);
  return resolveMergeRange(spec, { ...options, lineage, handAdded });
}

/** First index of a sorted array whose value is >= x. */
function lowerBound(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
