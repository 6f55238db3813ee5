// countCategories: each category's sample → normalize → pre-tokenize → counts of distinct
// pre-tokens, spread over worker threads and cached content-addressed per category.
import { availableParallelism } from 'node:os';
import { Cache } from '../common/cache.js';
import { UserError } from '../common/errors.js';
import type { Deadline } from '../common/deadline.js';
import { componentRegexes } from '../tokenizer/limits.js';
import type { ProgressCallback } from '../common/progress.js';
import type { CategorySpec, CategoryStats, WordCounts } from '../corpus/types.js';
import type { TokenizerSpec } from '../tokenizer/spec.js';
import { type PipelineTextSpec, DEFAULT_PIPELINE_MODULE, loadPipeline } from './pipeline-loader.js';
import {
  type PlannedFile,
  capMayBind,
  planTasks,
  statFiles,
  validateSampleSettings,
} from '../corpus/read.js';
import { RANK_BUCKETS, type SamplePlan, type BoundarySequence, planSample } from '../corpus/sample.js';
import { type ReadTask, addScan, selectBoundary } from '../corpus/sample-reader.js';
import { isCompressed } from '../corpus/formats.js';
import { DEFAULT_MAX_SEQUENCE_BYTES, type ReadTally, emptyTally } from '../corpus/sequences.js';
import { type PoolLimits, WorkerPool, taskBudgetMs } from './worker-pool.js';
import { type PackedCounts, decodeWordCounts, encodeWordCounts } from './word-counts-codec.js';
import { WordTable, mergeSorted } from './word-table.js';
import {
  type BlockCounts,
  type BlockedWordCounts,
  decodeBlocks,
  encodeBlocks,
  coarsenBlocks,
  linesPerBlock,
  mergeBlocks,
  sequencesPerBlock,
} from './block-counts.js';

export interface CountOptions {
  /** Cap on each category's sample, in bytes. */
  bytes?: number;
  /** Which sequences a capped sample takes (default 0). */
  seed?: number;
  /** Worker threads (default: the machine's cores). */
  jobs?: number;
  /** Where results are cached; none = no caching. */
  cache?: Cache;
  onProgress?: ProgressCallback;
  textField?: string;
  textColumn?: string;
  /** A module exporting `createPipeline(text)` to use instead of src/tokenizer/pipeline (tests, benchmarks). */
  pipelineModule?: string;
  /** Milliseconds one worker task may take (default: taskBudgetMs of its bytes). */
  taskBudgetMs?: number;
  /** The run's deadline: counting ends with a UserError when it passes. */
  deadline?: Deadline;
  /** Longest sequence in UTF-8 bytes (see ReadOptions.maxSequenceBytes; default 64 MiB). */
  maxSequenceBytes?: number;
  /** Also count per block (for the bootstrap; cached beside the counts). */
  blocks?: boolean;
  /** The earlier merge, kept for bench/count-throughput.ts: workers send their tables unsorted and
   *  the main thread hashes them into one table and sorts it (same result, serial tail). */
  mergeOnMainThread?: boolean;
}

/** Worker threads for `jobs`, at most the machine's cores (more only slow each other down). */
export function workerCount(jobs: number | undefined): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(jobs ?? cores, cores));
}

/** The pool's watchdog: the task budget, and the error naming the tokenizer's regexes when one runs over. */
export function countingLimits(
  text: Pick<TokenizerSpec, 'normalizer' | 'preTokenizer'> & { source?: string },
  options: Pick<CountOptions, 'taskBudgetMs' | 'deadline'>,
): PoolLimits {
  taskBudgetMs(0, options.taskBudgetMs); // an invalid $TOKMIX_TASK_BUDGET_MS fails here, not in a worker callback
  const regexes = componentRegexes(text);
  const source = text.source ?? 'tokenizer';
  return {
    budgetMs: (bytes) => taskBudgetMs(bytes, options.taskBudgetMs),
    overBudget: (label, ms) => {
      const took = `took more than ${ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`} on ${label}`;
      return new UserError(
        regexes.length > 0
          ? `${source} ${regexes.join(', ')}: ${took}; the pattern backtracks catastrophically on this text (nested quantifiers such as (a+)+); simplify it, or raise TOKMIX_TASK_BUDGET_MS if the text is just large`
          : `${source}: normalizing and pre-tokenizing ${took.slice(5)}; raise TOKMIX_TASK_BUDGET_MS if the machine is just slow`,
        source,
      );
    },
    deadline: options.deadline,
    stage: 'counting the category samples',
  };
}

/** Bytes of text a read task yields, for its time budget (a .gz file holds several times its size). */
function watchBytes(task: ReadTask, files: PlannedFile[]): number {
  const size = files[task.fileIndex]?.size ?? 0;
  const span = task.start === undefined ? size : Math.min(task.end ?? size, size) - task.start;
  return isCompressed(task.file) ? span * 10 : span;
}

const MAX_TASK_BYTES = 8 << 20;
const MIN_TASK_BYTES = 1 << 20;

interface CategoryJob {
  index: number;
  category: CategorySpec;
  files: PlannedFile[];
  key: unknown;
}

function metaOf(category: CategorySpec): WordCounts['category'] {
  const { files: _files, notes: _notes, ...meta } = category;
  return meta;
}

function cacheKey(files: PlannedFile[], options: CountOptions, pipelineKey: string): unknown {
  const formats = new Set(files.map((file) => file.source.format));
  return {
    files: files.map((file) => ({ path: file.source.path, size: file.size, mtimeMs: file.mtimeMs })),
    bytes: options.bytes ?? null,
    seed: options.bytes === undefined ? null : (options.seed ?? 0),
    textField: formats.has('jsonl') ? (options.textField ?? 'text') : null,
    textColumn:
      formats.has('csv') || formats.has('tsv') || formats.has('parquet')
        ? (options.textColumn ?? 'text')
        : null,
    pipeline: pipelineKey,
    maxSequenceBytes: options.maxSequenceBytes ?? DEFAULT_MAX_SEQUENCE_BYTES,
  };
}

/** One note per file and kind: invalid UTF-8 replaced, over-long lines or fields cut, null texts skipped. */
function readingNotes(perFile: Map<string, ReadTally>, limit: number): string[] {
  const notes: string[] = [];
  const limitText = limit % (1 << 20) === 0 ? `${limit / (1 << 20)} MiB` : `${limit} bytes`;
  for (const [path, tally] of perFile) {
    const n = tally.replacedInvalid;
    if (n > 0) notes.push(`${path}: ${n} invalid UTF-8 sequence${n === 1 ? '' : 's'} replaced by U+FFFD`);
    if (tally.cut > 0) {
      const what = /\.([ct]sv(\.gz|\.zst)?|parquet)$/i.test(path) ? 'field' : 'line';
      notes.push(
        `${path}: ${tally.cut} ${what}${tally.cut === 1 ? '' : 's'} longer than ${limitText} cut to it at a character boundary (the rest skipped)`,
      );
    }
    const nulls = tally.nullText;
    if (nulls > 0) notes.push(`${path}: ${nulls} row${nulls === 1 ? '' : 's'} with a null text skipped`);
  }
  return notes;
}

/**
 * Pre-token counts of every category's sample under the tokenizer's normalizer and pre-tokenizer.
 * Results come back in the categories' order; each is cached under its files' identities
 * (path, size, mtime), the sampling options and the pipeline's key. Phases: take what the cache
 * holds, plan the reads, run the workers per category, merge their tables and blocks, write the cache.
 */
export async function countCategories(
  categories: CategorySpec[],
  text: Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'> & { source?: string },
  options: CountOptions = {},
): Promise<BlockedWordCounts[]> {
  validateSampleSettings(options);
  const limits = countingLimits(text, options);
  const spec: PipelineTextSpec = {
    alphabet: text.alphabet,
    normalizer: text.normalizer ?? null,
    preTokenizer: text.preTokenizer ?? null,
  };
  const pipelineModule = options.pipelineModule ?? DEFAULT_PIPELINE_MODULE;
  const pipelineKey = (await loadPipeline(spec, pipelineModule)).key;
  const { results, jobs } = takeCached(categories, options, pipelineKey);
  if (jobs.length === 0) return results;

  const plan = planReads(jobs, options);
  options.deadline?.check('counting the category samples');
  const pool = new WorkerPool(plan.workers, limits);
  try {
    await pool.broadcast({ type: 'init', text: spec, pipelineModule });
    const report = progressReporter(plan.totalBytes, options);
    const countOne = async (job: CategoryJob): Promise<void> => {
      const { parts, tallies } = await runWorkers(pool, job, plan.tasks.get(job.index)!, options, report);
      results[job.index] = writeCache(job, mergeCategory(job, parts, tallies, options), options);
    };
    // Up to `workers` categories in flight keeps every worker busy when categories are small.
    let next = 0;
    const lanes = Array.from({ length: Math.min(plan.workers, jobs.length) }, async () => {
      while (next < jobs.length) await countOne(jobs[next++]);
    });
    await Promise.all(lanes);
    options.onProgress?.({ stage: 'count', done: plan.totalBytes, total: plan.totalBytes, unit: 'bytes' });
  } finally {
    await pool.close();
  }
  return results;
}

/** The categories the cache holds (counts, and blocks when asked for), and the jobs left to count. */
function takeCached(
  categories: CategorySpec[],
  options: CountOptions,
  pipelineKey: string,
): { results: BlockedWordCounts[]; jobs: CategoryJob[] } {
  const results = new Array<BlockedWordCounts>(categories.length);
  const jobs: CategoryJob[] = [];
  categories.forEach((category, index) => {
    const files = statFiles(category);
    const key = cacheKey(files, options, pipelineKey);
    const cached = options.cache?.read('count', key);
    const cachedBlocks = options.blocks ? options.cache?.read('blocks', key) : undefined;
    if (cached !== undefined && (!options.blocks || cachedBlocks !== undefined)) {
      options.cache!.stats.hits++;
      const counts = decodeWordCounts(cached);
      const notes = [...(category.notes ?? []), ...(counts.notes ?? [])];
      results[index] = {
        ...counts,
        category: metaOf(category),
        notes,
        ...(cachedBlocks ? { blocks: decodeBlocks(cachedBlocks) } : {}),
      };
    } else {
      if (options.cache) options.cache.stats.misses++;
      jobs.push({ index, category, files, key });
    }
  });
  return { results, jobs };
}

interface ReadPlan {
  /** Each job's read tasks, by category index. */
  tasks: Map<number, ReadTask[]>;
  /** Bytes the samples take in all (each category's files, capped at `bytes`): the progress total. */
  totalBytes: number;
  /** Worker threads: at most the machine's cores and the number of tasks. */
  workers: number;
}

/** Splits each job's files into read tasks of 1..8 MiB, about four per worker. */
function planReads(jobs: CategoryJob[], options: CountOptions): ReadPlan {
  const totalBytes = jobs.reduce(
    (sum, job) =>
      sum +
      Math.min(
        job.files.reduce((s, f) => s + f.size, 0),
        options.bytes ?? Number.POSITIVE_INFINITY,
      ),
    0,
  );
  const tasks = new Map<number, ReadTask[]>();
  const allTaskCount = jobs.reduce((n, job) => {
    const size = job.files.reduce((s, f) => s + f.size, 0);
    const workers = workerCount(options.jobs);
    const chunk = Math.min(MAX_TASK_BYTES, Math.max(MIN_TASK_BYTES, Math.ceil(size / (4 * workers))));
    const jobTasks = planTasks(job.files, chunk);
    tasks.set(job.index, jobTasks);
    return n + jobTasks.length;
  }, 0);
  return { tasks, totalBytes, workers: Math.min(workerCount(options.jobs), allTaskCount) };
}

type ReportBytes = (bytes: number, detail: string) => void;

/** Reports 0 of `totalBytes` now, and returns the callback that adds each task's bytes. */
function progressReporter(totalBytes: number, options: CountOptions): ReportBytes {
  let done = 0;
  options.onProgress?.({ stage: 'count', done: 0, total: totalBytes, unit: 'bytes' });
  return (bytes, detail) => {
    done += bytes;
    options.onProgress?.({
      stage: 'count',
      done: Math.min(done, totalBytes),
      total: totalBytes,
      unit: 'bytes',
      detail,
    });
  };
}

/** A task's share of the category's (capped) sample, for progress. */
function sampledBytes(task: ReadTask, files: PlannedFile[], cap: number | undefined): number {
  const file = files[task.fileIndex];
  const whole = file.size;
  const span = task.start === undefined ? whole : Math.min(task.end ?? whole, whole) - task.start;
  return cap === undefined ? span : (span * Math.min(cap, sizeOf(files))) / sizeOf(files);
}

type ReadSettings = Pick<CountOptions, 'textField' | 'textColumn' | 'maxSequenceBytes'> & { seed: number };

/**
 * Runs one category through the workers: a scan of every task when the byte cap may bind (to plan
 * the sample), the count of every task, the sequences at the cap's boundary, then each worker's
 * table (flush). Returns the workers' parts and the reading tallies per file.
 */
async function runWorkers(
  pool: WorkerPool,
  job: CategoryJob,
  tasks: ReadTask[],
  options: CountOptions,
  report: ReportBytes,
): Promise<{ parts: FlushedPart[]; tallies: Map<string, ReadTally> }> {
  const reading: ReadSettings = {
    seed: options.seed ?? 0,
    textField: options.textField,
    textColumn: options.textColumn,
    maxSequenceBytes: options.maxSequenceBytes,
  };
  const plan = capMayBind(job.files, options.bytes)
    ? await planCappedSample(pool, tasks, reading, options.bytes as number)
    : undefined;
  const { tallies, boundary } = await countTasks(pool, job, tasks, { ...reading, plan }, options, report);
  if (plan) await countBoundary(pool, job, selectBoundary(boundary, plan.remaining), tasks.length, options);
  const flushed = (await pool.broadcast({
    type: 'flush',
    category: job.index,
    sorted: !options.mergeOnMainThread,
  })) as (FlushedPart | null)[];
  return { parts: flushed.filter((part): part is FlushedPart => part !== null), tallies };
}

/** Which sequences a capped sample takes, from a scan of every task's sequence ranks. */
async function planCappedSample(
  pool: WorkerPool,
  tasks: ReadTask[],
  reading: ReadSettings,
  cap: number,
): Promise<SamplePlan | undefined> {
  const perBucket = new Float64Array(RANK_BUCKETS);
  const scans = await Promise.all(tasks.map((task) => pool.run({ type: 'scan', task, options: reading })));
  for (const scan of scans) addScan(perBucket, scan as { buckets: Uint32Array; bytes: Float64Array });
  return planSample(perBucket, cap);
}

/** Counts every task of a category; returns the reading tallies per file and the boundary sequences. */
async function countTasks(
  pool: WorkerPool,
  job: CategoryJob,
  tasks: ReadTask[],
  reading: ReadSettings & { plan?: SamplePlan },
  options: CountOptions,
  report: ReportBytes,
): Promise<{ tallies: Map<string, ReadTally>; boundary: BoundarySequence[] }> {
  const tallies = new Map<string, ReadTally>();
  const boundary: BoundarySequence[] = [];
  await Promise.all(
    tasks.map(async (task, order) => {
      const result = (await pool.run(
        { type: 'count', category: job.index, task, options: reading, blocks: options.blocks, order },
        {
          bytes: watchBytes(task, job.files),
          label: `one task of category ${job.category.name} (${task.file.path})`,
        },
      )) as {
        boundary: BoundarySequence[];
        tally: ReadTally;
      };
      const tally = tallies.get(task.file.path) ?? emptyTally();
      tally.replacedInvalid += result.tally.replacedInvalid;
      tally.cut += result.tally.cut;
      tally.nullText += result.tally.nullText;
      tallies.set(task.file.path, tally);
      for (const sequence of result.boundary) boundary.push(sequence);
      report(sampledBytes(task, job.files, options.bytes), job.category.name);
    }),
  );
  return { tallies, boundary };
}

/** Counts the sequences a capped sample takes at its boundary, after the tasks (`order`). */
async function countBoundary(
  pool: WorkerPool,
  job: CategoryJob,
  texts: ReturnType<typeof selectBoundary>,
  order: number,
  options: CountOptions,
): Promise<void> {
  if (texts.length === 0) return;
  await pool.run(
    {
      type: 'texts',
      category: job.index,
      texts,
      ...(options.blocks ? { blocks: sequencesPerBlock(job.files[0].source.format) } : {}),
      order,
    },
    {
      bytes: texts.reduce((sum, t) => sum + t.bytes, 0),
      label: `the last sequences of category ${job.category.name}`,
    },
  );
}

/** The workers' parts as one category's counts (sorted words, stats, notes) and, when asked, blocks. */
function mergeCategory(
  job: CategoryJob,
  parts: FlushedPart[],
  tallies: Map<string, ReadTally>,
  options: CountOptions,
): { wordCounts: WordCounts; blocks?: BlockCounts } {
  const stats: CategoryStats = {
    bytes: 0,
    characters: 0,
    sequences: 0,
    preTokens: 0,
    distinctPreTokens: 0,
    replacedInvalid: 0,
  };
  for (const part of parts) {
    stats.bytes += part.stats.bytes;
    stats.characters += part.stats.characters;
    stats.sequences += part.stats.sequences;
    stats.preTokens += part.stats.preTokens;
  }
  for (const tally of tallies.values()) stats.replacedInvalid += tally.replacedInvalid;
  const { words, counts, maps } = mergeParts(parts);
  stats.distinctPreTokens = words.length;
  let blocks: BlockCounts | undefined;
  if (options.blocks) {
    const blockParts: { blocks: BlockCounts; map: Uint32Array }[] = [];
    parts.forEach((part, p) => {
      if (part.blocks) blockParts.push({ blocks: part.blocks, map: maps[p] });
    });
    blocks = mergeBlocks(blockParts);
    // Text lines were counted one per block: join them into runs of consecutive lines.
    if (job.files.every((f) => f.source.format === 'txt')) {
      blocks = coarsenBlocks(blocks, linesPerBlock(blocks.bytes.length), words.length);
    }
  }
  const wordCounts: WordCounts = {
    category: metaOf(job.category),
    words,
    counts,
    stats,
    notes: readingNotes(tallies, options.maxSequenceBytes ?? DEFAULT_MAX_SEQUENCE_BYTES),
  };
  return { wordCounts, blocks };
}

/** Caches a counted category (blocks first, then counts) and returns it with the category's notes. */
function writeCache(
  job: CategoryJob,
  { wordCounts, blocks }: { wordCounts: WordCounts; blocks?: BlockCounts },
  options: CountOptions,
): BlockedWordCounts {
  if (blocks) options.cache?.write('blocks', job.key, encodeBlocks(blocks));
  options.cache?.write('count', job.key, encodeWordCounts(wordCounts));
  return {
    ...wordCounts,
    notes: [...(job.category.notes ?? []), ...wordCounts.notes!],
    ...(blocks ? { blocks } : {}),
  };
}

/** One worker's counts of a category: packed in insertion order, or sorted with each entry's rank. */
interface FlushedPart {
  packed: PackedCounts;
  /** Entry id -> position in `packed`, when the worker sorted its table. */
  rank?: Uint32Array;
  stats: Omit<CategoryStats, 'distinctPreTokens' | 'replacedInvalid'>;
  blocks?: BlockCounts;
}

/** The workers' counts as one sorted list, and per part its entry ids' positions in that list. */
function mergeParts(parts: FlushedPart[]): { words: string[]; counts: Float64Array; maps: Uint32Array[] } {
  if (parts.every((part) => part.rank !== undefined)) {
    const { words, counts, positions } = mergeSorted(parts.map((part) => part.packed));
    const maps = parts.map((part, p) => part.rank!.map((position) => positions[p][position]));
    return { words, counts, maps };
  }
  const merged = new WordTable();
  const ids = parts.map((part) => merged.addPacked(part.packed));
  const { words, counts, rank } = merged.sorted();
  return { words, counts, maps: ids.map((part) => part.map((id) => rank[id])) };
}

function sizeOf(files: PlannedFile[]): number {
  return Math.max(
    1,
    files.reduce((sum, file) => sum + file.size, 0),
  );
}
