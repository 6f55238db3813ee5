// A category from a Hub dataset, materialized as a local sample: the dataset's files are read in
// path order by HTTP ranges (Parquet row groups, or .jsonl/.txt streams, plain or .gz/.zst) until
// the sample holds the byte cap, and written as one .jsonl under <cache>/hub-samples/<key>/ with
// an index (commit, files, bytes, sha256). The next run with the same reference, column and cap
// reads that and makes no request; the ranges read stay cached too (hub/ranges.ts).
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';
import { removeOwnFile, writeFileAtomic } from '../common/atomic.js';
import { tempName } from '../common/fs-checks.js';
import { hashKey } from '../common/hash.js';
import type { ProgressCallback } from '../common/progress.js';
import { type HubClient, createHubClient } from '../hub/client.js';
import { datasetFiles } from '../hub/dataset-files.js';
import { RemoteRanges } from '../hub/ranges.js';
import { formatHubReference, parseHubReference } from '../hub/reference.js';
import { sourceFormatOf } from './formats.js';
import { emptyTally, sequenceBatches } from './sequences.js';
import type { CategorySpec } from './types.js';

/** The cap when none is given: tokmix's default sample per category. */
export const DEFAULT_HUB_SAMPLE_BYTES = 1_000_000;

export interface HubSampleOptions {
  bytes?: number;
  /** tokmix's cache folder (samples and ranges live under it). */
  cacheDir: string;
  /** The field the sample's records carry their text in (what counting will read; default text). */
  textField?: string;
  /** The text column or field of the dataset files, when the category names none. */
  textColumn?: string;
  onProgress?: ProgressCallback;
  client?: HubClient;
  /** Set on the one second attempt after a file read whole did not match the Hub's hash. */
  refetching?: boolean;
}

interface SampleIndex {
  reference: string;
  commit: string;
  files: { path: string; etag: string; size: number }[];
  /** Text bytes in the sample. */
  bytes: number;
  /** The sample file's size, mtime and sha256 (checked when the mtime moved). */
  bytesOnDisk: number;
  mtimeMs: number;
  sha256: string;
  fetchedBytes: number;
}

function readIndex(dir: string): SampleIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as SampleIndex;
    const sample = join(dir, 'sample.jsonl');
    const stat = statSync(sample);
    if (stat.size !== index.bytesOnDisk) return undefined;
    if (
      stat.mtimeMs !== index.mtimeMs &&
      createHash('sha256').update(readFileSync(sample)).digest('hex') !== index.sha256
    ) {
      return undefined;
    }
    return index;
  } catch {
    return undefined;
  }
}

function withSample(category: CategorySpec, dir: string, index: SampleIndex): CategorySpec {
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const { hub: _hub, ...local } = category; // materialized: a plain local category from here on
  return {
    ...local,
    source: category.source ?? `${index.reference} (commit ${index.commit})`,
    files: [join(dir, 'sample.jsonl')],
    notes: [
      ...(category.notes ?? []),
      `${category.name}: ${mb(index.bytes)} MB of text from ${index.reference} at commit ${index.commit.slice(0, 12)} (${index.files.length} file(s) read in part or whole)`,
    ],
  };
}

/** The category with `files` = its local sample, read from the Hub unless cached. */
export async function materializeHubCategory(
  category: CategorySpec,
  options: HubSampleOptions,
): Promise<CategorySpec> {
  if (!category.hub) return category;
  const ref = parseHubReference(category.hub.reference, 'dataset');
  const reference = formatHubReference(ref);
  const column = category.hub.column ?? options.textColumn ?? 'text';
  const bytes = options.bytes ?? DEFAULT_HUB_SAMPLE_BYTES;
  const field = options.textField ?? 'text';
  const dir = join(options.cacheDir, 'hub-samples', hashKey({ reference, column, bytes, field }));
  const cached = readIndex(dir);
  if (cached) return withSample(category, dir, cached);
  const client = options.client ?? createHubClient();
  if (client.settings.offline) {
    throw new UserError(
      `category "${category.name}": ${reference} is not cached in ${options.cacheDir} for ${bytes} bytes and HF_HUB_OFFLINE is set; run \`tokmix corpora fetch\` with network access first`,
      category.name,
    );
  }
  const { commit, files } = await datasetFiles(client, ref, (path) => sourceFormatOf(path) !== undefined);
  let fetched = 0;
  let taken = 0;
  const report = (detail: string) =>
    options.onProgress?.({
      stage: 'fetch',
      done: fetched,
      total: 0,
      unit: 'bytes',
      detail: `${category.name}: ${detail}`,
    });
  const temp = join(dir, tempName('sample'));
  mkdirSync(dir, { recursive: true });
  const fd = openSync(temp, 'w');
  const hash = createHash('sha256');
  const read: SampleIndex['files'] = [];
  const opened: RemoteRanges[] = [];
  let onDisk = 0;
  try {
    for (const file of files) {
      if (taken >= bytes) break;
      const ranges = new RemoteRanges(client, file, options.cacheDir, reference, (n) => {
        fetched += n;
        report(`${(taken / 1e6).toFixed(1)} of ${(bytes / 1e6).toFixed(1)} MB of text`);
      });
      opened.push(ranges);
      const source = { ...sourceFormatOf(file.path)!, path: `${reference}: ${file.path}`, remote: ranges };
      read.push({ path: file.path, etag: file.etag, size: file.size });
      const readOptions = source.format === 'jsonl' ? { textField: column } : { textColumn: column };
      batches: for await (const batch of sequenceBatches(source, readOptions, emptyTally())) {
        const lines: string[] = [];
        for (let i = 0; i < batch.texts.length; i++) {
          lines.push(JSON.stringify({ [field]: batch.texts[i] }));
          taken += batch.bytes[i];
          if (taken >= bytes) break;
        }
        const chunk = Buffer.from(lines.join('\n') + '\n', 'utf8');
        writeSync(fd, chunk);
        hash.update(chunk);
        onDisk += chunk.length;
        if (taken >= bytes) break batches;
      }
    }
    closeSync(fd);
    refuseDamaged(opened);
    if (taken === 0) {
      throw new UserError(
        `category "${category.name}": ${reference} holds no text in column "${column}"; check the path or set "column"`,
        category.name,
      );
    }
    const sample = join(dir, 'sample.jsonl');
    renameSync(temp, sample);
    const index: SampleIndex = {
      reference,
      commit,
      files: read,
      bytes: taken,
      bytesOnDisk: onDisk,
      mtimeMs: statSync(sample).mtimeMs,
      sha256: hash.digest('hex'),
      fetchedBytes: fetched,
    };
    writeFileAtomic(join(dir, 'index.json'), JSON.stringify(index, null, 2));
    report('done');
    return withSample(category, dir, index);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    removeOwnFile(temp);
    const damaged = opened.filter((ranges) => ranges.wholeMatches() === false);
    if (damaged.length === 0) throw error;
    // A file read whole whose bytes are not the Hub's (a parse error may be the symptom): never
    // kept; its blocks are fetched once more, and a second mismatch is refused.
    for (const ranges of damaged) ranges.forget();
    const names = damaged.map((ranges) => ranges.file.path).join(', ');
    if (options.refetching) {
      throw new UserError(
        `category "${category.name}": ${reference}: ${names} arrived twice with a hash other than the Hub's; nothing was kept; retry later or check HF_ENDPOINT`,
        category.name,
      );
    }
    return materializeHubCategory(category, { ...options, client, refetching: true });
  }
}

class DamagedFile extends Error {}

/** Throws when a file read whole does not hash to the Hub's etag (handled by the caller's catch). */
function refuseDamaged(opened: RemoteRanges[]): void {
  if (opened.some((ranges) => ranges.wholeMatches() === false)) throw new DamagedFile('hash mismatch');
}

/** Every Hub category of the list materialized (in order, one at a time: the Hub limits rates). */
export async function materializeHubCategories(
  categories: CategorySpec[],
  options: HubSampleOptions,
): Promise<CategorySpec[]> {
  const client = categories.some((c) => c.hub) ? (options.client ?? createHubClient()) : undefined;
  const out: CategorySpec[] = [];
  for (const category of categories) out.push(await materializeHubCategory(category, { ...options, client }));
  return out;
}
