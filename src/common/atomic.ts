// Atomic file and folder writes: write beside the target, then rename, so a crash or an error
// never leaves a half-written file or output folder behind.
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError, describeFsError } from './errors.js';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes a whole output folder at once. `files` maps names inside the folder to their content.
 * An existing non-empty folder is refused unless `force`; with `force` it is replaced whole.
 * The files are written to a temporary sibling folder first, which is renamed into place, so
 * a failure leaves either the old folder or nothing, never a partial result.
 */
export function writeOutputDir(
  dir: string,
  files: Record<string, string | Uint8Array>,
  force: boolean,
): void {
  const exists = existsSync(dir);
  if (exists && readdirSync(dir).length > 0 && !force) {
    throw new UserError(
      `${dir}: already holds results; pass --force to overwrite or choose another --out`,
      dir,
    );
  }
  const parent = dirname(dir);
  const temp = join(parent, `.${basename(dir)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(temp, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(temp, name)), { recursive: true });
      writeFileSync(join(temp, name), content);
    }
    if (exists) rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (error instanceof UserError) throw error;
    throw describeFsError(error, dir);
  }
}

/** Fails early (before long work) when an output folder exists and `force` is not set. */
export function assertOutputDirFree(dir: string, force: boolean): void {
  if (!force && existsSync(dir) && readdirSync(dir).length > 0) {
    throw new UserError(
      `${dir}: already holds results; pass --force to overwrite or choose another --out`,
      dir,
    );
  }
}
