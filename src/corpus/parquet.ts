// Parquet as Hugging Face ships it (FineWeb, The Stack, CulturaX): the footer read synchronously
// for planning and checks, then one column read row group by row group with hyparquet, so memory
// is bounded by one row group's text column, never by the file.
import { closeSync, fstatSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  type AsyncBuffer,
  type Compressors,
  type FileMetaData,
  parquetMetadata,
  parquetRead,
} from 'hyparquet';
import { compressors as codecs } from 'hyparquet-compressors';
import { UserError, describeFsError, isUserError } from '../common/errors.js';
import { openForReading } from '../common/fs-checks.js';
import type { RemoteBytes, SourceFile } from './formats.js';
import type { ReadOptions, ReadTally, SequenceBatch } from './read-types.js';
import { utf8Prefix } from './utf8.js';

/** Largest footer read (FineWeb's are a few hundred KiB). */
const MAX_FOOTER_BYTES = 64 << 20;
/** Largest text column chunk of one row group, compressed or not (a read holds one in memory). */
export const MAX_ROW_GROUP_COLUMN_BYTES = 1 << 30;

function invalid(path: string, why: string): UserError {
  return new UserError(`${path}: not a valid Parquet file (${why}); re-download or re-export it`, path);
}

/** Whether decoded metadata has what tokmix reads (a corrupt footer can decode to a partial one). */
function isWholeMetadata(metadata: FileMetaData): boolean {
  const m = metadata as Partial<FileMetaData> | undefined;
  return (
    Array.isArray(m?.schema) &&
    m.schema.length > 0 &&
    m.schema.every((e) => typeof e?.name === 'string') &&
    Array.isArray(m.row_groups) &&
    m.row_groups.every(
      (g) => Array.isArray(g?.columns) && Number.isFinite(Number(g.num_rows)) && Number(g.num_rows) >= 0,
    )
  );
}

/** The file's metadata, from its footer; a short, truncated or corrupt footer is a UserError. */
export function readParquetMetadata(path: string): FileMetaData {
  const fd = openForReading(path);
  try {
    const size = fstatSync(fd).size;
    if (size < 12) throw invalid(path, 'too short');
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, size - 8);
    if (tail.toString('latin1', 4) !== 'PAR1') throw invalid(path, 'no PAR1 footer');
    const length = tail.readUInt32LE(0);
    if (length > size - 12 || length > MAX_FOOTER_BYTES) throw invalid(path, `footer of ${length} bytes`);
    const footer = Buffer.alloc(length + 8);
    readSync(fd, footer, 0, footer.length, size - footer.length);
    let metadata: FileMetaData;
    try {
      metadata = parquetMetadata(new Uint8Array(footer.buffer, footer.byteOffset, footer.length));
    } catch {
      // The decoder's own words ("Cannot read properties of undefined") say nothing to a user.
      throw invalid(path, `its footer of ${length} bytes cannot be decoded`);
    }
    if (!isWholeMetadata(metadata)) throw invalid(path, 'its footer lacks the schema or the row groups');
    return metadata;
  } catch (error) {
    if (isUserError(error)) throw error;
    throw describeFsError(error, path);
  } finally {
    closeSync(fd);
  }
}

/** A remote file's metadata: its footer read by ranges, with the same checks as a local one. */
export async function readRemoteParquetMetadata(
  file: SourceFile,
  remote: RemoteBytes,
): Promise<FileMetaData> {
  const path = file.path;
  const size = remote.size;
  if (size < 12) throw invalid(path, 'too short');
  const tail = Buffer.from(await remote.read(size - 8, size));
  if (tail.toString('latin1', 4) !== 'PAR1') throw invalid(path, 'no PAR1 footer');
  const length = tail.readUInt32LE(0);
  if (length > size - 12 || length > MAX_FOOTER_BYTES) throw invalid(path, `footer of ${length} bytes`);
  const footer = await remote.read(size - length - 8, size);
  try {
    return parquetMetadata(footer.slice().buffer);
  } catch (error) {
    throw invalid(path, (error as Error).message);
  }
}

/** Remote bytes as hyparquet's AsyncBuffer, with the local reader's cap on one read. */
function remoteBuffer(remote: RemoteBytes): AsyncBuffer {
  return {
    byteLength: remote.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await remote.read(start, end ?? remote.size);
      return bytes.slice().buffer;
    },
  };
}

/** Top-level column names, in schema order. */
export function columnNames(metadata: FileMetaData): string[] {
  const names: string[] = [];
  const schema = metadata.schema;
  // schema[0] is the root; walk its children, skipping nested groups' descendants.
  let i = 1;
  while (i < schema.length) {
    names.push(schema[i].name);
    let skip = schema[i].num_children ?? 0;
    i++;
    while (skip > 0 && i < schema.length) {
      skip += (schema[i].num_children ?? 0) - 1;
      i++;
    }
  }
  return names;
}

/** Checks the text column exists and holds strings; names the columns, or the column's type. */
export function checkTextColumn(path: string, metadata: FileMetaData, column: string): void {
  const names = columnNames(metadata);
  if (!names.includes(column)) {
    throw new UserError(
      `${path}: no column "${column}" (columns: ${names.join(', ') || 'none'}); pass --text-column with one of them`,
      path,
    );
  }
  const element = metadata.schema.find((e, i) => i > 0 && e.name === column);
  if (element?.type !== 'BYTE_ARRAY' || (element.num_children ?? 0) > 0) {
    const what = element?.num_children ? 'a nested group' : (element?.type ?? 'unknown');
    throw new UserError(
      `${path}: column "${column}" holds ${what} values, not text; pass --text-column with a string column`,
      path,
    );
  }
}

/** Where each row group starts in the file (its first page), with its first row and row count. */
export function rowGroupSpans(metadata: FileMetaData): { offset: number; firstRow: number; rows: number }[] {
  let firstRow = 0;
  return metadata.row_groups.map((group) => {
    let offset = Infinity;
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      offset = Math.min(offset, Number(meta.dictionary_page_offset ?? meta.data_page_offset));
    }
    const rows = Number(group.num_rows);
    if (!Number.isFinite(offset)) offset = Number(group.file_offset ?? 0);
    const span = {
      // Any offset lands in exactly one task's range; a missing or negative one goes to the first.
      offset: offset > 0 ? offset : 0,
      firstRow,
      rows,
    };
    firstRow += rows;
    return span;
  });
}

/** Decompressors that refuse a page declaring more than the cap before allocating it. */
function boundedCodecs(path: string): Compressors {
  const bounded: Compressors = {};
  for (const [name, decompress] of Object.entries(codecs)) {
    bounded[name as keyof Compressors] = (input: Uint8Array, length: number) => {
      if (!(length >= 0 && length <= MAX_ROW_GROUP_COLUMN_BYTES)) {
        throw invalid(path, `a page declares ${length} bytes uncompressed`);
      }
      return decompress!(input, length);
    };
  }
  return bounded;
}

/** An AsyncBuffer over one open file that refuses reads over the cap (a hostile chunk size). */
async function fileBuffer(path: string): Promise<{ buffer: AsyncBuffer; close: () => Promise<void> }> {
  const handle = await open(path, 'r');
  const size = (await handle.stat()).size;
  return {
    buffer: {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = Math.min(end ?? size, size);
        const length = Math.max(0, stop - start);
        if (length > MAX_ROW_GROUP_COLUMN_BYTES) {
          throw new UserError(
            `${path}: a row group's text column is ${length} bytes; tokmix reads at most ${MAX_ROW_GROUP_COLUMN_BYTES} bytes at once; rewrite the file with smaller row groups`,
            path,
          );
        }
        const bytes = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(bytes, done, length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return bytes.buffer;
      },
    },
    close: () => handle.close(),
  };
}

/**
 * A Parquet file's text column as sequence batches, one per row group whose first page lies in
 * [start, end) (so byte-range tasks split a file by row group). Keys are row indices in the file.
 * Null values are skipped and tallied; a value over `maxSequenceBytes` is cut at a character boundary.
 */
export async function* parquetBatches(
  file: SourceFile,
  options: ReadOptions,
  tally: ReadTally,
  limit: number,
): AsyncGenerator<SequenceBatch> {
  const path = file.path;
  const column = options.textColumn ?? 'text';
  const metadata = file.remote
    ? await readRemoteParquetMetadata(file, file.remote)
    : readParquetMetadata(path);
  checkTextColumn(path, metadata, column);
  const start = options.start ?? 0;
  const end = options.end ?? Infinity;
  const compressors = boundedCodecs(path);
  let opened;
  try {
    opened = file.remote
      ? { buffer: remoteBuffer(file.remote), close: async () => {} }
      : await fileBuffer(path);
  } catch (error) {
    throw describeFsError(error, path);
  }
  try {
    for (const span of rowGroupSpans(metadata)) {
      if (span.offset < start || span.offset >= end || span.rows === 0) continue;
      const batch: SequenceBatch = { texts: [], keys: [], bytes: [] };
      let failure: UserError | undefined;
      try {
        await parquetRead({
          file: opened.buffer,
          metadata,
          columns: [column],
          rowStart: span.firstRow,
          rowEnd: span.firstRow + span.rows,
          compressors,
          onChunk: ({ columnData, rowStart }) => {
            for (let i = 0; i < columnData.length; i++) {
              const value: unknown = columnData[i];
              if (value === null || value === undefined) {
                tally.nullText++;
                continue;
              }
              if (typeof value !== 'string') {
                failure ??= new UserError(
                  `${path}: row ${rowStart + i}: column "${column}" holds binary, not UTF-8 text; pass --text-column with a string column`,
                  path,
                );
                return;
              }
              let text = value;
              let bytes = Buffer.byteLength(text, 'utf8');
              if (bytes > limit) {
                text = utf8Prefix(text, limit);
                bytes = Buffer.byteLength(text, 'utf8');
                tally.cut++;
              }
              batch.texts.push(text);
              batch.keys.push(rowStart + i);
              batch.bytes.push(bytes);
            }
          },
        });
      } catch (error) {
        if (isUserError(error)) throw error;
        if ((error as NodeJS.ErrnoException).code) throw describeFsError(error, path);
        // hyparquet's own words name its internals ("Invalid typed array length"): say what broke.
        throw invalid(
          path,
          `the row group at byte ${span.offset} cannot be decoded: a page or its header is corrupt`,
        );
      }
      if (failure) throw failure;
      if (batch.texts.length > 0) yield batch;
    }
  } finally {
    await opened.close();
  }
}
