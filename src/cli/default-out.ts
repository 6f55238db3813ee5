// The default output folder of a run given no --out: results/<name>, or the first of <name>-2,
// <name>-3, ... that holds no earlier result, so a second run never fails on the first one's folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../common/errors.js';

/** Names tried before giving up (a folder with this many earlier runs is the user's to tidy). */
const MAX_SUFFIX = 1000;

/**
 * The first of `base`, `base-2`, `base-3`, ... holding none of `names` (the files the command
 * writes). An explicit --out is not passed here: it keeps the refusal without --force.
 */
export function freshOutputDir(base: string, names: readonly string[]): string {
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    if (!names.some((name) => existsSync(join(dir, name)))) return dir;
  }
  throw new UserError(
    `${base}: ${MAX_SUFFIX} earlier results under this name; choose a folder with --out or move the old ones`,
    base,
  );
}
