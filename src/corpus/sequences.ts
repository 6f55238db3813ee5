// The streaming readers: every readable file becomes a series of sequences exactly as the native
// trainer sees them (a .txt line with its newline, a .jsonl/.csv record's text), each with a key
// (its byte offset, or record index) that byte-budget sampling hashes independently of chunking.
// Memory is bounded by a chunk plus one sequence of at most `maxSequenceBytes`, never by the file
// (for Parquet, by one row group's text column: see parquet.ts).
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { UserError, describeFsError, isUserError } from '../common/errors.js';
import type { RemoteBytes, SourceFile } from './formats.js';
import { CsvReader } from './csv.js';
import { parquetBatches } from './parquet.js';
import { cutPoint, replacedInvalid } from './utf8.js';
import type { ReadOptions, ReadTally, SequenceBatch } from './read-types.js';
import { ZstdReader, zstdError } from './zstd.js';

export type { ReadOptions, ReadTally, SequenceBatch } from './read-types.js';

/** 64 MiB: far below V8's longest string (~512 M UTF-16 units), far above any real line. */
export const DEFAULT_MAX_SEQUENCE_BYTES = 64 << 20;

/** Called once per sequence: its text, its sampling key and its UTF-8 length in bytes. */
export type SequenceVisitor = (text: string, key: number, bytes: number) => void;

const CHUNK_BYTES = 1 << 18;
const BINARY_PROBE_BYTES = 8000;

export function emptyTally(): ReadTally {
  return { replacedInvalid: 0, cut: 0, nullText: 0 };
}

function newBatch(): SequenceBatch {
  return { texts: [], keys: [], bytes: [] };
}

function binaryFileError(path: string): UserError {
  return new UserError(
    `${path}: looks like a binary file (NUL bytes); remove it or convert it to UTF-8 text`,
    path,
  );
}

function checkBinary(chunk: Buffer, path: string): void {
  if (chunk.subarray(0, BINARY_PROBE_BYTES).indexOf(0) >= 0) throw binaryFileError(path);
}

function asZstdError(path: string, error: unknown): unknown {
  // fs errors (string codes) are named by the caller; fzstd's own carry numeric codes.
  if (isUserError(error) || typeof (error as NodeJS.ErrnoException).code === 'string') return error;
  return zstdError(path, (error as Error).message);
}

/** The text a zstd file's first bytes decompress to (a truncated stream is fine), at most
 *  `limit` bytes of it: for header checks. */
export function zstdPrefix(path: string, bytes: Buffer, limit = bytes.length): Buffer {
  const reader = new ZstdReader(path);
  const out: Uint8Array[] = [];
  let length = 0;
  try {
    reader.push(bytes);
    for (let block = reader.next(); block !== undefined && length < limit; block = reader.next()) {
      out.push(block);
      length += block.length;
    }
  } catch (error) {
    throw asZstdError(path, error);
  }
  return Buffer.concat(out).subarray(0, limit);
}

/** A zstd stream's decompressed chunks, one block at a time (ZstdReader checks the frames). */
async function* unzstd(path: string, source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const reader = new ZstdReader(path);
  try {
    for await (const chunk of source) {
      // Fed in pieces, so a bomb (4 bytes of an RLE block make 128 KiB) yields block by block.
      for (let at = 0; at < chunk.length; at += ZSTD_FEED_BYTES) {
        reader.push(chunk.subarray(at, at + ZSTD_FEED_BYTES));
        for (let block = reader.next(); block !== undefined; block = reader.next()) {
          yield Buffer.from(block.buffer, block.byteOffset, block.length);
        }
      }
    }
    reader.end();
  } catch (error) {
    throw asZstdError(path, error);
  }
}

/** A remote file's bytes from `start` on, a chunk per range read. */
async function* remoteChunks(remote: RemoteBytes, start: number): AsyncGenerator<Buffer> {
  for (let at = start; at < remote.size; at += CHUNK_BYTES) {
    const bytes = await remote.read(at, Math.min(at + CHUNK_BYTES, remote.size));
    yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }
}

/** Compressed bytes handed to the zstd reader at a time. */
const ZSTD_FEED_BYTES = 1 << 16;

/** Raw (decompressed) chunks of a file from byte `start` on. */
function rawChunks(file: SourceFile, start: number): AsyncIterable<Buffer> {
  const stream = file.remote
    ? Readable.from(remoteChunks(file.remote, start), { objectMode: false })
    : createReadStream(file.path, { start, highWaterMark: CHUNK_BYTES });
  if (file.compression === 'none') return stream;
  if (file.compression === 'zstd') return unzstd(file.path, stream);
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  stream.on('error', (error: Error) => gunzip.destroy(error));
  // Stopping early (an error, or a reader that has enough) closes the file too.
  gunzip.on('close', () => stream.destroy());
  return stream.pipe(gunzip);
}

function translateError(error: unknown, file: SourceFile): unknown {
  if (isUserError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_PADDING_1') {
    return new UserError(
      `${file.path}: not a valid gzip file; recompress it or drop the .gz suffix`,
      file.path,
    );
  }
  if (code) return describeFsError(error, file.path);
  return error;
}

/** Called per line: its bytes `buffer[from, to)` (newline included unless `cut`), its offset, and
 *  whether it was longer than the limit and cut (the rest of it is skipped). */
type LineVisitor = (buffer: Buffer, from: number, to: number, offset: number, cut: boolean) => void;

/**
 * Reads the lines starting in [start, end) of the decompressed byte stream, calling `visitLine`
 * for each and yielding after every raw chunk (so the caller's batch stays bounded by a chunk).
 * A line longer than `limit` bytes is cut at a character boundary at or below `limit`, and the
 * rest of it is skipped without being buffered: the cut depends only on the line's own bytes,
 * never on chunk or range boundaries.
 */
async function* lines(
  file: SourceFile,
  start: number,
  end: number,
  limit: number,
  visitLine: LineVisitor,
): AsyncGenerator<void> {
  const begin = start > 0 ? start - 1 : 0;
  let skipping = start > 0; // a range not at 0 begins after the first newline at or after start-1
  let position = begin; // stream offset of the current chunk's first byte
  let lineStart = begin;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let first = true;
  try {
    outer: for await (const chunk of rawChunks(file, begin)) {
      if (first && begin === 0) checkBinary(chunk, file.path);
      first = false;
      let i = 0;
      while (i < chunk.length) {
        if (skipping) {
          const newline = chunk.indexOf(10, i);
          if (newline < 0) break;
          i = newline + 1;
          lineStart = position + i;
          skipping = false;
          continue;
        }
        if (lineStart >= end) break outer;
        const newline = chunk.indexOf(10, i);
        const stop = newline < 0 ? chunk.length : newline + 1;
        if (carryBytes + stop - i > limit) {
          // Over-long: keep limit+1 bytes (the one past the limit tells whether a character straddles it).
          const head = Buffer.concat([...carry, chunk.subarray(i, i + limit + 1 - carryBytes)]);
          visitLine(head, 0, cutPoint(head, limit), lineStart, true);
          carry = [];
          carryBytes = 0;
          if (newline < 0) {
            skipping = true;
            break;
          }
          i = stop;
          lineStart = position + i;
        } else if (newline < 0) {
          carry.push(chunk.subarray(i));
          carryBytes += chunk.length - i;
          break;
        } else {
          if (carryBytes > 0) {
            const line = Buffer.concat([...carry, chunk.subarray(i, stop)]);
            visitLine(line, 0, line.length, lineStart, false);
            carry = [];
            carryBytes = 0;
          } else visitLine(chunk, i, stop, lineStart, false);
          i = stop;
          lineStart = position + i;
        }
      }
      position += chunk.length;
      yield;
    }
  } catch (error) {
    throw translateError(error, file);
  }
  if (carryBytes > 0 && lineStart < end) {
    const line = Buffer.concat(carry);
    visitLine(line, 0, line.length, lineStart, false);
  }
}

function limitOf(options: ReadOptions): number {
  return options.maxSequenceBytes ?? DEFAULT_MAX_SEQUENCE_BYTES;
}

/** Turns one line into a sequence pushed onto `batch` (or none, for a blank .jsonl line). */
type LineReader = (
  batch: SequenceBatch,
  buffer: Buffer,
  from: number,
  to: number,
  offset: number,
  cut: boolean,
) => void;

/** A line-based file's sequences, a batch per raw chunk read. */
async function* lineBatches(
  file: SourceFile,
  options: ReadOptions,
  read: LineReader,
): AsyncGenerator<SequenceBatch> {
  let batch = newBatch();
  const visit: LineVisitor = (buffer, from, to, offset, cut) => read(batch, buffer, from, to, offset, cut);
  for await (const _ of lines(file, options.start ?? 0, options.end ?? Infinity, limitOf(options), visit)) {
    if (batch.texts.length === 0) continue;
    yield batch;
    batch = newBatch();
  }
  if (batch.texts.length > 0) yield batch; // lines visited before the range's end stopped the read
}

function textLines(file: SourceFile, options: ReadOptions, tally: ReadTally): AsyncGenerator<SequenceBatch> {
  return lineBatches(file, options, (batch, buffer, from, to, offset, cut) => {
    const text = buffer.toString('utf8', from, to);
    tally.replacedInvalid += replacedInvalid(text, buffer, from, to);
    if (cut) tally.cut++;
    batch.texts.push(text);
    batch.keys.push(offset);
    batch.bytes.push(to - from);
  });
}

function jsonRecords(
  file: SourceFile,
  options: ReadOptions,
  tally: ReadTally,
): AsyncGenerator<SequenceBatch> {
  const field = options.textField ?? 'text';
  return lineBatches(file, options, (batch, buffer, from, to, offset, cut) => {
    // A cut record cannot be parsed, and skipping it would silently drop text: refuse.
    if (cut) {
      throw new UserError(
        `${file.path}: byte ${offset}: a line longer than ${limitOf(options)} bytes; split the record into smaller ones`,
        file.path,
      );
    }
    const line = buffer.toString('utf8', from, to);
    if (line.trim() === '') return;
    tally.replacedInvalid += replacedInvalid(line, buffer, from, to);
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new UserError(
        `${file.path}: byte ${offset}: not valid JSON; each line of a .jsonl file must be one JSON object`,
        file.path,
      );
    }
    const text = (record as Record<string, unknown> | null)?.[field];
    if (typeof text !== 'string') {
      throw new UserError(
        `${file.path}: byte ${offset}: record has no string field "${field}"; pass --text-field with the field holding the text`,
        file.path,
      );
    }
    batch.texts.push(text);
    batch.keys.push(offset);
    batch.bytes.push(Buffer.byteLength(text, 'utf8'));
  });
}

async function* csvRows(
  file: SourceFile,
  options: ReadOptions,
  tally: ReadTally,
): AsyncGenerator<SequenceBatch> {
  let batch = newBatch();
  let row = 0;
  const reader = new CsvReader(
    file.path,
    file.format === 'tsv' ? 'tsv' : 'csv',
    options.textColumn ?? 'text',
    limitOf(options),
    (bytes, cut) => {
      const text = bytes.toString('utf8');
      tally.replacedInvalid += replacedInvalid(text, bytes, 0, bytes.length);
      if (cut) tally.cut++;
      batch.texts.push(text);
      batch.keys.push(row++);
      batch.bytes.push(bytes.length);
    },
  );
  let first = true;
  try {
    for await (const chunk of rawChunks(file, 0)) {
      if (first) checkBinary(chunk, file.path);
      first = false;
      reader.push(chunk);
      if (batch.texts.length === 0) continue;
      yield batch;
      batch = newBatch();
    }
  } catch (error) {
    throw translateError(error, file);
  }
  reader.end();
  if (batch.texts.length > 0) yield batch;
}

/** A file's sequences in order, one batch per raw chunk read; `tally` collects what was replaced or cut. */
export function sequenceBatches(
  file: SourceFile,
  options: ReadOptions,
  tally: ReadTally,
): AsyncGenerator<SequenceBatch> {
  switch (file.format) {
    case 'txt':
      return textLines(file, options, tally);
    case 'jsonl':
      return jsonRecords(file, options, tally);
    case 'csv':
    case 'tsv':
      return csvRows(file, options, tally);
    case 'parquet':
      return parquetBatches(file, options, tally, limitOf(options));
  }
}

/** Reads a file's sequences in order, calling `visit` for each. */
export async function forEachSequence(
  file: SourceFile,
  options: ReadOptions,
  visit: SequenceVisitor,
): Promise<ReadTally> {
  const tally = emptyTally();
  for await (const batch of sequenceBatches(file, options, tally)) {
    const { texts, keys, bytes } = batch;
    for (let i = 0; i < texts.length; i++) visit(texts[i], keys[i], bytes[i]);
  }
  return tally;
}
