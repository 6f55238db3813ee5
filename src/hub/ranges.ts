// A remote file read by byte ranges, each range kept on disk once fetched: blocks of 1 MiB under
// <tokmix cache>/hub-ranges/<etag>/<index> (content-addressed by the Hub's hash, so never stale).
// A run that reads what an earlier one read makes no request. A block is written only whole.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';
import { writeFileAtomic } from '../common/atomic.js';
import { type HubClient, authHeaders, repoUrl, resolveUrl } from './client.js';
import { describeHubFailure, networkError } from './http.js';
import type { RemoteFile } from './files.js';

export const RANGE_BLOCK_BYTES = 1 << 20;
/** Largest single read (hyparquet asks for one column chunk at a time). */
export const MAX_RANGE_READ_BYTES = 1 << 30;
const MAX_SHORT_ANSWERS = 3;

export interface RangeStats {
  /** Body bytes received from the Hub. */
  fetchedBytes: number;
  /** Bytes served from blocks already on disk. */
  cachedBytes: number;
}

export class RemoteRanges {
  readonly stats: RangeStats = { fetchedBytes: 0, cachedBytes: 0 };
  private readonly dir: string;

  constructor(
    private readonly client: HubClient,
    readonly file: RemoteFile,
    cacheDir: string,
    private readonly what: string,
    private readonly onFetched: (bytes: number) => void = () => {},
  ) {
    this.dir = join(cacheDir, 'hub-ranges', file.etag);
  }

  get size(): number {
    return this.file.size;
  }

  private blockLength(index: number): number {
    return Math.min(RANGE_BLOCK_BYTES, this.file.size - index * RANGE_BLOCK_BYTES);
  }

  private cachedBlock(index: number): Buffer | undefined {
    const path = join(this.dir, String(index));
    try {
      if (statSync(path).size !== this.blockLength(index)) return undefined;
      return readFileSync(path);
    } catch {
      return undefined;
    }
  }

  private blockCount(): number {
    return Math.ceil(this.file.size / RANGE_BLOCK_BYTES);
  }

  /**
   * Once every block of the file is on disk: whether they hash to the Hub's etag (the LFS sha256,
   * or the git blob id); undefined while the file is read only in part (a part cannot be checked).
   */
  wholeMatches(): boolean | undefined {
    const hash = createHash(this.file.etag.length === 64 ? 'sha256' : 'sha1');
    if (this.file.etag.length !== 64) hash.update(`blob ${this.file.size}\0`);
    for (let index = 0; index < this.blockCount(); index++) {
      const block = this.cachedBlock(index);
      if (!block) return undefined;
      hash.update(block);
    }
    return hash.digest('hex') === this.file.etag;
  }

  /** Removes the file's blocks (tokmix wrote them), so the next read fetches them again. */
  forget(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Bytes [start, end) of the file. */
  async read(start: number, end: number): Promise<Uint8Array> {
    end = Math.min(end, this.file.size);
    if (start >= end) return new Uint8Array(0);
    if (end - start > MAX_RANGE_READ_BYTES) {
      throw new UserError(
        `${this.what}: ${this.file.path}: a read of ${end - start} bytes at once (over ${MAX_RANGE_READ_BYTES}); the file's row groups are too large for tokmix`,
        this.what,
      );
    }
    const first = Math.floor(start / RANGE_BLOCK_BYTES);
    const last = Math.floor((end - 1) / RANGE_BLOCK_BYTES);
    const blocks: Buffer[] = [];
    for (let index = first; index <= last;) {
      const cached = this.cachedBlock(index);
      if (cached) {
        blocks.push(cached);
        this.stats.cachedBytes += cached.length;
        index++;
        continue;
      }
      // One request for the run of missing blocks from here.
      let stop = index;
      while (stop < last && this.cachedBlock(stop + 1) === undefined) stop++;
      const bytes = await this.fetchRange(index * RANGE_BLOCK_BYTES, (stop + 1) * RANGE_BLOCK_BYTES);
      for (let k = index; k <= stop; k++) {
        const offset = (k - index) * RANGE_BLOCK_BYTES;
        const block = bytes.subarray(offset, offset + this.blockLength(k));
        writeFileAtomic(join(this.dir, String(k)), block);
        blocks.push(block);
      }
      index = stop + 1;
    }
    const joined = Buffer.concat(blocks);
    const skip = start - first * RANGE_BLOCK_BYTES;
    return new Uint8Array(joined.buffer, joined.byteOffset + skip, end - start);
  }

  /** Bytes [start, end) from the Hub, asking again from where a short answer stopped. */
  private async fetchRange(start: number, end: number): Promise<Buffer> {
    end = Math.min(end, this.file.size);
    const parts: Buffer[] = [];
    let have = start;
    const url = resolveUrl(this.client, this.file.type, this.file.repo, this.file.commit, this.file.path);
    for (let shortAnswers = 0; have < end;) {
      const response = await this.client.fetch(url, {
        headers: {
          ...authHeaders(this.client),
          range: `bytes=${have}-${end - 1}`,
          'accept-encoding': 'identity',
        },
      });
      if (response.status !== 206) {
        await response.body?.cancel();
        if (response.ok) {
          throw new UserError(
            `${this.what}: ${this.file.path}: the server ignored a range request (HTTP ${response.status}); tokmix reads Hub datasets by ranges only; check HF_ENDPOINT`,
            this.what,
          );
        }
        throw describeHubFailure(
          response.status,
          this.what,
          repoUrl(this.client, this.file.type, this.file.repo),
          this.client.settings,
        );
      }
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== have || Number(range[3]) !== this.file.size) {
        await response.body?.cancel();
        throw new UserError(
          `${this.what}: ${this.file.path}: the server answered another range (${response.headers.get('content-range') ?? 'none'}) than bytes ${have}-${end - 1} of ${this.file.size}; check HF_ENDPOINT`,
          this.what,
        );
      }
      const before = have;
      try {
        for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
          const room = end - have;
          if (chunk.length > room) {
            // An endless or oversized body: keep what was asked for, drop the rest.
            parts.push(Buffer.from(chunk.subarray(0, room)));
            have = end;
            await response.body?.cancel().catch(() => {});
            break;
          }
          parts.push(Buffer.from(chunk));
          have += chunk.length;
        }
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') throw networkError(error, url, this.client.settings);
        // cut by the network: ask again from `have`
      }
      this.stats.fetchedBytes += have - before;
      this.onFetched(have - before);
      if (have < end && ++shortAnswers > MAX_SHORT_ANSWERS) {
        throw new UserError(
          `${this.what}: ${this.file.path}: the answer stopped short ${shortAnswers} times (bytes ${have} of ${start}-${end - 1}); retry later`,
          this.what,
        );
      }
    }
    return Buffer.concat(parts);
  }
}
