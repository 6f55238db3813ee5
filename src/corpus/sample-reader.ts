// One unit of reading work (a file, or a byte range of one) under a byte-budget sample: the scan
// pass that sums bytes per rank bucket, and the read pass that keeps the sequences below the
// threshold. Used alike by readSequences (main thread) and the counting workers.
import type { SourceFile } from './formats.js';
import {
  type ReadOptions,
  type ReadTally,
  emptyTally,
  forEachSequence,
  sequenceBatches,
} from './sequences.js';
import {
  type BoundarySequence,
  type SamplePlan,
  compareBoundary,
  rankBucket,
  sequenceRank,
} from './sample.js';
import { utf8Prefix } from './utf8.js';

export interface ReadTask {
  file: SourceFile;
  /** The file's index in its category (part of every sequence's rank). */
  fileIndex: number;
  start?: number;
  end?: number;
}

export interface SampleOptions {
  seed: number;
  /** Absent: every sequence is taken. */
  plan?: SamplePlan;
  textField?: string;
  textColumn?: string;
  maxSequenceBytes?: number;
}

function readOptions(task: ReadTask, options: SampleOptions): ReadOptions {
  return {
    start: task.start,
    end: task.end,
    textField: options.textField,
    textColumn: options.textColumn,
    maxSequenceBytes: options.maxSequenceBytes,
  };
}

/** First pass of a capped sample: bytes per rank bucket, as parallel arrays of nonzero buckets. */
export async function scanTask(
  task: ReadTask,
  options: SampleOptions,
): Promise<{ buckets: Uint32Array; bytes: Float64Array; tally: ReadTally }> {
  const perBucket = new Map<number, number>();
  const tally = await forEachSequence(task.file, readOptions(task, options), (_text, key, bytes) => {
    const bucket = rankBucket(sequenceRank(options.seed, task.fileIndex, key));
    perBucket.set(bucket, (perBucket.get(bucket) ?? 0) + bytes);
  });
  const buckets = new Uint32Array(perBucket.size);
  const bytes = new Float64Array(perBucket.size);
  let i = 0;
  for (const [bucket, sum] of perBucket) {
    buckets[i] = bucket;
    bytes[i++] = sum;
  }
  return { buckets, bytes, tally };
}

/** Second pass (or the only one, uncapped): the taken sequences in reading order, a batch per
 *  chunk read; the threshold bucket's sequences go to `boundary` for the final selection. */
export async function* takenBatches(
  task: ReadTask,
  options: SampleOptions,
  boundary: BoundarySequence[],
  tally: ReadTally,
): AsyncGenerator<{ texts: string[]; bytes: number[] }> {
  const plan = options.plan;
  for await (const batch of sequenceBatches(task.file, readOptions(task, options), tally)) {
    if (plan === undefined) {
      yield batch;
      continue;
    }
    const texts: string[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < batch.texts.length; i++) {
      const key = batch.keys[i];
      const rank = sequenceRank(options.seed, task.fileIndex, key);
      const bucket = rankBucket(rank);
      if (bucket < plan.bucket) {
        texts.push(batch.texts[i]);
        bytes.push(batch.bytes[i]);
      } else if (bucket === plan.bucket) {
        boundary.push({ rank, fileIndex: task.fileIndex, key, text: batch.texts[i], bytes: batch.bytes[i] });
      }
    }
    if (texts.length > 0) yield { texts, bytes };
  }
}

/** The second pass with a visitor (the counting workers' form of takenBatches). */
export async function readTask(
  task: ReadTask,
  options: SampleOptions,
  visit: (text: string, bytes: number) => void,
): Promise<{ boundary: BoundarySequence[]; tally: ReadTally }> {
  const boundary: BoundarySequence[] = [];
  const tally = emptyTally();
  for await (const { texts, bytes } of takenBatches(task, options, boundary, tally)) {
    for (let i = 0; i < texts.length; i++) visit(texts[i], bytes[i]);
  }
  return { boundary, tally };
}

/** The threshold bucket's share of the sample: lowest ranks first while they fit in `remaining`
 *  bytes; the first that does not fit is cut at a character boundary, and selection stops. */
export function selectBoundary(
  boundary: BoundarySequence[],
  remaining: number,
): { text: string; bytes: number }[] {
  const taken: { text: string; bytes: number }[] = [];
  for (const sequence of [...boundary].sort(compareBoundary)) {
    if (sequence.bytes <= remaining) {
      taken.push({ text: sequence.text, bytes: sequence.bytes });
      remaining -= sequence.bytes;
      continue;
    }
    const cut = utf8Prefix(sequence.text, remaining);
    if (cut.length > 0) taken.push({ text: cut, bytes: Buffer.byteLength(cut, 'utf8') });
    break;
  }
  return taken;
}

/** Sums the scan results of a category's tasks into one bytes-per-bucket array. */
export function addScan(into: Float64Array, scan: { buckets: Uint32Array; bytes: Float64Array }): void {
  for (let i = 0; i < scan.buckets.length; i++) into[scan.buckets[i]] += scan.bytes[i];
}
