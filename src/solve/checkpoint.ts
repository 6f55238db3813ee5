// Checkpoints of a long solve: the rows the lazy LP held, its lower bound and its best shares, in a
// compact binary file in the cache named by the problem's fingerprint, so the next solve of the same
// problem resumes from them (or `infer --resume <file>` from a copied one). Format, reading, writing.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Transcript } from '../bpe/types.js';
import { writeFileAtomic } from '../common/atomic.js';
import { decodeEntry, encodeEntry } from '../common/cache.js';
import { UserError } from '../common/errors.js';
import { readFileAtMost } from '../common/fs-checks.js';
import { stableStringify } from '../common/hash.js';
import { toolVersion } from '../common/version.js';
import type { WarmRow } from './lazy-lp.js';

/** Bumped whenever the layout below changes; other versions are refused, never guessed at. */
export const CHECKPOINT_VERSION = 1;
const MAGIC = Buffer.from('TOKMIXCK');
/** No checkpoint comes near this (a million rows take ~6 MB); larger files are refused unread. */
export const CHECKPOINT_MAX_BYTES = 32 << 20;
/**
 * Rows a checkpoint may hold: the LP's default size cap (3M nonzeros, >= 2 a row) keeps it below
 * 1.5M; the bound keeps a hostile file's rows (objects, ~50 bytes each) under ~200 MB.
 */
export const CHECKPOINT_MAX_ROWS = 4_000_000;
const MAX_HEADER_BYTES = 1 << 16;
/** How far a checkpoint's shares may sum from 1 (the solver's points sum to 1 within rounding). */
export const SHARE_SUM_TOLERANCE = 1e-6;
/** Relative slack allowed when a checkpoint's lower bound is compared with an upper bound. */
export const BOUND_TOLERANCE = 1e-9;

/** Where the cache keeps checkpoints, one file per problem. */
export const CHECKPOINT_FOLDER = 'checkpoint';

/**
 * The options of SolveMixtureOptions that change the LP (not the time limit, gap, backend or
 * tuning): two solves with equal transcripts and equal values here solve the same LP, so one's
 * rows and lower bound hold for the other. A new option that changes the LP is one line here.
 */
export interface LpDefiningOptions {
  firstStep?: number;
  normalizeAt?: 'step-0' | 'first-step';
  excludedSteps?: Uint8Array;
  tolerance?: number;
  /** The noise-aware rows' z (0: the paper's rows). */
  noiseZ?: number;
}

function lpDefinition(options: LpDefiningOptions, steps: number): Record<string, unknown> {
  const excluded: number[] = [];
  if (options.excludedSteps)
    for (let t = 0; t < steps; t++) if (options.excludedSteps[t] === 1) excluded.push(t);
  return {
    firstStep: options.firstStep ?? 0,
    normalizeAt: options.normalizeAt ?? 'first-step',
    excludedSteps: excluded,
    tolerance: options.tolerance ?? 1e-6,
    noiseZ: options.noiseZ ?? 0,
  };
}

/** A hash of everything that defines the LP: the transcripts' content in order and the options above. */
export function problemFingerprint(transcripts: readonly Transcript[], options: LpDefiningOptions): string {
  const steps = transcripts[0]?.steps ?? 0;
  const hash = createHash('sha256').update(stableStringify(lpDefinition(options, steps)));
  for (const t of transcripts) {
    const { steps: s, vocabSize, extraSymbols, totals } = t;
    hash.update(stableStringify({ steps: s, vocabSize, extraSymbols, totals }));
    for (const array of [
      t.pairLeft,
      t.pairRight,
      t.initialCounts,
      t.stepOffsets,
      t.changePair,
      t.changeCount,
      t.mergePair,
    ]) {
      hash.update(`${array.length}:`);
      hash.update(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    }
  }
  return hash.digest('hex').slice(0, 32);
}

/** A pair's slack at the best point, by the pair's symbols (portable like a WarmRow). */
export interface PairSlack {
  left: number;
  right: number;
  value: number;
}

export interface Checkpoint {
  fingerprint: string;
  /** The problem's size, checked against the solve that reads it. */
  steps: number;
  vocabSize: number;
  categories: number;
  /** The constraint rows the LP held. */
  rows: WarmRow[];
  /** Bounds on the full LP's optimum, in the LP's scaled units, and their relative gap. */
  lower: number;
  upper: number;
  gap: number;
  /** The best point found: shares and the pair slacks that, with them, give `upper`. */
  alpha: Float64Array;
  pairSlacks: PairSlack[];
}

/** A growable byte buffer of LEB128 varints and float64s. */
class Writer {
  private bytes = new Uint8Array(1024);
  length = 0;

  private room(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  varint(value: number): void {
    this.room(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }

  float(value: number): void {
    this.room(8);
    new DataView(this.bytes.buffer).setFloat64(this.length, value, true);
    this.length += 8;
  }

  raw(data: Uint8Array): void {
    this.room(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  done(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/**
 * The file: the cache's entry frame (magic, length, SHA-256: truncation and corruption are caught)
 * around MAGIC, u32 version, a JSON header, then float64 shares and pair-slack values, then varints:
 * pair-slack symbols, and rows sorted by step as (step delta, left, right). ~4-6 bytes a row.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  // Past the reader's bound only the first rows are kept: they are a warm start, not the answer.
  // Rows and pair slacks naming a character outside the vocabulary (negative symbols) are left out
  // too: varints cannot hold them, and without them a resume only starts looser.
  const inVocabulary = (s: { left: number; right: number }) => s.left >= 0 && s.right >= 0;
  const pairSlacks = checkpoint.pairSlacks.filter(inVocabulary);
  const rows = checkpoint.rows
    .filter(inVocabulary)
    .slice(0, CHECKPOINT_MAX_ROWS)
    .sort((a, b) => a.step - b.step || a.left - b.left || a.right - b.right);
  const header = Buffer.from(
    JSON.stringify({
      fingerprint: checkpoint.fingerprint,
      steps: checkpoint.steps,
      vocabSize: checkpoint.vocabSize,
      categories: checkpoint.categories,
      rows: rows.length,
      pairSlacks: pairSlacks.length,
      lower: checkpoint.lower,
      upper: checkpoint.upper,
      gap: checkpoint.gap,
      tool: toolVersion(),
      writtenAt: new Date().toISOString(),
    }),
  );
  const out = new Writer();
  out.raw(MAGIC);
  const fixed = Buffer.alloc(8);
  fixed.writeUInt32LE(CHECKPOINT_VERSION, 0);
  fixed.writeUInt32LE(header.length, 4);
  out.raw(fixed);
  out.raw(header);
  for (const a of checkpoint.alpha) out.float(a);
  for (const s of pairSlacks) out.float(s.value);
  for (const s of pairSlacks) {
    out.varint(s.left);
    out.varint(s.right);
  }
  let step = 0;
  for (const row of rows) {
    out.varint(row.step - step);
    out.varint(row.left);
    out.varint(row.right);
    step = row.step;
  }
  return encodeEntry(out.done());
}

/** The problem a checkpoint is read for: a file of another size or fingerprint is refused. */
export interface CheckpointExpectation {
  fingerprint: string;
  steps: number;
  vocabSize: number;
  categories: number;
}

const FIX = 'pass a checkpoint tokmix infer wrote, or run without --resume';

/** The one error of a file that is not a valid checkpoint, saying `what` is wrong with it. */
function invalidCheckpoint(file: string, what: string): UserError {
  return new UserError(`${file}: not a valid tokmix checkpoint (${what}); ${FIX}`, file);
}

/** Reads a bounded varint (< 2^32) or fails on a truncated or overlong one. */
function reader(payload: Buffer, start: number, file: string) {
  let at = start;
  const bad = (what: string) => invalidCheckpoint(file, what);
  return {
    get offset() {
      return at;
    },
    varint(): number {
      let value = 0;
      for (let shift = 0; shift < 35; shift += 7) {
        if (at >= payload.length) throw bad('ends early');
        const byte = payload[at++];
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) {
          if (value > 0xffffffff) break;
          return value;
        }
      }
      throw bad('a number out of range');
    },
    float(): number {
      if (at + 8 > payload.length) throw bad('ends early');
      const value = payload.readDoubleLE(at);
      at += 8;
      return value;
    },
  };
}

/**
 * Decodes a checkpoint file's bytes for the problem `expect` describes. Anything else (not a
 * checkpoint, truncated, another version, another problem, rows or numbers out of range) is a
 * UserError naming the file; a checkpoint of another problem says so.
 */
export function decodeCheckpoint(bytes: Buffer, file: string, expect?: CheckpointExpectation): Checkpoint {
  const payload = decodeEntry(bytes);
  const invalid = (what: string) => invalidCheckpoint(file, what);
  if (payload === undefined || payload.length < MAGIC.length + 8 || !payload.subarray(0, 8).equals(MAGIC)) {
    throw invalid('truncated, corrupt or another kind of file');
  }
  const version = payload.readUInt32LE(8);
  if (version !== CHECKPOINT_VERSION) {
    throw new UserError(
      `${file}: checkpoint format version ${version}, this tokmix reads version ${CHECKPOINT_VERSION}; run without --resume (the solve starts over)`,
      file,
    );
  }
  const headerLength = payload.readUInt32LE(12);
  if (headerLength > MAX_HEADER_BYTES || 16 + headerLength > payload.length) throw invalid('header size');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(payload.subarray(16, 16 + headerLength).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid('header is not JSON');
  }
  const count = (key: string, max: number): number => {
    const v = header?.[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw invalid(`header ${key}`);
    return v;
  };
  const bound = (key: string): number => {
    const v = header?.[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(`header ${key}`);
    return v;
  };
  const fingerprint = header?.fingerprint;
  if (typeof fingerprint !== 'string' || !/^[0-9a-f]{32}$/.test(fingerprint))
    throw invalid('header fingerprint');
  const rest = payload.length - 16 - headerLength;
  const steps = count('steps', 0xffffffff);
  const vocabSize = count('vocabSize', 0xffffffff);
  const categories = count('categories', rest / 8);
  const rowCount = count('rows', Math.min(rest / 3, CHECKPOINT_MAX_ROWS));
  const slackCount = count('pairSlacks', rest / 10);
  const lower = bound('lower');
  const upper = bound('upper');
  const gap = bound('gap');
  if (expect && fingerprint !== expect.fingerprint) {
    throw new UserError(
      `${file}: a checkpoint of another problem (other tokenizer, merges, categories, samples or LP options); resume it with the infer options that wrote it, or drop --resume`,
      file,
    );
  }
  if (
    expect &&
    (steps !== expect.steps || vocabSize !== expect.vocabSize || categories !== expect.categories)
  ) {
    throw invalid('its size does not match its fingerprint');
  }
  const read = reader(payload, 16 + headerLength, file);
  const alpha = new Float64Array(categories);
  let total = 0;
  for (let i = 0; i < categories; i++) {
    alpha[i] = read.float();
    if (!(alpha[i] >= 0 && alpha[i] <= 1)) throw invalid('a share out of range');
    total += alpha[i];
  }
  // Shares are a point of the simplex: all zero (or vanishing) ones would make every row hold.
  if (categories > 0 && !(Math.abs(total - 1) <= SHARE_SUM_TOLERANCE)) {
    throw invalid(`its shares sum to ${total}, not 1`);
  }
  if (!(lower <= upper * (1 + BOUND_TOLERANCE) + BOUND_TOLERANCE) || !(gap <= 1)) {
    throw invalid('its lower bound lies above its upper bound');
  }
  const values = Array.from({ length: slackCount }, () => read.float());
  const pairSlacks: PairSlack[] = values.map((value) => {
    const left = read.varint();
    const right = read.varint();
    if (!(value >= 0 && Number.isFinite(value))) throw invalid('a pair slack out of range');
    if (left >= vocabSize || right >= vocabSize) throw invalid('a symbol beyond the vocabulary');
    return { left, right, value };
  });
  const rows: WarmRow[] = [];
  let step = 0;
  for (let r = 0; r < rowCount; r++) {
    step += read.varint();
    const left = read.varint();
    const right = read.varint();
    if (step >= steps) throw invalid(`a row at step ${step}, beyond its ${steps} steps`);
    if (left >= vocabSize || right >= vocabSize) throw invalid('a symbol beyond the vocabulary');
    rows.push({ step, left, right });
  }
  if (read.offset !== payload.length) throw invalid('bytes after the rows');
  return { fingerprint, steps, vocabSize, categories, rows, lower, upper, gap, alpha, pairSlacks };
}

/** Reads a checkpoint file, at most CHECKPOINT_MAX_BYTES of it; every failure is one UserError. */
export function readCheckpointFile(file: string, expect?: CheckpointExpectation): Checkpoint {
  const bytes = readFileAtMost(
    file,
    CHECKPOINT_MAX_BYTES,
    (size) =>
      `${file}: ${size} bytes, more than any tokmix checkpoint (at most ${CHECKPOINT_MAX_BYTES}); ${FIX}`,
  );
  return decodeCheckpoint(bytes, file, expect);
}

/** The cache's checkpoint file for a problem. */
export function checkpointPath(dir: string, fingerprint: string): string {
  return join(dir, `${fingerprint}.ckpt`);
}

/** Writes a checkpoint atomically (a killed run leaves the previous one whole); returns its size. */
export function writeCheckpointFile(path: string, checkpoint: Checkpoint): number {
  const bytes = encodeCheckpoint(checkpoint);
  writeFileAtomic(path, bytes);
  return bytes.length;
}
