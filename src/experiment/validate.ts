// runValidation: the whole controlled experiment (paper §4, Table 1) — trials for every n, run on
// worker threads, each finished trial cached by its seed and settings so an interrupted run resumes,
// then mean ± sd of log10 MSE per method and n.
import { statSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CategorySpec } from '../corpus/types.js';
import type { TokenizerSpec } from '../tokenizer/spec.js';
import type { SolverBackend } from '../solve/types.js';
import type { CoverageRow, ValidationResult, ValidationRow, ValidationTrial } from '../report/result.js';
import { checkBootstrapOptions } from '../bootstrap/bootstrap.js';
import { VALIDATION_SCHEMA_VERSION } from '../report/result.js';
import { toolVersion } from '../common/version.js';
import type { Cache } from '../common/cache.js';
import type { ProgressCallback } from '../common/progress.js';
import { UserError, isUserError } from '../common/errors.js';
import { resolveCategories } from '../corpus/resolve.js';
import { hostTag } from '../common/fs-checks.js';
import { isAlive } from '../common/process-cleanup.js';
import { inShard, type Shard } from '../common/shard.js';
import { wholeNumberOf } from '../common/number-text.js';
import { meanAndSd, normalizeShares } from './metrics.js';
import {
  checkEstimatorOptions,
  DEFAULT_SAMPLED_STEPS,
  noiseZOf,
  type EstimatorOptions,
} from '../solve/estimator.js';
import {
  runTrial,
  TRIAL_METHODS,
  type MixtureTrainer,
  type TrialMethod,
  type TrialSettings,
} from './trial.js';
import type { TrialWorkerData, TrialWorkerMessage } from './trial-worker.js';

/** `estimator` / `sampledSteps` / `noiseZ`: tokmix's estimator in every trial (default the paper's LP). */
export interface ValidateOptions extends EstimatorOptions {
  /** Built-in set name, folder or manifest. */
  set: string;
  ns: number[];
  trials: number;
  merges: number;
  totalBytes: number;
  sampleBytes?: number;
  seed: number;
  trainer: MixtureTrainer;
  shift: boolean;
  omit: number;
  /** Trials run at once (worker threads; 1 = in this thread). */
  jobs: number;
  /** Pre-tokenization of every tokenizer trained (the paper's: digits split, then GPT-2's byte level). */
  text: Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;
  /** Label of `text` for the record (e.g. the preset name). */
  textLabel?: string;
  backend: SolverBackend;
  methods?: readonly TrialMethod[];
  /** Seconds each trial's tokmix solve may take (--time-limit; absent: to its certificate). */
  solveTimeLimit?: number;
  /** Run only this part of the trials (one job of a cluster array); the record then holds only them. */
  shard?: Shard;
  /** Bootstrap replicates per trial for interval coverage (absent: none), and their level. */
  bootstrap?: number;
  ci?: number;
}

/** The set's identity for trial cache keys: names and file identities. */
function setIdentity(categories: CategorySpec[]): unknown {
  return categories.map((c) => ({
    name: c.name,
    files: c.files.map((f) => {
      const s = statSync(f);
      return [f, s.size, Math.round(s.mtimeMs)];
    }),
  }));
}

/**
 * Checks the options before any work (no set loaded, nothing fetched); `setSize`, once the set is
 * known, adds the check that every n fits it.
 */
export function checkValidateOptions(options: ValidateOptions, setSize?: number): void {
  const positive = (value: number, flag: string) => {
    if (!Number.isInteger(value) || value < 1)
      throw new UserError(`${flag} ${value}: expected a positive whole number`, flag);
  };
  if (options.ns.length === 0)
    throw new UserError('--n: give at least one category count, e.g. --n 5,10', '--n');
  for (const n of options.ns) {
    positive(n, '--n');
    if (setSize !== undefined && n > setSize) {
      throw new UserError(
        `--n ${n}: the set ${options.set} has only ${setSize} categories; choose n at most ${setSize}`,
        '--n',
      );
    }
    if (options.omit >= n) {
      throw new UserError(
        `--omit ${options.omit}: must leave at least one of n = ${n} categories; lower --omit`,
        '--omit',
      );
    }
  }
  checkBootstrapOptions(options.bootstrap, options.ci, true); // 0: no intervals, as in infer
  if (options.ci !== undefined && !options.bootstrap) {
    throw new UserError(`--ci ${options.ci}: intervals need --bootstrap, e.g. --bootstrap 20`, '--ci');
  }
  checkEstimatorOptions(options);
  positive(options.trials, '--trials');
  positive(options.merges, '--merges');
  positive(options.totalBytes, '--total-bytes');
  positive(options.jobs, '--jobs');
  if (options.sampleBytes !== undefined) positive(options.sampleBytes, '--sample-bytes');
  if (!Number.isInteger(options.omit) || options.omit < 0) {
    throw new UserError(`--omit ${options.omit}: expected a whole number, 0 or more`, '--omit');
  }
}

/** Parses --n: comma-separated positive whole numbers, kept in ascending order without repeats. */
export function parseCounts(text: string): number[] {
  const values = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const value = wholeNumberOf(part);
      if (!(value >= 1)) {
        throw new UserError(
          `--n ${text}: "${part}" is not a positive whole number; write e.g. --n 5,10,30`,
          '--n',
        );
      }
      return value;
    });
  if (values.length === 0) throw new UserError('--n: give at least one category count, e.g. --n 5,10', '--n');
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Parses --methods: a comma-separated subset of tokmix, tee, tc, random, uniform and the estimators. */
export function parseMethods(text: string): TrialMethod[] {
  const methods: TrialMethod[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (!(TRIAL_METHODS as readonly string[]).includes(part)) {
      throw new UserError(
        `--methods: unknown method "${part}"; use ${TRIAL_METHODS.join(', ')}`,
        '--methods',
      );
    }
    if (!methods.includes(part as TrialMethod)) methods.push(part as TrialMethod);
  }
  if (methods.length === 0)
    throw new UserError(`--methods: give at least one of ${TRIAL_METHODS.join(', ')}`, '--methods');
  return methods;
}

/** Interval coverage per n: true candidate shares inside tokmix's bootstrap intervals. */
export function summarizeCoverage(trials: readonly ValidationTrial[], ns: readonly number[]): CoverageRow[] {
  const rows: CoverageRow[] = [];
  for (const n of ns) {
    const withIntervals = trials.filter((t) => t.n === n && t.intervals);
    if (withIntervals.length === 0) continue;
    let inside = 0;
    let total = 0;
    let width = 0;
    let covering = 0;
    for (const t of withIntervals) {
      const truth = normalizeShares(t.candidates.map((name) => t.truth[t.categories.indexOf(name)] ?? 0));
      let here = 0;
      t.intervals!.byteShareCI.forEach(([lo, hi], i) => {
        // A hair of slack for shares printed equal (LP tolerance ~1e-9).
        if (truth[i] >= lo - 1e-9 && truth[i] <= hi + 1e-9) here++;
        width += hi - lo;
      });
      inside += here;
      total += truth.length;
      if (here >= 0.8 * truth.length) covering++;
    }
    rows.push({
      n,
      trials: withIntervals.length,
      level: withIntervals[0].intervals!.level,
      coverage: inside / total,
      meanWidth: width / total,
      trialsCovering80: covering,
    });
  }
  return rows;
}

/** Mean ± sd of log10 MSE per method and n, in method order then n order. */
export function summarizeTrials(trials: readonly ValidationTrial[], ns: readonly number[]): ValidationRow[] {
  const methods: string[] = [];
  for (const t of trials) for (const m of Object.keys(t.log10Mse)) if (!methods.includes(m)) methods.push(m);
  const rows: ValidationRow[] = [];
  for (const method of methods) {
    for (const n of ns) {
      const values = trials.filter((t) => t.n === n && method in t.log10Mse).map((t) => t.log10Mse[method]);
      if (values.length === 0) continue;
      const { mean, sd } = meanAndSd(values);
      rows.push({ method, n, trials: values.length, meanLog10Mse: mean, sdLog10Mse: sd });
    }
  }
  return rows;
}

function runInWorker(data: TrialWorkerData, onDetail: (detail: string) => void): Promise<ValidationTrial> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./trial-worker.js', import.meta.url), { workerData: data });
    let settled = false;
    worker.on('message', (message: TrialWorkerMessage) => {
      if (message.type === 'progress') onDetail(message.detail);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.trial);
      } else {
        settled = true;
        const error =
          message.name === 'UserError' ? new UserError(message.message) : new Error(message.message);
        if (message.stack && !isUserError(error)) error.stack = message.stack;
        reject(error);
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`trial worker exited with code ${code} before finishing`));
    });
  });
}

/**
 * The trials a validation runs, in the order `shard` counts them (each n in turn, its trials in
 * order), after checking the options against the set: what a cluster array splits.
 */
export async function listValidationTrials(
  options: ValidateOptions,
  context: { cache: Cache; onProgress?: ProgressCallback },
): Promise<string[]> {
  checkValidateOptions(options);
  const categories = await resolveCategories(options.set, {
    cacheDir: context.cache.dir,
    onProgress: context.onProgress,
  });
  checkValidateOptions(options, categories.length);
  return options.ns.flatMap((n) =>
    Array.from({ length: options.trials }, (_, trial) => `n=${n} trial ${trial}`),
  );
}

/** Removes training-text folders left by runs that were killed mid-trial (their process is gone). */
function removeStaleTrialDirs(workDir: string): void {
  let names: string[];
  try {
    names = readdirSync(workDir);
  } catch {
    return;
  }
  const host = hostTag();
  for (const name of names) {
    // trial-<seed>-<pid>-<host>; folders of older versions carry no host. Only this host's pids
    // can be asked whether they live: another node's folder may belong to a running trial.
    const match = /^trial-\d+-(\d+)(?:-(.+))?$/.exec(name);
    if (!match || (match[2] !== undefined && match[2] !== host)) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && !isAlive(pid)) rmSync(join(workDir, name), { recursive: true, force: true });
  }
}

/** Runs (or resumes) the validation and returns its record. */
export async function runValidation(
  options: ValidateOptions,
  context: { cache: Cache; onProgress?: ProgressCallback; workDir?: string },
): Promise<ValidationResult> {
  const { cache, onProgress } = context;
  checkValidateOptions(options);
  const categories = await resolveCategories(options.set, { cacheDir: cache.dir, onProgress });
  checkValidateOptions(options, categories.length);
  const methods = options.methods ?? TRIAL_METHODS;
  const identity = setIdentity(categories);
  const workDir = context.workDir ?? join(cache.dir, 'experiment');
  removeStaleTrialDirs(workDir);

  const tasks: TrialSettings[] = [];
  let position = 0;
  for (const n of options.ns) {
    for (let trial = 0; trial < options.trials; trial++) {
      if (!inShard(position++, options.shard)) continue;
      tasks.push({
        n,
        trial,
        seed: options.seed,
        merges: options.merges,
        totalBytes: options.totalBytes,
        sampleBytes: options.sampleBytes,
        trainer: options.trainer,
        shift: options.shift,
        omit: options.omit,
        text: options.text,
        backend: options.backend,
        methods,
        // Only when noise-aware, so the paper's trials keep their cache keys.
        ...(noiseZOf(options) > 0 ? { noiseZ: noiseZOf(options) } : {}),
        // Only with --bootstrap, so the cache keys of trials without intervals stay as they were.
        ...(options.bootstrap ? { bootstrap: options.bootstrap, ci: options.ci ?? 0.9 } : {}),
        // Only when limited, so the cache keys of trials solved to their certificate stay as they were.
        ...(options.solveTimeLimit !== undefined ? { solveTimeLimit: options.solveTimeLimit } : {}),
        // Likewise only for the sampled estimator: the paper's trials keep their cache keys.
        ...(options.estimator === 'sampled'
          ? { estimator: 'sampled', sampledSteps: options.sampledSteps ?? DEFAULT_SAMPLED_STEPS }
          : {}),
      });
    }
  }
  const keyOf = (settings: TrialSettings) => ({
    stage: 'validate-trial',
    set: identity,
    settings,
  });
  const results = new Map<TrialSettings, ValidationTrial>();
  const pending: TrialSettings[] = [];
  for (const settings of tasks) {
    const cached = cache.readJson<ValidationTrial>('validate-trial', keyOf(settings));
    if (cached) results.set(settings, cached);
    else pending.push(settings);
  }
  let done = results.size;
  const total = tasks.length;
  const progress = (detail?: string) =>
    onProgress?.({ stage: 'validate', done, total, unit: 'trials', detail });
  progress(done > 0 ? `${done} trials from the cache` : undefined);

  const finish = (settings: TrialSettings, trial: ValidationTrial) => {
    cache.writeJson('validate-trial', keyOf(settings), trial);
    results.set(settings, trial);
    done++;
    progress(`n=${settings.n} trial ${settings.trial} done`);
  };

  if (options.jobs <= 1) {
    for (const settings of pending) {
      const trial = await runTrial(settings, {
        categories,
        workDir,
        cache,
        countJobs: 1,
        onProgress: (e) => progress(e.detail),
      });
      finish(settings, trial);
    }
  } else {
    const queue = [...pending];
    let failure: unknown;
    const lane = async () => {
      while (queue.length > 0 && failure === undefined) {
        const settings = queue.shift()!;
        try {
          const trial = await runInWorker(
            { settings, categories, workDir, cacheDir: cache.dir, countJobs: 1 },
            (detail) => progress(detail),
          );
          finish(settings, trial);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    // One trial thread per core at most: more only slow each other down.
    const lanes = Math.min(options.jobs, availableParallelism(), Math.max(1, queue.length));
    await Promise.all(Array.from({ length: lanes }, lane));
    if (failure !== undefined) throw failure;
  }

  const trials = tasks.map((s) => results.get(s)!);
  return {
    schemaVersion: VALIDATION_SCHEMA_VERSION,
    kind: 'tokmix-validation',
    set: options.set,
    options: {
      n: options.ns,
      trials: options.trials,
      merges: options.merges,
      totalBytes: options.totalBytes,
      sampleBytes: options.sampleBytes ?? null,
      seed: options.seed,
      trainer: options.trainer,
      shift: options.shift,
      omit: options.omit,
      preTokenizer: options.textLabel ?? options.text.preTokenizer,
      backend: options.backend,
      estimator: options.estimator ?? 'paper',
      ...(options.estimator === 'sampled'
        ? { sampledSteps: options.sampledSteps ?? DEFAULT_SAMPLED_STEPS }
        : {}),
      ...(options.estimator === 'noise-aware' ? { noiseZ: noiseZOf(options) } : {}),
      methods,
      categoriesInSet: categories.length,
      ...(options.solveTimeLimit !== undefined ? { timeLimit: options.solveTimeLimit } : {}),
      ...(options.bootstrap ? { bootstrap: options.bootstrap, ci: options.ci ?? 0.9 } : {}),
    },
    rows: summarizeTrials(trials, options.ns),
    ...(options.bootstrap ? { coverage: summarizeCoverage(trials, options.ns) } : {}),
    trials,
    tool: { name: 'tokmix', version: toolVersion() },
    createdAt: new Date().toISOString(),
  };
}

const METHOD_LABELS: Record<string, string> = {
  tokmix: 'tokmix (ours)',
  paper: "paper's LP",
  tee: 'TEE',
  tc: 'TC',
  random: 'random',
  uniform: 'uniform',
};

/** The printed table, shaped like the paper's Table 1: methods by n, cells mean ± sd of log10 MSE. */
export function validationTable(
  v: Pick<ValidationResult, 'rows' | 'coverage'> & { options?: Record<string, unknown> },
): string {
  const ns = [...new Set(v.rows.map((r) => r.n))].sort((a, b) => a - b);
  const methods = [...new Set(v.rows.map((r) => r.method))];
  const header = ['method', ...ns.map((n) => `n = ${n}`)];
  const body = methods.map((method) => [
    METHOD_LABELS[method] ?? method,
    ...ns.map((n) => {
      const row = v.rows.find((r) => r.method === method && r.n === n);
      return row ? `${row.meanLog10Mse.toFixed(2)} ± ${row.sdLog10Mse.toFixed(2)}` : '';
    }),
  ]);
  const widths = header.map((_, c) => Math.max(header[c].length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [
    'mean ± sd of log10 MSE over trials (lower is better)',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    ...coverageTable(v.coverage ?? [], settingOf(v.options)),
  ].join('\n');
}

/** Coverage falling this far below the level is called out in the table. */
const COVERAGE_SHORTFALL = 0.1;

/** The estimation setting the coverage was measured in: same samples, --shift, --omit k. */
function settingOf(options: Record<string, unknown> | undefined): string {
  const parts = [
    options?.shift ? '--shift (estimated from the other half of each category)' : 'same samples',
    ...(typeof options?.omit === 'number' && options.omit > 0 ? [`--omit ${options.omit}`] : []),
  ];
  return parts.join(', ');
}

/** The bootstrap intervals' coverage per n; rows covering far less often than their level are flagged. */
function coverageTable(rows: readonly CoverageRow[], setting: string): string[] {
  if (rows.length === 0) return [];
  const level = `${Math.round(rows[0].level * 100)}%`;
  const table = rows.map((r) => [
    `n = ${r.n}`,
    String(r.trials),
    `${(r.coverage * 100).toFixed(1)}%`,
    r.meanWidth.toFixed(4),
    `${r.trialsCovering80}/${r.trials}`,
    r.coverage < r.level - COVERAGE_SHORTFALL ? `UNDER-COVERS (below ${level} by more than 10 points)` : 'ok',
  ]);
  const header = ['n', 'trials', 'coverage', 'mean width', 'trials >= 80% covered', 'verdict'];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [
    '',
    `tokmix's ${level} intervals (${setting}): share of true candidate shares inside them`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.map(line),
  ];
}
