// inferMixture: the whole `tokmix infer` pipeline as one library call — load the tokenizer, count
// the categories' samples, replay the merge list over them, solve the LP — returning the versioned
// InferResult. It stands apart because it is the one place that joins every module.
import { readFileSync } from 'node:fs';
import { Cache, defaultCacheDir } from './common/cache.js';
import { UserError } from './common/errors.js';
import { Deadline } from './common/deadline.js';
import { noProgress } from './common/progress.js';
import type { ProgressCallback } from './common/progress.js';
import { loadTokenizer } from './tokenizer/load.js';
import { parsePreTokenizerPreset } from './tokenizer/presets.js';
import type { TokenizerSpec } from './tokenizer/spec.js';
import {
  checkSkipMerges,
  inheritedMergesNote,
  resolveMergeRange,
  type MergeRange,
} from './tokenizer/merge-range.js';
import { countCategories } from './corpus/count.js';
import { resolveCategories } from './corpus/resolve.js';
import { replayCategories } from './bpe/replay-categories.js';
import { solveMixture } from './solve/solve-mixture.js';
import { isSolverBackend, SOLVER_BACKENDS } from './solve/backends/index.js';
import type { SolverBackend } from './solve/types.js';
import { RESULT_SCHEMA_VERSION } from './report/result.js';
import type { CategoryResult, InferResult } from './report/result.js';

/**
 * Default merges replayed and solved (the README's "Why these defaults"). The paper uses 30,000,
 * but against real tokenizers most merges are explained by no candidate mixture, the lazy LP then
 * grows by ~100 constraints per merge and 3,000 merges on the default set already take minutes;
 * its controlled experiments reach log10 MSE about -5.8 at 1,000 merges.
 */
export const DEFAULT_MERGES = 1000;
/** Default cap on each category's sample, in bytes (see the README). */
export const DEFAULT_BYTES_PER_CATEGORY = 1_000_000;

export interface InferOptions {
  /** A built-in set name, a folder of category folders, or a manifest .json (default 'default'). */
  categories?: string;
  /** Merges to attack (default DEFAULT_MERGES, or all after the skipped ones when fewer). */
  merges?: number;
  /**
   * Merges applied but not attacked, before the `merges` attacked ones (default 0; a built-in that
   * inherited its first merges from another, e.g. llama3's 100,000 cl100k merges, gets a note).
   */
  skipMerges?: number;
  /** Cap on each category's sample in bytes (default DEFAULT_BYTES_PER_CATEGORY). */
  bytes?: number;
  /** Which sequences a capped sample takes. */
  seed?: number;
  solver?: SolverBackend | string;
  /** Worker threads for counting. */
  jobs?: number;
  cacheDir?: string;
  onProgress?: ProgressCallback;
  /** Pre-tokenizer preset replacing the file's (or supplying one a merges.txt lacks). */
  pretokenizer?: string;
  textField?: string;
  textColumn?: string;
  /** Wall-clock limit on the whole run (loading, counting, replay, solve), in seconds. */
  timeLimitSeconds?: number;
  /** The run's deadline when the caller started the clock earlier (default: timeLimitSeconds from the call). */
  deadline?: Deadline;
  /** The tokenizer already loaded from `tokenizerRef` with these options (saves loading it twice). */
  tokenizer?: TokenizerSpec;
}

export function toolVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'tokmix' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

/** Checks the options a user types, before any long work. */
export function validateInferOptions(options: InferOptions): void {
  if (options.merges !== undefined && (!Number.isInteger(options.merges) || options.merges <= 0)) {
    throw new UserError(`--merges ${options.merges}: expected a positive whole number`, '--merges');
  }
  checkSkipMerges(options.skipMerges);
  if (options.bytes !== undefined && (!Number.isFinite(options.bytes) || options.bytes <= 0)) {
    throw new UserError(`--bytes ${options.bytes}: expected a positive size`, '--bytes');
  }
  if (options.solver !== undefined && !isSolverBackend(options.solver)) {
    throw new UserError(
      `--solver ${options.solver}: unknown solver; use one of ${SOLVER_BACKENDS.join(', ')}`,
      '--solver',
    );
  }
  if (options.pretokenizer !== undefined) parsePreTokenizerPreset(options.pretokenizer);
}

/** The tokenizer an inference would use, loaded with the same options (for early checks). */
export async function loadInferTokenizer(
  tokenizerRef: string,
  options: InferOptions,
): Promise<TokenizerSpec> {
  return loadTokenizer(tokenizerRef, {
    // Built-ins derive their merges from ranks: cache the result like every other stage.
    cache: new Cache(options.cacheDir ?? defaultCacheDir()),
    preTokenizer:
      options.pretokenizer === undefined ? undefined : parsePreTokenizerPreset(options.pretokenizer),
  });
}

/** The merges an inference uses (skipped, then attacked), checked against the tokenizer. */
export function inferMergeRange(spec: TokenizerSpec, options: InferOptions): MergeRange {
  return resolveMergeRange(spec, {
    merges: options.merges,
    skipMerges: options.skipMerges,
    defaultMerges: DEFAULT_MERGES,
  });
}

export async function inferMixture(tokenizerRef: string, options: InferOptions = {}): Promise<InferResult> {
  validateInferOptions(options);
  const deadline = options.deadline ?? new Deadline(options.timeLimitSeconds);
  const onProgress = options.onProgress ?? noProgress;
  const spec = options.tokenizer ?? (await loadInferTokenizer(tokenizerRef, options));
  deadline.check('loading the tokenizer');
  const mergesAvailable = spec.mergeList.length;
  const range = inferMergeRange(spec, options);
  const { skip, merges: steps } = range;
  const categorySet = options.categories ?? 'default';
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const categories = await resolveCategories(categorySet, {
    textField: options.textField,
    textColumn: options.textColumn,
    cacheDir,
    onProgress,
  });
  deadline.check('preparing the categories');
  const cache = new Cache(cacheDir);
  const bytes = options.bytes ?? DEFAULT_BYTES_PER_CATEGORY;
  const counts = await countCategories(categories, spec, {
    bytes,
    seed: options.seed,
    jobs: options.jobs,
    cache,
    onProgress,
    textField: options.textField,
    textColumn: options.textColumn,
    deadline,
  });
  const names = categories.map((c) => c.name);
  counts.forEach((c, i) => {
    if (c.stats.preTokens === 0) {
      throw new UserError(
        `${names[i]}: no text in the category's sample (${categories[i].files.length} files); add text or drop the category`,
        names[i],
      );
    }
  });
  const transcripts = await replayCategories(counts, spec, skip + steps, { cache, onProgress, deadline });
  deadline.check('replaying the merges');
  const estimate = await solveMixture(transcripts, {
    mergeList: spec.mergeList,
    firstStep: skip,
    backend: (options.solver as SolverBackend | undefined) ?? 'highs',
    onProgress,
    names,
    // What the earlier stages left of the run's limit (to 0.1 s, so messages stay readable).
    timeLimitSeconds: deadline.limited
      ? Math.max(0.1, Math.floor(deadline.remainingMs() / 100) / 10)
      : undefined,
  });
  const ranges = estimate.uncertainty?.byteShareRange;
  const results: CategoryResult[] = counts.map((c, i) => ({
    name: c.category.name,
    kind: c.category.kind,
    ...(c.category.language !== undefined ? { language: c.category.language } : {}),
    ...(c.category.script !== undefined ? { script: c.category.script } : {}),
    bytes: transcripts[i].totals.bytes,
    pairs: transcripts[i].totals.pairs,
    pairShare: estimate.pairShare[i],
    byteShare: estimate.byteShare[i],
    ...(ranges?.[i] ? { byteShareRange: ranges[i] } : {}),
  }));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    kind: 'tokmix-infer-result',
    tokenizer: {
      name: spec.name,
      source: spec.source,
      format: spec.format,
      alphabet: spec.alphabet,
      mergesUsed: steps,
      mergesAvailable,
      firstStep: skip,
      lastStep: skip + steps - 1,
    },
    categorySet,
    categories: results,
    solver: {
      backend: estimate.backend,
      objective: estimate.objective,
      slackTotal: estimate.slackTotal,
      rounds: estimate.rounds,
      constraints: estimate.constraints,
      variables: estimate.variables,
      seconds: estimate.sweepSeconds + estimate.lpSeconds,
      sweepSeconds: estimate.sweepSeconds,
      lpSeconds: estimate.lpSeconds,
      unique: estimate.uncertainty?.unique ?? true,
      ...(estimate.uncertainty?.note ? { note: estimate.uncertainty.note } : {}),
      unexplainedMerges: estimate.unexplainedMerges,
    },
    options: {
      categories: categorySet,
      merges: steps,
      skipMerges: skip,
      bytes,
      seed: options.seed ?? 0,
      solver: estimate.backend,
      pretokenizer: options.pretokenizer ?? null,
      notes: [
        ...spec.notes,
        ...(range.inherited ? [inheritedMergesNote(spec.name, range.inherited)] : []),
        ...counts.flatMap((c) => c.notes ?? []),
      ],
    },
    tool: { name: 'tokmix', version: toolVersion() },
    createdAt: new Date().toISOString(),
  };
}
