// Which merges of a tokenizer a run uses: `--skip-merges N` merges applied but not attacked, then
// `--merges T` attacked ones (steps N..N+T-1). A built-in whose merge list begins with another's
// (Llama 3 after cl100k) says so, but skips nothing unless told: past 100,000 merges most merges
// occur in none of the built-in samples, and the estimate is poor and slow (README).
import { UserError } from './common/errors.js';
import { builtinOf } from './tokenizer/builtins.js';
import type { TokenizerSpec } from './tokenizer/spec.js';

export interface MergeRange {
  /** Merges applied before the first attacked one: the 0-based step of the first attacked merge. */
  skip: number;
  /** Merges attacked: steps skip..skip+merges-1. Replay covers skip + merges steps. */
  merges: number;
  /** Set when the tokenizer inherits a prefix and no skip was given (nothing is skipped). */
  inherited?: { from: string; count: number };
}

/** The prefix a built-in's merge list shares with another built-in's, if it declares one. */
export function inheritedMerges(
  spec: Pick<TokenizerSpec, 'name' | 'source'>,
): { from: string; count: number } | undefined {
  return builtinOf(spec)?.inheritsMerges;
}

/** The note a run prints when a built-in's first merges are another's and none were skipped. */
export function inheritedMergesNote(name: string, inherited: { from: string; count: number }): string {
  return `${name}: its first ${inherited.count} merges are ${inherited.from}'s, so an estimate from them is ${inherited.from}'s; --skip-merges ${inherited.count} attacks only ${name}'s own merges`;
}

/** Checks a `skipMerges` option (a whole number, 0 or more) before any work. */
export function checkSkipMerges(skipMerges: number | undefined): void {
  if (skipMerges !== undefined && (!Number.isInteger(skipMerges) || skipMerges < 0)) {
    throw new UserError(`--skip-merges ${skipMerges}: expected a whole number, 0 or more`, '--skip-merges');
  }
}

/** Parses a typed `--skip-merges` value: a whole number, 0 or more. */
export function parseSkipMerges(text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) {
    throw new UserError(`--skip-merges ${text}: expected a whole number, 0 or more`, '--skip-merges');
  }
  return Number(text);
}

/**
 * The merges a run uses. `merges` defaults to `defaultMerges` (or every merge after the skipped
 * ones), capped by what is left; an explicit `merges` that does not fit is an error.
 */
export function resolveMergeRange(
  spec: Pick<TokenizerSpec, 'name' | 'source' | 'mergeList'>,
  options: { merges?: number; skipMerges?: number; defaultMerges?: number },
): MergeRange {
  const { skipMerges } = options;
  checkSkipMerges(skipMerges);
  const available = spec.mergeList.length;
  const inherited = skipMerges === undefined ? inheritedMerges(spec) : undefined;
  const skip = skipMerges ?? 0;
  if (skip > 0 && skip >= available) {
    throw new UserError(
      `--skip-merges ${skip}: ${spec.name} has ${available} merges, so none would be left to use; pass --skip-merges ${Math.max(0, available - 1)} or fewer`,
      '--skip-merges',
    );
  }
  const left = available - skip;
  const merges = options.merges ?? Math.min(options.defaultMerges ?? left, left);
  if (merges > left) {
    throw new UserError(
      skip === 0
        ? `--merges ${merges}: ${spec.name} has only ${available} merges; pass --merges ${available} or fewer`
        : `--merges ${merges}: ${spec.name} has ${left} merges after --skip-merges ${skip}; pass --merges ${left} or fewer`,
      '--merges',
    );
  }
  return { skip, merges, ...(inherited ? { inherited } : {}) };
}
