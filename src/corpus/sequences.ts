// The streaming readers: every readable file becomes a series of sequences exactly as the native
// trainer sees them (a .txt line with its newline, a .jsonl/.csv record's text), each with a key
// (its byte offset, or record index) that byte-budget sampling hashes independently of chunking.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import { UserError, describeFsError, isUserError } from '../common/errors.js';
import type { SourceFile } from './formats.js';
import { countReplacementChars, replacedInvalid } from './utf8.js';

export interface ReadOptions {
  /** JSON Lines: the field holding a record's text (default `text`). */
  textField?: string;
  /** CSV/TSV: the column holding a row's text (default `text`). */
  textColumn?: string;
  /** Raw byte range of a splittable file: lines starting in [start, end) are read. */
  start?: number;
  end?: number;
}

/** Called once per sequence: its text, its sampling key and its UTF-8 length in bytes. */
export type SequenceVisitor = (text: string, key: number, bytes: number) => void;

export interface ReadTally {
  /** Invalid UTF-8 byte sequences replaced by U+FFFD. */
  replacedInvalid: number;
}

const CHUNK_BYTES = 1 << 18;
const BINARY_PROBE_BYTES = 8000;

function binaryFileError(path: string): UserError {
  return new UserError(
    `${path}: looks like a binary file (NUL bytes); remove it or convert it to UTF-8 text`,
    path,
  );
}

/** Raw (decompressed) chunks of a file from byte `start` on. */
function rawChunks(file: SourceFile, start: number): AsyncIterable<Buffer> {
  const stream = createReadStream(file.path, { start, highWaterMark: CHUNK_BYTES });
  if (!file.gzip) return stream;
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  stream.on('error', (error) => gunzip.destroy(error));
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

/** Calls `visitLine(buffer, start, end, offset)` for each line (newline included) starting in
 *  [range.start, range.end) of the decompressed byte stream. */
async function forEachLine(
  file: SourceFile,
  start: number,
  end: number,
  visitLine: (buffer: Buffer, from: number, to: number, offset: number) => void,
): Promise<void> {
  const begin = start > 0 ? start - 1 : 0;
  let skipping = start > 0; // a range not at 0 begins after the first newline at or after start-1
  let lineOffset = begin;
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let first = true;
  try {
    outer: for await (const chunk of rawChunks(file, begin)) {
      if (first && begin === 0) {
        const probe = chunk.subarray(0, BINARY_PROBE_BYTES);
        if (probe.indexOf(0) >= 0) throw binaryFileError(file.path);
      }
      first = false;
      let i = 0;
      if (skipping) {
        const newline = chunk.indexOf(10);
        if (newline < 0) {
          lineOffset += chunk.length;
          continue;
        }
        i = newline + 1;
        lineOffset += i;
        skipping = false;
      }
      while (i < chunk.length) {
        if (lineOffset >= end) break outer;
        const newline = chunk.indexOf(10, i);
        if (newline < 0) {
          carry.push(chunk.subarray(i));
          carryBytes += chunk.length - i;
          break;
        }
        if (carryBytes > 0) {
          const line = Buffer.concat([...carry, chunk.subarray(i, newline + 1)]);
          visitLine(line, 0, line.length, lineOffset);
          lineOffset += line.length;
          carry = [];
          carryBytes = 0;
        } else {
          visitLine(chunk, i, newline + 1, lineOffset);
          lineOffset += newline + 1 - i;
        }
        i = newline + 1;
      }
    }
  } catch (error) {
    throw translateError(error, file);
  }
  if (carryBytes > 0 && lineOffset < end) {
    const line = Buffer.concat(carry);
    visitLine(line, 0, line.length, lineOffset);
  }
}

async function forEachTextLine(
  file: SourceFile,
  options: ReadOptions,
  visit: SequenceVisitor,
): Promise<ReadTally> {
  const tally: ReadTally = { replacedInvalid: 0 };
  await forEachLine(file, options.start ?? 0, options.end ?? Infinity, (buffer, from, to, offset) => {
    const text = buffer.toString('utf8', from, to);
    tally.replacedInvalid += replacedInvalid(text, buffer, from, to);
    visit(text, offset, to - from);
  });
  return tally;
}

async function forEachJsonRecord(
  file: SourceFile,
  options: ReadOptions,
  visit: SequenceVisitor,
): Promise<ReadTally> {
  const tally: ReadTally = { replacedInvalid: 0 };
  const field = options.textField ?? 'text';
  await forEachLine(file, options.start ?? 0, options.end ?? Infinity, (buffer, from, to, offset) => {
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
    visit(text, offset, Buffer.byteLength(text, 'utf8'));
  });
  return tally;
}

/** Decoded text chunks of a file (for papaparse), counting replaced invalid bytes on the way. */
async function* decodedChunks(file: SourceFile, tally: ReadTally): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  let literal = 0;
  let decoded = 0;
  let previousTail: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of rawChunks(file, 0)) {
      if (first && chunk.subarray(0, BINARY_PROBE_BYTES).indexOf(0) >= 0) throw binaryFileError(file.path);
      first = false;
      const text = decoder.write(chunk);
      const replaced = countReplacementChars(text);
      if (replaced > 0) {
        decoded += replaced;
        const joined = Buffer.concat([previousTail, chunk]);
        literal += countLiteral(joined);
      }
      previousTail = chunk.subarray(Math.max(0, chunk.length - 2));
      if (text) yield text;
    }
  } catch (error) {
    throw translateError(error, file);
  }
  const rest = decoder.end();
  decoded += countReplacementChars(rest);
  if (rest) yield rest;
  tally.replacedInvalid += Math.max(0, decoded - literal);
}

function countLiteral(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0xef); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) n++;
  }
  return n;
}

async function forEachCsvRow(
  file: SourceFile,
  options: ReadOptions,
  visit: SequenceVisitor,
): Promise<ReadTally> {
  const tally: ReadTally = { replacedInvalid: 0 };
  const column = options.textColumn ?? 'text';
  const source = Readable.from(decodedChunks(file, tally));
  let failure: unknown;
  let row = 0;
  await new Promise<void>((resolve, reject) => {
    source.on('error', (error) => {
      failure ??= error;
    });
    Papa.parse<Record<string, unknown>>(source as unknown as NodeJS.ReadableStream, {
      header: true,
      delimiter: file.format === 'tsv' ? '\t' : ',',
      skipEmptyLines: true,
      step(results, parser) {
        if (failure) return;
        try {
          if (row === 0) {
            const fields = results.meta.fields ?? [];
            if (!fields.includes(column)) {
              throw new UserError(
                `${file.path}: no column "${column}" (columns: ${fields.join(', ') || 'none'}); pass --text-column with one of them`,
                file.path,
              );
            }
          }
          const value = results.data[column];
          const text = value === undefined || value === null ? '' : String(value);
          visit(text, row, Buffer.byteLength(text, 'utf8'));
          row++;
        } catch (error) {
          failure = error;
          parser.abort();
        }
      },
      complete() {
        if (failure) reject(failure);
        else resolve();
      },
      error(error: Error) {
        reject(failure ?? error);
      },
    });
  });
  if (failure) throw failure;
  return tally;
}

/** Reads a file's sequences in order, calling `visit` for each. */
export function forEachSequence(
  file: SourceFile,
  options: ReadOptions,
  visit: SequenceVisitor,
): Promise<ReadTally> {
  switch (file.format) {
    case 'txt':
      return forEachTextLine(file, options, visit);
    case 'jsonl':
      return forEachJsonRecord(file, options, visit);
    case 'csv':
    case 'tsv':
      return forEachCsvRow(file, options, visit);
  }
}
