// The content-addressed cache shared by every stage: an entry is a file named by the hash of its
// inputs, options and the code that produced it. Entries carry a header with their length and checksum, so a truncated or
// corrupt entry is detected on read and rebuilt instead of trusted.
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from './atomic.js';
import { describeFsError } from './errors.js';
import { hashKey } from './hash.js';
import { stageCodeFingerprint } from './code-fingerprint.js';

const MAGIC = Buffer.from('TOKMIXC1');
const HEADER_BYTES = MAGIC.length + 8 + 32; // magic, payload length (u64), sha256 of payload

export function defaultCacheDir(): string {
  return process.env.TOKMIX_CACHE || join(homedir(), '.cache', 'tokmix');
}

export interface CacheStats {
  hits: number;
  misses: number;
  rebuilt: number;
}

export class Cache {
  readonly dir: string;
  readonly stats: CacheStats = { hits: 0, misses: 0, rebuilt: 0 };

  constructor(dir: string = defaultCacheDir()) {
    this.dir = dir;
  }

  /** Path of the entry for `key` in `stage` (a sub-folder per pipeline stage). The address
   *  includes the fingerprint of the code behind the stage, so entries of older code are missed. */
  pathOf(stage: string, key: unknown, extension = 'bin'): string {
    return join(this.dir, stage, `${hashKey({ code: stageCodeFingerprint(stage), key })}.${extension}`);
  }

  /** The payload stored under (stage, key), or undefined when absent, truncated or corrupt. */
  read(stage: string, key: unknown): Buffer | undefined {
    const path = this.pathOf(stage, key);
    if (!existsSync(path)) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw describeFsError(error, path);
    }
    const payload = decodeEntry(bytes);
    if (payload === undefined) {
      rmSync(path, { force: true });
      this.stats.rebuilt++;
    }
    return payload;
  }

  write(stage: string, key: unknown, payload: Uint8Array): void {
    writeFileAtomic(this.pathOf(stage, key), encodeEntry(payload));
  }

  /** Returns the cached payload, or builds, stores and returns it. */
  async getOrBuild(
    stage: string,
    key: unknown,
    build: () => Promise<Uint8Array> | Uint8Array,
  ): Promise<Buffer> {
    const cached = this.read(stage, key);
    if (cached !== undefined) {
      this.stats.hits++;
      return cached;
    }
    this.stats.misses++;
    const payload = Buffer.from(await build());
    this.write(stage, key, payload);
    return payload;
  }

  readJson<T>(stage: string, key: unknown): T | undefined {
    const payload = this.read(stage, key);
    if (payload === undefined) return undefined;
    try {
      return JSON.parse(payload.toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }

  writeJson(stage: string, key: unknown, value: unknown): void {
    this.write(stage, key, Buffer.from(JSON.stringify(value), 'utf8'));
  }
}

export function encodeEntry(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeBigUInt64LE(BigInt(payload.byteLength), MAGIC.length);
  createHash('sha256')
    .update(payload)
    .digest()
    .copy(header, MAGIC.length + 8);
  return Buffer.concat([header, payload]);
}

export function decodeEntry(entry: Buffer): Buffer | undefined {
  if (entry.length < HEADER_BYTES || !entry.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = Number(entry.readBigUInt64LE(MAGIC.length));
  if (entry.length !== HEADER_BYTES + length) return undefined;
  const payload = entry.subarray(HEADER_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(entry.subarray(MAGIC.length + 8, HEADER_BYTES))) return undefined;
  return payload;
}
