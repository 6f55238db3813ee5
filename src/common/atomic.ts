// Atomic file and folder writes: write beside the target, then rename, so a crash or an error
// never leaves a half-written file or output folder behind, and nothing tokmix did not write is removed.
import { mkdirSync, renameSync, rmSync, rmdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { UserError, describeFsError } from './errors.js';
import { assertOutputDirUsable, tempName, type OutputDirCheck } from './fs-checks.js';

/** Writes `path` whole or not at all; a full or read-only disk, or a folder in its place, is one
 *  UserError naming the path. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), tempName(basename(path)));
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written (the folder could not be made)
    }
    throw describeFsError(error, path);
  }
}

/** Removes a file tokmix itself wrote (a cache entry, a checkpoint); an absent file is fine, a
 *  folder in its place (not tokmix's) is kept and named. */
export function removeOwnFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw describeFsError(error, path);
  }
}

/**
 * Writes a run's files into an output folder without touching anything else there. The new files
 * are written to a temporary folder of this run first (beside `dir` when it does not exist yet,
 * which is then renamed into place; inside it otherwise, then moved over the old files one by
 * one), so the old result stays until the new one is complete. On failure only that temporary
 * folder is removed. `check` is that of assertOutputDirUsable, made again here.
 */
export function writeOutputDir(
  dir: string,
  files: Record<string, string | Uint8Array>,
  check: Omit<OutputDirCheck, 'names'>,
): void {
  const names = Object.keys(files);
  for (const name of names) {
    if (name !== basename(name) || name.startsWith('.'))
      throw new Error(`output file name ${name}: not a plain name`);
  }
  assertOutputDirUsable(dir, { ...check, names });
  const exists = existsSync(dir);
  const parent = dirname(resolve(dir));
  let madeParent: string | undefined;
  let temp: string | undefined;
  try {
    if (!exists) madeParent = mkdirSync(parent, { recursive: true });
    temp = join(exists ? dir : parent, tempName());
    mkdirSync(temp);
    for (const name of names) writeFileSync(join(temp, name), files[name]);
    if (!exists) renameSync(temp, dir);
    else {
      for (const name of names) renameSync(join(temp, name), join(dir, name));
      rmdirSync(temp);
    }
  } catch (error) {
    if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
    if (madeParent !== undefined) removeEmptyFolders(parent, madeParent);
    if (error instanceof UserError) throw error;
    throw describeFsError(error, dir);
  }
}

/** Removes the folders from `deepest` up to `top` that this run created, while they are empty. */
function removeEmptyFolders(deepest: string, top: string): void {
  for (let dir = deepest; ; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === top || dirname(dir) === dir) return;
  }
}
