// The whole `tokmix infer` run as library calls: planInfer checks the options once, loads the
// tokenizer and resolves the categories (everything the command checks before long work); runInfer
// counts the samples and hands them to the pipeline core (estimateMixture); inferMixture does both.
import { Cache, defaultCacheDir } from './common/cache.js';
import { UserError } from './common/errors.js';
import { toolVersion } from './common/version.js';
import { Deadline } from './common/deadline.js';
import { noProgress } from './common/progress.js';
import type { ProgressCallback } from './common/progress.js';
import { loadTokenizer } from './tokenizer/load.js';
import { parsePreTokenizerPreset } from './tokenizer/presets.js';
import type { TokenizerSpec } from './tokenizer/spec.js';
import { checkSkipMerges, inheritedMergesNote, resolveMergeRange, type MergeRange } from './merge-range.js';
import { countCategories } from './count/count.js';
import { resolveCategories } from './corpus/resolve.js';
import { estimateMixture } from './solve/estimate-mixture.js';
import { checkGap } from './solve/solve-mixture.js';
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
  /** Stop the solve once within this relative gap of the optimum, in (0, 1) (default: certify). */
  gap?: number;
  /** Aborting stops the solve with its best shares so far and their gap (Ctrl-C). */
  signal?: AbortSignal;
}

/** Checks the options a user types, before any long work. */
function validateInferOptions(options: InferOptions): void {
  if (options.merges !== undefined && (!Number.isInteger(options.merges) || options.merges <= 0)) {
    throw new UserError(`--merges ${options.merges}: expected a positive whole number`, '--merges');
  }
  checkSkipMerges(options.skipMerges);
  checkGap(options.gap);
  if (options.bytes !== undefined && (!Number.isFinite(options.bytes) || options.bytes <= 0)) {
    throw new UserError(`--bytes ${options.bytes}: expected a positive size`, '--bytes');
  }
  if (options.solver !== undefined && !isSolverBackend(options.solver)) {
    throw new UserError(
      `--solver ${options.solver}: unknown solver; use one of ${SOLVER_BACKENDS.join(', ')}`,
      '--solver',
    );
  }
}

/** An inference checked and prepared: what the command shows or checks before the long work. */
export interface InferPlan {
  options: InferOptions;
  tokenizer: TokenizerSpec;
  /** The merges used: `skip` applied, then `merges` attacked. */
  range: MergeRange;
  categorySet: string;
  cacheDir: string;
  deadline: Deadline;
  /** The one-line note for a built-in whose first merges are another's, when none were skipped. */
  inheritedNote?: string;
}

/**
 * Checks the options, loads the tokenizer and fixes the merge range: everything a command checks
 * before long work (resolving the categories may extract the built-in sets, so runInfer does it).
 */
export async function planInfer(tokenizerRef: string, options: InferOptions = {}): Promise<InferPlan> {
  validateInferOptions(options);
  const deadline = options.deadline ?? new Deadline(options.timeLimitSeconds);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const tokenizer = await loadTokenizer(tokenizerRef, {
    // Built-ins derive their merges from ranks: cache the result like every other stage.
    cache: new Cache(cacheDir),
    preTokenizer:
      options.pretokenizer === undefined ? undefined : parsePreTokenizerPreset(options.pretokenizer),
  });
  deadline.check('loading the tokenizer');
  const range = resolveMergeRange(tokenizer, {
    merges: options.merges,
    skipMerges: options.skipMerges,
    defaultMerges: DEFAULT_MERGES,
  });
  return {
    options,
    tokenizer,
    range,
    categorySet: options.categories ?? 'default',
    cacheDir,
    deadline,
    ...(range.inherited ? { inheritedNote: inheritedMergesNote(tokenizer.name, range.inherited) } : {}),
  };
}

/** Resolves the planned categories, counts their samples and estimates the mixture. */
export async function runInfer(plan: InferPlan): Promise<InferResult> {
  const { options, tokenizer: spec, range, categorySet, deadline } = plan;
  const onProgress = options.onProgress ?? noProgress;
  const categories = await resolveCategories(categorySet, {
    textField: options.textField,
    textColumn: options.textColumn,
    cacheDir: plan.cacheDir,
    onProgress,
  });
  deadline.check('preparing the categories');
  const { skip, merges: steps } = range;
  const cache = new Cache(plan.cacheDir);
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
  const { transcripts, estimate } = await estimateMixture(counts, spec, skip + steps, {
    firstStep: skip,
    backend: (options.solver as SolverBackend | undefined) ?? 'highs',
    cache,
    onProgress,
    deadline,
    gap: options.gap,
    signal: options.signal,
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
      mergesAvailable: spec.mergeList.length,
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
      certified: estimate.certified,
      gap: estimate.gap,
      lowerBound: estimate.lowerBound,
      ...(estimate.stopped ? { stopped: estimate.stopped } : {}),
      peakRows: estimate.peakRows,
      peakNonzeros: estimate.peakNonzeros,
      peakMemoryBytes: estimate.peakMemoryBytes,
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
      gap: options.gap ?? null,
      pretokenizer: options.pretokenizer ?? null,
      notes: [
        ...spec.notes,
        ...(plan.inheritedNote ? [plan.inheritedNote] : []),
        ...counts.flatMap((c) => c.notes ?? []),
      ],
    },
    tool: { name: 'tokmix', version: toolVersion() },
    createdAt: new Date().toISOString(),
  };
}

/** The whole inference as one call: planInfer, then runInfer. */
export async function inferMixture(tokenizerRef: string, options: InferOptions = {}): Promise<InferResult> {
  return runInfer(await planInfer(tokenizerRef, options));
}
