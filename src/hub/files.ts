// One file of a repo at a revision: its metadata from the `resolve` endpoint (commit, etag, size,
// as huggingface_hub's get_hf_file_metadata reads them), and its download into the shared cache:
// resumed from blobs/<etag>.incomplete, checked against the Hub's size and hash (the LFS sha256,
// or the git blob id) before it is renamed into place, re-fetched once when the hash is wrong.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  closeSync,
  writeSync,
  renameSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../common/errors.js';
import { tempName } from '../common/fs-checks.js';
import { removeOwnFile } from '../common/atomic.js';
import type { ProgressCallback } from '../common/progress.js';
import { type HubClient, authHeaders, repoUrl, resolveUrl } from './client.js';
import { describeHubFailure, networkError } from './http.js';
import {
  COMMIT_HASH,
  blobPath,
  isCachedFile,
  linkSnapshot,
  repoCacheDir,
  snapshotPath,
  writeRef,
} from './cache-layout.js';
import type { RepoType } from './reference.js';

export interface RemoteFile {
  type: RepoType;
  repo: string;
  /** The revision as asked (branch, tag or commit). */
  revision: string;
  path: string;
  /** The commit the revision resolved to (X-Repo-Commit). */
  commit: string;
  /** X-Linked-Etag (an LFS file's sha256) or ETag (the git blob id). */
  etag: string;
  size: number;
  lfs: boolean;
}

/** Relative redirects followed (a renamed repo); an absolute one is the CDN of an LFS file. */
const MAX_RELATIVE_REDIRECTS = 5;
/** Resumes of one download whose body ended short. */
const MAX_RESUMES = 3;

function normalizeEtag(etag: string | null): string | undefined {
  if (!etag) return undefined;
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

/** The file's commit, etag and size, without its body (one HEAD, as huggingface_hub does). */
export async function fileMetadata(
  client: HubClient,
  type: RepoType,
  repo: string,
  revision: string,
  path: string,
  what: string,
): Promise<RemoteFile> {
  let url = resolveUrl(client, type, repo, revision, path);
  let response: Response;
  for (let hop = 0; ; hop++) {
    response = await client.fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      headers: { ...authHeaders(client), 'accept-encoding': 'identity' },
    });
    const location = response.headers.get('location');
    if (
      response.status >= 300 &&
      response.status < 400 &&
      location?.startsWith('/') &&
      hop < MAX_RELATIVE_REDIRECTS
    ) {
      url = new URL(location, url).href;
      continue;
    }
    break;
  }
  if (response.status >= 400) {
    const code = response.headers.get('x-error-code') ?? '';
    const detail =
      code === 'EntryNotFound'
        ? `no file ${path} at revision ${revision}`
        : code === 'RevisionNotFound'
          ? `no revision ${revision}`
          : code;
    throw describeHubFailure(response.status, what, repoUrl(client, type, repo), client.settings, detail);
  }
  const commit = response.headers.get('x-repo-commit') ?? '';
  const linked = normalizeEtag(response.headers.get('x-linked-etag'));
  const etag = linked ?? normalizeEtag(response.headers.get('etag'));
  const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length'));
  if (
    !COMMIT_HASH.test(commit) ||
    !etag ||
    !/^[0-9a-f]{40,64}$/.test(etag) ||
    !Number.isSafeInteger(size) ||
    size < 0
  ) {
    throw new UserError(
      `${what}: ${client.settings.endpoint} answered without the X-Repo-Commit, ETag and size headers of the Hub API; check HF_ENDPOINT`,
      what,
    );
  }
  return { type, repo, revision, path, commit, etag, size, lfs: linked !== undefined };
}

/** The hash the Hub names a file by: sha256 (LFS, 64 hex) or the git blob id (sha1 over "blob <size>\0" + bytes). */
async function contentHash(path: string, etag: string, size: number): Promise<string> {
  const hash = createHash(etag.length === 64 ? 'sha256' : 'sha1');
  if (etag.length !== 64) hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function matchesHub(path: string, file: RemoteFile): Promise<boolean> {
  return (
    isCachedFile(path) &&
    statSync(path).size === file.size &&
    (await contentHash(path, file.etag, file.size)) === file.etag
  );
}

/** Appends the response body to `incomplete`; never more than `size` bytes in all. Returns the bytes on disk. */
async function appendBody(
  response: Response,
  incomplete: string,
  offset: number,
  size: number,
  what: string,
  client: HubClient,
  onBytes: (n: number) => void,
): Promise<number> {
  const fd = openSync(incomplete, offset === 0 ? 'w' : 'a');
  let written = offset;
  let oversized = false;
  try {
    for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
      if (written + chunk.length > size) {
        oversized = true;
        await response.body?.cancel().catch(() => {});
        break;
      }
      writeSync(fd, chunk);
      written += chunk.length;
      onBytes(chunk.length);
    }
  } catch (error) {
    // A body cut by the network counts as short (resumed next); a timeout is final.
    if ((error as Error).name === 'TimeoutError') throw networkError(error, response.url, client.settings);
  } finally {
    closeSync(fd);
  }
  if (oversized) {
    removeOwnFile(incomplete); // what it holds came from a server that does not keep to the size
    throw new UserError(
      `${what}: the server sent more than the file's ${size} bytes; refused (nothing kept); check HF_ENDPOINT`,
      what,
    );
  }
  return written;
}

/** Fetches the file into blobs/<etag>.incomplete, resuming a short body; returns when it holds `size` bytes. */
async function fetchBlob(
  client: HubClient,
  file: RemoteFile,
  incomplete: string,
  what: string,
  onProgress?: ProgressCallback,
): Promise<void> {
  const url = resolveUrl(client, file.type, file.repo, file.commit, file.path);
  let have = existsSync(incomplete) ? Math.min(statSync(incomplete).size, file.size) : 0;
  if (have === file.size && file.size > 0) return;
  const report = (n: number) => {
    have += n;
    onProgress?.({ stage: 'download', done: have, total: file.size, unit: 'bytes', detail: file.path });
  };
  for (let attempt = 0; attempt <= MAX_RESUMES; attempt++) {
    const headers: Record<string, string> = { ...authHeaders(client), 'accept-encoding': 'identity' };
    if (have > 0) headers.range = `bytes=${have}-`;
    const response = await client.fetch(url, { headers });
    if (!response.ok) {
      await response.body?.cancel();
      throw describeHubFailure(response.status, what, repoUrl(client, file.type, file.repo), client.settings);
    }
    const start =
      response.status === 206
        ? Number(/bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1])
        : 0;
    if (start !== 0 && start !== have) {
      await response.body?.cancel();
      have = 0; // a range the server did not honour as asked: start over
      continue;
    }
    have = start;
    const got = await appendBody(response, incomplete, start, file.size, what, client, report);
    have = got;
    if (got === file.size) return;
  }
  throw new UserError(
    `${what}: ${file.path} stopped short ${MAX_RESUMES + 1} times (${have} of ${file.size} bytes; the part is kept in ${incomplete} and resumed next time); retry later`,
    what,
  );
}

/** A part file untouched this long is no longer being written (by us or by huggingface_hub). */
const STALE_PART_MS = 60_000;

/**
 * The part file this process downloads into: a stale part of an earlier run (Python's
 * `<etag>.incomplete` or ours) renamed to a name of our own, so it resumes; else a new name.
 * Renaming is atomic, so two processes (array tasks of one cluster run) never write one part.
 */
function claimPart(blob: string): string {
  const mine = `${blob}.incomplete-${tempName('part').slice(1, -4)}`;
  const folder = dirname(blob);
  const stem = `${basename(blob)}.incomplete`;
  for (const name of readdirSync(folder)) {
    if (name !== stem && !name.startsWith(`${stem}-`)) continue;
    try {
      if (Date.now() - statSync(join(folder, name)).mtimeMs < STALE_PART_MS) continue;
      renameSync(join(folder, name), mine);
      return mine;
    } catch {
      // another process claimed it first
    }
  }
  return mine;
}

/**
 * The file in the shared cache (snapshots/<commit>/<path>), downloaded if absent or not matching
 * the Hub's hash. Refs/<revision> is written when the revision is a branch or tag.
 */
export async function downloadToCache(
  client: HubClient,
  file: RemoteFile,
  what: string,
  onProgress?: ProgressCallback,
): Promise<string> {
  const repoDir = repoCacheDir(client.settings.cacheDir, file.type, file.repo);
  const pointer = snapshotPath(repoDir, file.commit, file.path);
  if (await matchesHub(pointer, file)) {
    writeRef(repoDir, file.revision, file.commit);
    return pointer;
  }
  const blob = blobPath(repoDir, file.etag);
  if (!(await matchesHub(blob, file))) {
    mkdirSync(dirname(blob), { recursive: true });
    const incomplete = claimPart(blob);
    for (let fetches = 1; ; fetches++) {
      await fetchBlob(client, file, incomplete, what, onProgress);
      if ((await contentHash(incomplete, file.etag, file.size)) === file.etag) break;
      removeOwnFile(incomplete); // never trusted, never resumed
      if (fetches === 2) {
        throw new UserError(
          `${what}: ${file.path} arrived twice with a ${file.etag.length === 64 ? 'sha256' : 'git hash'} other than the Hub's ${file.etag}; nothing was kept; retry later or check HF_ENDPOINT`,
          what,
        );
      }
    }
    renameSync(incomplete, blob);
  }
  linkSnapshot(repoDir, file.commit, file.path, file.etag);
  writeRef(repoDir, file.revision, file.commit);
  return pointer;
}
