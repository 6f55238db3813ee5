// A category's sample as the sequences counting sees: planning its files into read tasks, and
// readSequences, the streaming iterator the experiment module builds training mixtures from.
import { UserError } from '../common/errors.js';
import { statInputFile } from '../common/fs-checks.js';
import type { CategorySpec } from './types.js';
import {
  READABLE_DESCRIPTION,
  type SourceFile,
  isCompressed,
  isSplittable,
  sourceFormatOf,
} from './formats.js';
import { RANK_BUCKETS, type SamplePlan, planSample, type BoundarySequence } from './sample.js';
import { type ReadTask, addScan, scanTask, selectBoundary, takenBatches } from './sample-reader.js';
import { emptyTally } from './sequences.js';

export interface SampleSettings {
  /** Cap on the sample's bytes (UTF-8 of the sequences taken); absent = everything. */
  bytes?: number;
  /** Which sequences a capped sample takes (default 0). */
  seed?: number;
  textField?: string;
  textColumn?: string;
  /** Longest sequence in UTF-8 bytes (see ReadOptions.maxSequenceBytes). */
  maxSequenceBytes?: number;
}

export interface PlannedFile {
  source: SourceFile;
  size: number;
  mtimeMs: number;
}

export function sourceOf(path: string): SourceFile {
  const source = sourceFormatOf(path);
  if (!source) throw new UserError(`${path}: not a readable file (${READABLE_DESCRIPTION})`, path);
  return source;
}

/** The category's files with their sizes (for cache keys, progress and task splitting). */
export function statFiles(category: CategorySpec): PlannedFile[] {
  if (category.files.length === 0) {
    throw new UserError(
      `category "${category.name}": no files; give it at least one readable file`,
      category.name,
    );
  }
  return category.files.map((path) => {
    const stat = statInputFile(path); // a FIFO, socket or device is refused unopened
    return { source: sourceOf(path), size: stat.size, mtimeMs: stat.mtimeMs };
  });
}

/** Splits files into read tasks: plain .txt/.jsonl files in byte ranges of about `chunkBytes`
 *  (cut at newlines by the reader), Parquet files likewise (a task reads the row groups starting
 *  in its range), any other file whole. */
export function planTasks(files: PlannedFile[], chunkBytes: number): ReadTask[] {
  const tasks: ReadTask[] = [];
  files.forEach((file, fileIndex) => {
    if (!(isSplittable(file.source) || file.source.format === 'parquet') || file.size <= chunkBytes) {
      tasks.push({ file: file.source, fileIndex });
      return;
    }
    const pieces = Math.ceil(file.size / chunkBytes);
    const step = Math.ceil(file.size / pieces);
    for (let start = 0; start < file.size; start += step) {
      tasks.push({
        file: file.source,
        fileIndex,
        start,
        end: start + step >= file.size ? Infinity : start + step,
      });
    }
  });
  return tasks;
}

export function validateSampleSettings(settings: SampleSettings): void {
  if (settings.bytes !== undefined && !(Number.isSafeInteger(settings.bytes) && settings.bytes > 0)) {
    throw new UserError(`--bytes ${settings.bytes}: expected a positive whole number of bytes`);
  }
  if (settings.seed !== undefined && !Number.isSafeInteger(settings.seed)) {
    throw new UserError(`--seed ${settings.seed}: expected a whole number`);
  }
  const max = settings.maxSequenceBytes;
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 4)) {
    throw new UserError(`maxSequenceBytes ${max}: expected a whole number of bytes, at least 4`);
  }
}

/** Whether a cap can leave out anything: the sequences' bytes never exceed the files' own sizes
 *  (uncompressed), so a cap at or above them takes everything without a scan. */
export function capMayBind(files: PlannedFile[], bytes: number | undefined): boolean {
  if (bytes === undefined) return false;
  if (files.some((file) => isCompressed(file.source))) return true;
  return files.reduce((sum, file) => sum + file.size, 0) > bytes;
}

const READ_CHUNK_BYTES = 4 << 20;

/**
 * The category's sample, sequence by sequence, exactly as counting sees it: a .txt line with its
 * newline, a .jsonl/.csv record's or Parquet row's text. Under a byte cap the lowest-ranked sequences (ranks from
 * `seed`) that fit are taken in file order, then the threshold ones, the last cut at a character
 * boundary. Memory stays bounded by one read chunk and one sequence (at most maxSequenceBytes) for
 * every format, .gz and .csv included: sequences are yielded as each chunk is read.
 */
export async function* readSequences(
  category: CategorySpec,
  options: SampleSettings = {},
): AsyncGenerator<string> {
  validateSampleSettings(options);
  const files = statFiles(category);
  const seed = options.seed ?? 0;
  const tasks = planTasks(files, READ_CHUNK_BYTES);
  const reading = {
    seed,
    textField: options.textField,
    textColumn: options.textColumn,
    maxSequenceBytes: options.maxSequenceBytes,
  };
  let plan: SamplePlan | undefined;
  if (capMayBind(files, options.bytes)) {
    const perBucket = new Float64Array(RANK_BUCKETS);
    for (const task of tasks) addScan(perBucket, await scanTask(task, reading));
    plan = planSample(perBucket, options.bytes as number);
  }
  const boundary: BoundarySequence[] = [];
  for (const task of tasks) {
    for await (const batch of takenBatches(task, { ...reading, plan }, boundary, emptyTally())) {
      yield* batch.texts;
    }
  }
  if (plan) for (const sequence of selectBoundary(boundary, plan.remaining)) yield sequence.text;
}
