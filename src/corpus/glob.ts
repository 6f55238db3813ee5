// A small glob matcher for manifests (`*`, `?`, `**`, `[...]`), since Node 20 has no fs.glob:
// expands a pattern to the sorted list of existing files it names, without following link cycles.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { UserError, describeFsError } from '../common/errors.js';
import { realPathOf, statInput, statInputFile } from '../common/fs-checks.js';
import { sourceFormatOf } from './formats.js';
import { isAbsolute, join, resolve, sep } from 'node:path';

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether a `/`-separated relative path matches a pattern of `*`, `?` and `[...]` segments (no `**`). */
export function globMatches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const have = path.split('/');
  return want.length === have.length && want.every((segment, k) => segmentRegExp(segment).test(have[k]));
}

/** The entries of a folder, sorted; a missing folder has none, an unreadable one is an error. */
function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw describeFsError(error, dir);
  }
}

/** Folder nesting `**` descends; deeper is refused rather than walked. */
const MAX_GLOB_DEPTH = 32;

/**
 * Files (not folders) matching `pattern`, relative patterns taken from `base`; sorted, unique.
 * A match that is a dangling link, a link loop or a FIFO, socket or device is an error naming it,
 * and `**` does not follow a link back into a folder it is walking (a cycle).
 */
export function expandGlob(pattern: string, base: string): string[] {
  const absolute = isAbsolute(pattern) ? pattern : resolve(base, pattern);
  const parts = absolute.split(/[\\/]+/);
  let fixed = parts[0] === '' ? sep : parts[0];
  let i = 1;
  while (i < parts.length && !hasGlobMagic(parts[i])) {
    fixed = join(fixed, parts[i]);
    i++;
  }
  const rest = parts.slice(i);
  const found = new Set<string>();
  const walk = (path: string, k: number, walking: string[]): void => {
    if (k === rest.length) {
      if (!existsAsLink(path)) return; // names nothing
      const stat = statInput(path); // a dangling link or a link loop is named
      if (stat.isFile()) found.add(path);
      else if (!stat.isDirectory() && sourceFormatOf(path)) statInputFile(path); // names the FIFO, socket or device
      return;
    }
    if (!isFolder(path)) return;
    const segment = rest[k];
    if (segment === '**') {
      const real = realPathOf(path);
      if (walking.includes(real)) {
        throw new UserError(
          `${path}: leads back to ${real} through a symbolic link (a folder cycle); remove the link or narrow the glob`,
          path,
        );
      }
      if (walking.length > MAX_GLOB_DEPTH) {
        throw new UserError(
          `${path}: folders nested over ${MAX_GLOB_DEPTH} deep under **; narrow the glob`,
          path,
        );
      }
      walk(path, k + 1, walking);
      for (const name of entries(path)) {
        const child = join(path, name);
        if (!name.startsWith('.') && isFolder(child)) walk(child, k, [...walking, real]);
      }
      return;
    }
    const re = segmentRegExp(segment);
    for (const name of entries(path)) {
      if (name.startsWith('.') && !segment.startsWith('.')) continue;
      if (re.test(name)) walk(join(path, name), k + 1, walking);
    }
  };
  walk(fixed, 0, []);
  return [...found].sort();
}

/** Whether `path` is a folder (following links); what is not there, or is broken, is not. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function existsAsLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
