// Reading zstd streams without trusting them: the frames and blocks are walked here (fzstd only
// decodes each block), so every frame's window is checked before decoding, skippable frames are
// skipped, each block's output is handed on before the next is decoded (a bomb's memory stays one
// block), and each frame's content size and XXH64 checksum, when it declares them, are verified.
import { Decompress } from 'fzstd';
import { UserError } from '../common/errors.js';
import { Xxh64 } from './xxh64.js';

/** Largest zstd window accepted (zstd's own default decoder limit is 128 MiB, `--long` needs more). */
export const MAX_ZSTD_WINDOW_BYTES = 1 << 27;
/** A block's content is at most 128 KiB (and at most the window). */
const MAX_BLOCK_BYTES = 1 << 17;

export function zstdError(path: string, why: string): UserError {
  return new UserError(
    `${path}: not a valid zstd file (${why}); recompress it or drop the .zst suffix`,
    path,
  );
}

const ZSTD_MAGIC = 0xfd2fb528;

function isSkippableMagic(magic: number): boolean {
  return (magic & 0xfffffff0) >>> 0 === 0x184d2a50;
}

/** The window a zstd frame header declares (the decoder allocates it), -1 for bytes that are no
 *  zstd frame, or undefined before the header is complete. */
export function zstdWindowBytes(head: Uint8Array): number | undefined {
  if (head.length < 6) return undefined;
  if (head[0] !== 0x28 || head[1] !== 0xb5 || head[2] !== 0x2f || head[3] !== 0xfd) return -1;
  const descriptor = head[4];
  const singleSegment = (descriptor >> 5) & 1;
  if (!singleSegment) {
    const exponent = head[5] >> 3;
    const base = 2 ** (10 + exponent);
    return base + (base / 8) * (head[5] & 7);
  }
  // Single segment: the window is the frame's content size.
  const fcsField = descriptor >> 6;
  const dictField = descriptor & 3;
  const fcsBytes = [1, 2, 4, 8][fcsField];
  const at = 5 + [0, 1, 2, 4][dictField];
  if (head.length < at + fcsBytes) return undefined;
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + head[at + i];
  return fcsBytes === 2 ? size + 256 : size;
}

interface Frame {
  decoder: Decompress;
  hash: Xxh64;
  checksum: boolean;
  /** Declared content size, or -1. */
  contentSize: number;
  produced: number;
  blockLimit: number;
}

/**
 * A zstd stream decoded block by block: `push` input, then take `next()` outputs until it returns
 * undefined (more input needed); `end()` when the input is done. Every problem is a UserError
 * naming `path`.
 */
export class ZstdReader {
  private input: Buffer = Buffer.alloc(0);
  private at = 0;
  /** Bytes of a skippable frame still to skip. */
  private skip = 0;
  private frame?: Frame;
  private readonly out: Uint8Array[] = [];
  /** Stream offset of input[0], for messages. */
  private base = 0;
  private seenFrame = false;

  constructor(private readonly path: string) {}

  push(chunk: Uint8Array): void {
    const rest = this.input.subarray(this.at);
    this.base += this.at;
    this.input = rest.length === 0 ? Buffer.from(chunk) : Buffer.concat([rest, chunk]);
    this.at = 0;
  }

  /** The next decoded block, or undefined when more input is needed. */
  next(): Uint8Array | undefined {
    for (;;) {
      const ready = this.out.shift();
      if (ready !== undefined) return ready;
      if (!this.step()) return undefined;
    }
  }

  /** After the last push: fails when the stream stops inside a frame. */
  end(): void {
    if (this.frame || this.skip > 0 || this.at < this.input.length) throw this.error('truncated');
  }

  private get available(): number {
    return this.input.length - this.at;
  }

  private error(why: string): UserError {
    return zstdError(this.path, why);
  }

  /** Consumes one unit (a header, a block, a checksum, part of a skippable frame); false when
   *  the input holds too little for it. */
  private step(): boolean {
    if (this.skip > 0) {
      const take = Math.min(this.skip, this.available);
      if (take === 0) return false;
      this.skip -= take;
      this.at += take;
      return true;
    }
    return this.frame ? this.block(this.frame) : this.header();
  }

  private header(): boolean {
    if (this.available < 4) return false;
    const magic = this.input.readUInt32LE(this.at);
    if (isSkippableMagic(magic)) {
      if (this.available < 8) return false;
      this.skip = this.input.readUInt32LE(this.at + 4);
      this.at += 8;
      return true;
    }
    if (magic !== ZSTD_MAGIC) {
      throw this.error(
        this.seenFrame
          ? `bytes after the last frame, at byte ${this.base + this.at}`
          : 'no zstd magic number',
      );
    }
    if (this.available < 5) return false;
    const descriptor = this.input[this.at + 4];
    const singleSegment = (descriptor >> 5) & 1;
    const dictBytes = [0, 1, 2, 4][descriptor & 3];
    const fcsBytes = [singleSegment, 2, 4, 8][descriptor >> 6];
    const size = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
    if (this.available < size) return false;
    const head = this.input.subarray(this.at, this.at + size);
    if (descriptor & 8) throw this.error('reserved bit set in a frame header');
    let dictionary = 0;
    for (let i = dictBytes - 1; i >= 0; i--)
      dictionary = dictionary * 256 + head[5 + (singleSegment ? 0 : 1) + i];
    if (dictionary !== 0) throw this.error('made with a dictionary, which tokmix does not have');
    const window = zstdWindowBytes(head)!;
    if (window > MAX_ZSTD_WINDOW_BYTES) {
      throw new UserError(
        `${this.path}: zstd window of ${window} bytes exceeds tokmix's ${MAX_ZSTD_WINDOW_BYTES} (128 MiB); recompress without --long`,
        this.path,
      );
    }
    let contentSize = -1;
    if (fcsBytes > 0) {
      const at = size - fcsBytes;
      contentSize = 0;
      for (let i = fcsBytes - 1; i >= 0; i--) contentSize = contentSize * 256 + head[at + i];
      if (fcsBytes === 2) contentSize += 256;
    }
    const frame: Frame = {
      decoder: new Decompress((data) => {
        if (data.length === 0) return;
        frame.produced += data.length;
        frame.hash.update(data);
        this.out.push(data);
      }),
      hash: new Xxh64(),
      checksum: ((descriptor >> 2) & 1) === 1,
      contentSize,
      produced: 0,
      blockLimit: Math.min(MAX_BLOCK_BYTES, Math.max(window, 1)),
    };
    this.decode(frame, head, false);
    this.frame = frame;
    this.seenFrame = true;
    this.at += size;
    return true;
  }

  private block(frame: Frame): boolean {
    if (this.available < 3) return false;
    const b0 = this.input[this.at];
    const last = (b0 & 1) === 1;
    const type = (b0 >> 1) & 3;
    const blockSize = (b0 | (this.input[this.at + 1] << 8) | (this.input[this.at + 2] << 16)) >>> 3;
    if (type === 3) throw this.error(`reserved block type at byte ${this.base + this.at}`);
    if (blockSize > frame.blockLimit)
      throw this.error(`a block of ${blockSize} bytes, over its frame's limit`);
    const dataBytes = type === 1 ? 1 : blockSize;
    const checksumBytes = last && frame.checksum ? 4 : 0;
    const total = 3 + dataBytes + checksumBytes;
    if (this.available < total) return false;
    // The frame's last block is pushed with its checksum as fzstd's final input (it skips those
    // 4). fzstd holds back input under 18 bytes, so one push may hand on a few small blocks.
    this.decode(frame, this.input.subarray(this.at, this.at + total), last);
    this.at += total;
    if (last) {
      this.frame = undefined;
      if (frame.contentSize >= 0 && frame.produced !== frame.contentSize) {
        throw this.error(`a frame decodes to ${frame.produced} bytes, its header says ${frame.contentSize}`);
      }
      if (frame.checksum) {
        const stored = this.input.readUInt32LE(this.at - 4);
        if (stored !== frame.hash.digest()[1])
          throw this.error('content checksum mismatch: the file is corrupt');
      }
    }
    return true;
  }

  private decode(frame: Frame, bytes: Uint8Array, final: boolean): void {
    try {
      frame.decoder.push(bytes, final);
    } catch (error) {
      throw this.error((error as Error).message);
    }
  }
}
