// `tokmix corpora fetch`: a category set written out as a folder that needs nothing else — each
// category's files (a Hub category's sample) copied under <out>/<category>/, and a manifest.json
// with the categories' metadata — for offline use (`--categories <out>/manifest.json`).
// Written into a temporary folder beside <out> and renamed into place: whole or not at all.
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError, describeFsError } from '../common/errors.js';
import { tempName } from '../common/fs-checks.js';
import type { CategorySpec } from './types.js';

/** A category's folder name: its name with anything but letters, digits, `.`, `_`, `-` as `_`. */
function folderName(name: string, taken: Set<string>): string {
  let base = name.replace(/[^\p{L}\p{N}._-]/gu, '_').replace(/^\.+/, '_') || '_';
  for (let k = 2; taken.has(base.toLowerCase()); k++) base = `${base}-${k}`;
  taken.add(base.toLowerCase());
  return base;
}

/** Writes the categories (already materialized: local files only) into `out`; returns the manifest path. */
export function writeCategoryFolder(categories: CategorySpec[], out: string, setName: string): string {
  const target = resolve(out);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new UserError(`${out}: exists and is not empty; choose a new folder for tokmix corpora fetch`, out);
  }
  const temp = join(dirname(target), tempName(basename(target)));
  const taken = new Set<string>();
  try {
    mkdirSync(temp, { recursive: true });
    const entries = categories.map((category) => {
      if (category.hub) throw new Error(`category ${category.name} is not materialized`);
      const folder = folderName(category.name, taken);
      mkdirSync(join(temp, folder));
      category.files.forEach((file, i) => {
        copyFileSync(file, join(temp, folder, `${String(i).padStart(3, '0')}-${basename(file)}`));
      });
      const { files: _files, notes, hub: _hub, ...meta } = category;
      return { ...meta, files: [folder], ...(notes?.length ? { notes } : {}) };
    });
    writeFileSync(
      join(temp, 'manifest.json'),
      `${JSON.stringify({ set: setName, categories: entries }, null, 2)}\n`,
    );
    if (existsSync(target)) rmSync(target, { recursive: false }); // the empty folder that was there
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code) throw describeFsError(error, out);
    throw error;
  }
  return join(target, 'manifest.json');
}
