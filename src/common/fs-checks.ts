// Checks on user-given paths, made before any long work: what a path is (a dangling link, a link
// loop or a FIFO/socket/device named as such, never opened), where it really lies, and whether a
// folder can be written there; and reading a user-given file of bounded size.
import {
  openSync,
  closeSync,
  readSync,
  accessSync,
  constants,
  lstatSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UserError, describeFsError } from './errors.js';

/** This machine's name as a file-name part: pids repeat across the nodes of a cluster that
 *  share a file system, so names that must be unique to a process carry the host too. */
export function hostTag(): string {
  return (
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '_')
      .slice(0, 64) || 'host'
  );
}

/** A name for a temporary file or folder of this process that no user file has. */
export function tempName(stem = 'tokmix'): string {
  return `.${stem}-${hostTag()}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

let tempNamePattern: RegExp | undefined;

/** The pid in a name `tempName` made on this host; undefined for any other name. */
export function tempNamePid(name: string): number | undefined {
  // The host is the process's own, so the pattern is built once, not once per name of a sweep.
  tempNamePattern ??= new RegExp(`^\\..+-${hostTag().replace(/[.]/g, '\\.')}-(\\d+)-[0-9a-f]{8}\\.tmp$`);
  const pid = tempNamePattern.exec(name)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/** What a file that is neither a regular file nor a folder is, in words. */
export function specialKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** statSync following links, failing with a UserError that names a dangling link as such. */
export function statInput(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      let link = false;
      try {
        link = lstatSync(path).isSymbolicLink();
      } catch {
        // not there at all: the plain message below says so
      }
      if (link) {
        throw new UserError(
          `${path}: a symbolic link whose target is missing; fix the link or remove it`,
          path,
        );
      }
    }
    throw describeFsError(error, path);
  }
}

/** The stats of an input tokmix reads as a file: folders, FIFOs, sockets and devices are refused
 *  from their stats alone (opening a FIFO would block). */
export function statInputFile(path: string): Stats {
  const stats = statInput(path);
  if (stats.isFile()) return stats;
  if (stats.isDirectory()) throw new UserError(`${path}: is a folder, expected a file`, path);
  throw new UserError(
    `${path}: ${specialKind(stats)}, not a regular file; tokmix reads only regular files, so remove it or replace it with one`,
    path,
  );
}

/** The real path of `path`: links resolved in its existing part, the rest appended as given. */
export function realPathOf(path: string): string {
  let head = resolve(path);
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail);
    } catch {
      const parent = dirname(head);
      if (parent === head) return resolve(path);
      tail.unshift(basename(head));
      head = parent;
    }
  }
}

/** Whether `inner` is `outer` or lies inside it (both already resolved). */
export function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The nearest part of `path` (itself or an ancestor) that exists, with its stats. */
function nearestExisting(path: string): { path: string; stats: Stats } {
  let p = resolve(path);
  for (;;) {
    try {
      return { path: p, stats: statSync(p) };
    } catch {
      const parent = dirname(p);
      if (parent === p) return { path: p, stats: statSync(p) };
      p = parent;
    }
  }
}

/** A resolved path as the user would write it: relative to the working folder when inside it. */
function shown(path: string): string {
  return isWithin(path, process.cwd()) ? relative(process.cwd(), path) || '.' : path;
}

/** The part of `path` that is a file and so keeps it from being a folder, if any. */
function fileInTheWay(path: string): string | undefined {
  const found = nearestExisting(path);
  return found.stats.isDirectory() ? undefined : found.path;
}

/** Fails when `path` cannot be a folder because it, or a part of it, is a file. */
function assertFolderPossible(path: string, flag: string): void {
  let link = false;
  try {
    link = lstatSync(path).isSymbolicLink();
  } catch {
    // not there (yet)
  }
  if (link) statInput(path); // a dangling link or a link loop there is named, never replaced
  const file = fileInTheWay(path);
  if (file === undefined) return;
  if (file === resolve(path)) {
    throw new UserError(`${path}: is a file, not a folder; ${flag} takes a folder, so choose another`, path);
  }
  throw new UserError(
    `${path}: cannot be made, ${shown(file)} is a file, not a folder; choose another ${flag}`,
    path,
  );
}

/** Fails when the folder that will receive `path` cannot be written (read-only, no permission). */
function assertCanWriteBeside(path: string): void {
  const found = nearestExisting(dirname(resolve(path)));
  try {
    accessSync(found.path, constants.W_OK | constants.X_OK);
  } catch (error) {
    const e = describeFsError(error, found.path);
    throw new UserError(`${path}: cannot be written: ${e.message}`, path);
  }
}

/** Makes sure `dir` is a folder tokmix can write in (a cache folder): writes a probe file there,
 *  removing only the probe. A folder not there yet is not made here (the cache makes it on its
 *  first write, after the checks that it lies apart from the inputs): its nearest existing
 *  ancestor must be writable. */
export function assertWritableDir(dir: string, flag: string): void {
  assertFolderPossible(dir, flag);
  const probe = join(dir, tempName('tokmix-probe'));
  try {
    const found = nearestExisting(dir);
    if (found.path !== resolve(dir)) {
      accessSync(found.path, constants.W_OK | constants.X_OK);
      return;
    }
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (error) {
    const e = describeFsError(error, dir);
    const fix = flag.startsWith('--') ? '' : '; pass --cache-dir or set TOKMIX_CACHE to one';
    throw new UserError(`${e.message} (${flag} must be a folder tokmix can write${fix})`, dir);
  }
  rmSync(probe, { force: true });
}

/** The `inputs` that exist as paths, with their real paths; the others (a built-in name, or a
 *  broken path the reader will name) are skipped. */
function existingPaths(
  inputs: readonly string[],
): Array<{ input: string; isDirectory: boolean; realInput: string }> {
  const found: Array<{ input: string; isDirectory: boolean; realInput: string }> = [];
  for (const input of inputs) {
    let stats: Stats;
    try {
      stats = statSync(input);
    } catch {
      continue;
    }
    found.push({ input, isDirectory: stats.isDirectory(), realInput: realPathOf(input) });
  }
  return found;
}

/** Fails when `out` is, lies inside, or holds one of the `inputs` that exist as paths: results
 *  written there could replace an input, or be read as one by the next run. */
function assertApartFromInputs(out: string, inputs: readonly string[], flag: string): void {
  const realOut = realPathOf(out);
  for (const { input, isDirectory, realInput } of existingPaths(inputs)) {
    if (realOut === realInput) {
      throw new UserError(`${out}: is the input ${input}; choose another ${flag}`, out);
    }
    if (isDirectory && isWithin(realOut, realInput)) {
      throw new UserError(
        `${out}: lies inside the input ${input}, where the results would be read as input; choose ${flag} outside it`,
        out,
      );
    }
    if (isWithin(realInput, realOut)) {
      throw new UserError(`${out}: holds the input ${input}; choose ${flag} apart from the inputs`, out);
    }
  }
}

/**
 * Fails when the cache folder and an input overlap: a cache inside an input folder is read back
 * as input by the next run (its stage folders become categories), and an input inside the cache
 * can be replaced or removed as a cache entry. `inputs` that are no path (built-in names) are skipped.
 */
export function assertApartFromCache(cacheDir: string, inputs: readonly string[]): void {
  const realCache = realPathOf(cacheDir);
  for (const { input, isDirectory, realInput } of existingPaths(inputs)) {
    if (realInput === realCache) {
      throw new UserError(
        `${input}: is the cache folder; choose another --cache-dir (or $TOKMIX_CACHE)`,
        input,
      );
    }
    if (isDirectory && isWithin(realCache, realInput)) {
      throw new UserError(
        `${input}: holds the cache folder ${cacheDir}, whose files the next run would read as input; choose a --cache-dir (or $TOKMIX_CACHE) outside the inputs`,
        input,
      );
    }
    if (isWithin(realInput, realCache)) {
      throw new UserError(
        `${input}: lies inside the cache folder ${cacheDir}, where tokmix replaces and removes files; move it out or choose another --cache-dir`,
        input,
      );
    }
  }
}

export interface OutputDirCheck {
  /** Replace the files this run writes when they exist. */
  force: boolean;
  /** The names of the files this run writes into the folder. */
  names: readonly string[];
  /** Paths the run reads (tokenizer file, category folder or manifest); names that are no path are ignored. */
  inputs?: readonly string[];
  /** The run's cache folder: --out may not be it or lie inside it. */
  cacheDir?: string;
  flag?: string;
}

/**
 * Fails, before any work, when `dir` cannot take this run's result: it is a file or under one,
 * cannot be written, overlaps the inputs, has a folder where a result file goes, or (without
 * `force`) already holds a file of one of this run's names. Other files never block it.
 */
export function assertOutputDirUsable(dir: string, check: OutputDirCheck): void {
  const flag = check.flag ?? '--out';
  assertFolderPossible(dir, flag);
  assertApartFromInputs(dir, check.inputs ?? [], flag);
  if (check.cacheDir !== undefined && isWithin(realPathOf(dir), realPathOf(check.cacheDir))) {
    throw new UserError(
      `${dir}: is or lies inside the cache folder ${check.cacheDir}; choose ${flag} outside the cache`,
      dir,
    );
  }
  assertCanWriteBeside(join(dir, 'x'));
  const present: string[] = [];
  for (const name of check.names) {
    let stats: Stats;
    try {
      stats = lstatSync(join(dir, name));
    } catch {
      continue;
    }
    if (stats.isDirectory()) {
      throw new UserError(
        `${join(dir, name)}: a folder where tokmix writes its ${name}; move it or choose another ${flag}`,
        dir,
      );
    }
    present.push(name);
  }
  if (present.length > 0 && !check.force) {
    throw new UserError(
      `${dir}: already holds results; pass --force to replace tokmix's files (${present.join(', ')}; other files are kept) or choose another ${flag}`,
      dir,
    );
  }
}

export interface OutputFileCheck {
  force: boolean;
  inputs?: readonly string[];
  flag?: string;
}

/** Fails, before any work, when the output file `path` is a folder, sits under a file, cannot be
 *  written, is one of the inputs, or (without `force`) already exists. */
export function assertOutputFileUsable(path: string, check: OutputFileCheck): void {
  const flag = check.flag ?? '--out';
  const file = fileInTheWay(dirname(resolve(path)));
  if (file !== undefined) {
    throw new UserError(
      `${path}: cannot be written, ${shown(file)} is a file, not a folder; choose another ${flag}`,
      path,
    );
  }
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch {
    stats = undefined;
  }
  if (stats?.isDirectory()) {
    throw new UserError(`${path}: is a folder; ${flag} takes a file name`, path);
  }
  const realPath = realPathOf(path);
  for (const input of check.inputs ?? []) {
    if (realPathOf(input) === realPath) {
      throw new UserError(`${path}: is the input ${input}; choose another ${flag}`, path);
    }
  }
  if (stats && !check.force) {
    throw new UserError(`${path}: already exists; pass --force to overwrite or choose another ${flag}`, path);
  }
  assertCanWriteBeside(path);
}

/** A file descriptor of `path` opened for reading; fs errors become the one-line UserError. */
export function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw describeFsError(error, path);
  }
}

/**
 * The bytes of the regular file `path`, refused (UserError from `tooLarge(size)`) when it holds more
 * than `maxBytes`: its size is checked before reading and at most maxBytes + 1 bytes are ever read,
 * so a file that grows meanwhile is caught too.
 */
export function readFileAtMost(path: string, maxBytes: number, tooLarge: (size: number) => string): Buffer {
  const size = statInputFile(path).size;
  if (size > maxBytes) throw new UserError(tooLarge(size), path);
  const fd = openForReading(path);
  const buffer = Buffer.alloc(Math.min(size, maxBytes) + 1);
  let length = 0;
  try {
    for (let got = 1; got > 0 && length < buffer.length; length += got) {
      got = readSync(fd, buffer, length, buffer.length - length, null);
    }
  } catch (error) {
    throw describeFsError(error, path);
  } finally {
    closeSync(fd);
  }
  if (length > maxBytes) throw new UserError(tooLarge(length), path);
  return buffer.subarray(0, length);
}
