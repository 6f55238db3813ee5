// The transcript's binary form: a small JSON header, then the typed arrays back to back at fixed,
// 8-byte-aligned offsets — no JSON for the bulk, viewable without copying, readable step by step.
import type { Transcript } from './types.js';

const MAGIC = 'TMXTRAN1';

interface Header {
  steps: number;
  vocabSize: number;
  numPairs: number;
  numChanges: number;
  /** 'u32' when every count is a whole number below 2^32 (then 4 bytes per count), else 'f64'. */
  countType: 'u32' | 'f64';
  extraSymbols: string[];
  totals: Transcript['totals'];
}

function countsFitU32(...arrays: Float64Array[]): boolean {
  for (const array of arrays) {
    for (let i = 0; i < array.length; i++) {
      const v = array[i];
      if (!(v >= 0 && v < 4294967296 && Math.floor(v) === v)) return false;
    }
  }
  return true;
}

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * Layout: magic (8 bytes), header length (u32), header JSON, padding to 8; then
 * initialCounts[numPairs], changeCount[numChanges] (u32 or f64), pairLeft[numPairs],
 * pairRight[numPairs], mergePair[steps] (i32), stepOffsets[steps+1], changePair[numChanges] (u32),
 * each section starting at an 8-byte boundary. Step t's changes sit at fixed offsets given by
 * stepOffsets, so a reader can stream steps in order or seek to any step range.
 */
export function encodeTranscript(t: Transcript): Uint8Array {
  const numPairs = t.pairLeft.length;
  const numChanges = t.changePair.length;
  const countType = countsFitU32(t.initialCounts, t.changeCount) ? 'u32' : 'f64';
  const header: Header = {
    steps: t.steps,
    vocabSize: t.vocabSize,
    numPairs,
    numChanges,
    countType,
    extraSymbols: t.extraSymbols,
    totals: t.totals,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const countBytes = countType === 'u32' ? 4 : 8;
  const sections: [ArrayLike<number>, number, 'count' | 'i32' | 'u32'][] = [
    [t.initialCounts, numPairs, 'count'],
    [t.changeCount, numChanges, 'count'],
    [t.pairLeft, numPairs, 'i32'],
    [t.pairRight, numPairs, 'i32'],
    [t.mergePair, t.steps, 'i32'],
    [t.stepOffsets, t.steps + 1, 'u32'],
    [t.changePair, numChanges, 'u32'],
  ];
  let size = align8(12 + headerBytes.length);
  for (const [, n, type] of sections) size = align8(size + n * (type === 'count' ? countBytes : 4));
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  let offset = align8(12 + headerBytes.length);
  for (const [array, n, type] of sections) {
    if (type === 'count' && countType === 'f64') {
      new Float64Array(out.buffer, offset, n).set(array as Float64Array);
      offset = align8(offset + n * 8);
    } else if (type === 'i32') {
      new Int32Array(out.buffer, offset, n).set(array as Int32Array);
      offset = align8(offset + n * 4);
    } else {
      new Uint32Array(out.buffer, offset, n).set(array as Uint32Array);
      offset = align8(offset + n * 4);
    }
  }
  return out;
}

/** The size `encodeTranscript` would write, without encoding. */
export function transcriptByteSize(t: Transcript): number {
  const numPairs = t.pairLeft.length;
  const numChanges = t.changePair.length;
  const countBytes = countsFitU32(t.initialCounts, t.changeCount) ? 4 : 8;
  const header = {
    steps: t.steps,
    vocabSize: t.vocabSize,
    numPairs,
    numChanges,
    countType: countBytes === 4 ? 'u32' : 'f64',
    extraSymbols: t.extraSymbols,
    totals: t.totals,
  };
  let size = align8(12 + Buffer.byteLength(JSON.stringify(header)));
  for (const [n, width] of [
    [numPairs, countBytes],
    [numChanges, countBytes],
    [numPairs, 4],
    [numPairs, 4],
    [t.steps, 4],
    [t.steps + 1, 4],
    [numChanges, 4],
  ] as const) {
    size = align8(size + n * width);
  }
  return size;
}

/** Reads a transcript written by `encodeTranscript`; throws on a malformed buffer. */
export function decodeTranscript(bytes: Uint8Array): Transcript {
  // Typed-array views need aligned offsets: copy once when the buffer does not start aligned.
  const b = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  if (b.length < 12 || Buffer.from(b.buffer, b.byteOffset, 8).toString('latin1') !== MAGIC) {
    throw new Error('not a tokmix transcript (bad magic)');
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(
    Buffer.from(b.buffer, b.byteOffset + 12, headerLength).toString('utf8'),
  ) as Header;
  const { steps, numPairs, numChanges, countType } = header;
  let offset = align8(12 + headerLength);
  const take = <T>(make: (byteOffset: number) => T, n: number, width: number): T => {
    if (offset + n * width > b.byteLength) throw new Error('truncated tokmix transcript');
    const value = make(b.byteOffset + offset);
    offset = align8(offset + n * width);
    return value;
  };
  const counts = (n: number): Float64Array =>
    countType === 'f64'
      ? take((o) => new Float64Array(b.buffer, o, n), n, 8)
      : Float64Array.from(take((o) => new Uint32Array(b.buffer, o, n), n, 4));
  const initialCounts = counts(numPairs);
  const changeCount = counts(numChanges);
  const pairLeft = take((o) => new Int32Array(b.buffer, o, numPairs), numPairs, 4);
  const pairRight = take((o) => new Int32Array(b.buffer, o, numPairs), numPairs, 4);
  const mergePair = take((o) => new Int32Array(b.buffer, o, steps), steps, 4);
  const stepOffsets = take((o) => new Uint32Array(b.buffer, o, steps + 1), steps + 1, 4);
  const changePair = take((o) => new Uint32Array(b.buffer, o, numChanges), numChanges, 4);
  return {
    steps,
    vocabSize: header.vocabSize,
    extraSymbols: header.extraSymbols,
    pairLeft,
    pairRight,
    initialCounts,
    stepOffsets,
    changePair,
    changeCount,
    mergePair,
    totals: header.totals,
  };
}
