// Turns a --categories reference into category specs: a folder (each sub-folder a category), a
// manifest .json (names, files or globs, metadata), or a built-in set materialized on first use.
import { closeSync, lstatSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { UserError, describeFsError } from '../common/errors.js';
import {
  assertApartFromCache,
  openForReading,
  realPathOf,
  statInput,
  statInputFile,
} from '../common/fs-checks.js';
import { defaultCacheDir } from '../common/cache.js';
import type { ProgressCallback } from '../common/progress.js';
import type { CategoryKind, CategoryMeta, CategorySpec } from './types.js';
import { type Compression, READABLE_DESCRIPTION, sourceFormatOf } from './formats.js';
import { checkTextColumn, readParquetMetadata } from './parquet.js';
import { zstdPrefix } from './sequences.js';
import { expandGlob, hasGlobMagic } from './glob.js';
import { BUILTIN_SET_NAMES, isBuiltinSetName, materializeSet } from './builtin/sets.js';
import { isHubReference, parseHubReference } from '../hub/reference.js';
import { materializeHubCategories } from './hub-sample.js';
import { HUB_SET_NAMES, hubSetManifest, isHubSetName } from './hub-sets.js';

export interface ResolveOptions {
  textField?: string;
  textColumn?: string;
  /** The sample cap: how much text a Hub dataset category reads (hub-sample.ts). */
  bytes?: number;
  /** Which categories this run uses (`--only`, `--shard`), applied before any Hub category is
   *  fetched: a cluster array task fetches only its own. */
  select?: <T extends { name: string }>(categories: T[]) => T[];
  /** Where built-in sets are materialized (default: the shared cache folder). */
  cacheDir?: string;
  onProgress?: ProgressCallback;
}

const KINDS: CategoryKind[] = ['language', 'code', 'domain', 'other'];

/** Folder nesting a category may have; deeper is refused rather than walked. */
const MAX_FOLDER_DEPTH = 32;

/** The visible entries of a folder, sorted; an unreadable folder is named with the fix. */
function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => !name.startsWith('.'))
      .sort();
  } catch (error) {
    throw describeFsError(error, dir);
  }
}

/**
 * Readable files under a folder, recursively, sorted; hidden entries skipped. A dangling link,
 * a link loop, a FIFO, socket or device with a readable name, or a link back to a folder being
 * walked (a cycle) is an error naming it; none is opened.
 */
function readableFilesUnder(dir: string, walking: string[] = [], depth = 0): string[] {
  const real = realPathOf(dir);
  const ancestor = walking.find((folder) => folder === real);
  if (ancestor !== undefined) {
    throw new UserError(
      `${dir}: leads back to ${ancestor} through a symbolic link (a folder cycle); remove the link`,
      dir,
    );
  }
  if (depth > MAX_FOLDER_DEPTH) {
    throw new UserError(`${dir}: folders nested over ${MAX_FOLDER_DEPTH} deep; flatten the category`, dir);
  }
  const found: string[] = [];
  for (const name of listFolder(dir)) {
    const path = join(dir, name);
    const stat = statInput(path);
    if (stat.isDirectory()) found.push(...readableFilesUnder(path, [...walking, real], depth + 1));
    else if (sourceFormatOf(path)) {
      if (!stat.isFile()) statInputFile(path); // names the FIFO, socket or device
      found.push(path);
    }
  }
  return found;
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function assertNotEmpty(name: string, where: string, files: string[]): void {
  if (files.length === 0) {
    throw new UserError(
      `${where}: no readable files (${READABLE_DESCRIPTION}); add some or remove it`,
      where,
    );
  }
  if (files.every((file) => statSync(file).size === 0)) {
    throw new UserError(`${where}: every file of category "${name}" is empty; add text or remove it`, where);
  }
}

function resolveFolder(dir: string): CategorySpec[] {
  const names = listFolder(dir);
  const stats = new Map(names.map((name) => [name, statInput(join(dir, name))]));
  const folders = names.filter((name) => stats.get(name)!.isDirectory());
  const looseFiles = names.filter((name) => !stats.get(name)!.isDirectory() && sourceFormatOf(name));
  if (folders.length === 0) {
    // A folder of files alone is one category, named by the folder.
    const files = readableFilesUnder(dir);
    assertNotEmpty(basename(dir), dir, files);
    return [{ name: basename(dir), kind: 'other', source: dir, files }];
  }
  if (looseFiles.length > 0) {
    throw new UserError(
      `${dir}: holds both category folders and loose files (${looseFiles.slice(0, 3).join(', ')}); move the files into a category folder`,
      dir,
    );
  }
  return folders.map((name) => {
    const path = join(dir, name);
    const files = readableFilesUnder(path);
    assertNotEmpty(name, path, files);
    return { name, kind: 'other' as const, source: path, files };
  });
}

function manifestError(path: string, what: string): UserError {
  return new UserError(`${path}: malformed manifest: ${what}`, path);
}

/** A manifest entry's name, kind, language, script, source and licence, checked. */
function categoryMeta(path: string, name: string, e: Record<string, unknown>): CategoryMeta {
  if (e.kind !== undefined && !KINDS.includes(e.kind as CategoryKind)) {
    throw manifestError(
      path,
      `category "${name}" has kind "${String(e.kind)}" (expected ${KINDS.join(', ')})`,
    );
  }
  for (const field of ['language', 'script', 'source', 'license'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string') {
      throw manifestError(path, `category "${name}": "${field}" must be a string`);
    }
  }
  return {
    name,
    kind: (e.kind as CategoryKind | undefined) ?? 'other',
    ...(e.language !== undefined ? { language: e.language as string } : {}),
    ...(e.script !== undefined ? { script: e.script as string } : {}),
    ...(e.source !== undefined ? { source: e.source as string } : {}),
    ...(e.license !== undefined ? { license: e.license as string } : {}),
  };
}

export function resolveManifest(path: string, cacheDir: string = defaultCacheDir()): CategorySpec[] {
  let raw: unknown;
  statInputFile(path);
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw describeFsError(error, path);
    throw manifestError(path, `not valid JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(raw) ? raw : (raw as { categories?: unknown } | null)?.categories;
  if (!Array.isArray(list) || list.length === 0) {
    throw manifestError(
      path,
      'expected {"categories": [{"name": ..., "files": [...]}, ...]} with at least one category',
    );
  }
  const base = dirname(path);
  const seen = new Set<string>();
  return list.map((entry: unknown, index) => {
    if (entry === null || typeof entry !== 'object')
      throw manifestError(path, `category ${index + 1} is not an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name === '')
      throw manifestError(path, `category ${index + 1} has no "name"`);
    const name = e.name;
    if (seen.has(name)) throw manifestError(path, `category "${name}" appears twice`);
    seen.add(name);
    if (e.hf !== undefined) return hubEntry(path, name, e);
    const patterns = typeof e.files === 'string' ? [e.files] : e.files;
    if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => typeof p === 'string')) {
      throw manifestError(path, `category "${name}" needs "files": a non-empty list of paths or globs`);
    }
    const meta = categoryMeta(path, name, e);
    const files = new Set<string>();
    for (const pattern of patterns as string[]) {
      let matched: string[];
      if (hasGlobMagic(pattern)) {
        try {
          matched = expandGlob(pattern, base).filter((file) => sourceFormatOf(file));
        } catch (error) {
          // A bracket class the glob turns into an invalid RegExp (e.g. [z-a]).
          if (!(error instanceof SyntaxError)) throw error;
          throw manifestError(
            path,
            `category "${name}": "${pattern}" is not a valid glob (${error.message})`,
          );
        }
      } else {
        const target = resolve(base, pattern);
        const stat = statInput(target);
        if (stat.isDirectory()) {
          assertApartFromCache(cacheDir, [target]);
          matched = readableFilesUnder(target);
        } else if (sourceFormatOf(target)) matched = [(statInputFile(target), target)];
        else {
          throw new UserError(
            `${target}: not a readable file (${READABLE_DESCRIPTION}); rename it or list another`,
            target,
          );
        }
      }
      if (matched.length === 0) {
        throw new UserError(
          `${path}: category "${name}": "${pattern}" matches no readable files (${READABLE_DESCRIPTION}); fix the path or glob`,
          path,
        );
      }
      for (const file of matched) files.add(file);
    }
    const list = [...files].sort();
    assertNotEmpty(name, `${path}: category "${name}"`, list);
    return { ...meta, source: meta.source ?? path, files: list };
  });
}

/** A manifest entry read from a Hub dataset: `"hf": "hf:datasets/org/name[@rev]/path"`, with an
 *  optional `"column"` (its text column or .jsonl field) instead of `"files"`. */
function hubEntry(path: string, name: string, e: Record<string, unknown>): CategorySpec {
  if (typeof e.hf !== 'string' || !isHubReference(e.hf)) {
    throw manifestError(
      path,
      `category "${name}": "hf" must be a string hf:datasets/org/name[@revision]/path`,
    );
  }
  if (e.files !== undefined) throw manifestError(path, `category "${name}": give "files" or "hf", not both`);
  if (e.column !== undefined && typeof e.column !== 'string') {
    throw manifestError(path, `category "${name}": "column" must be a string`);
  }
  try {
    parseHubReference(e.hf, 'dataset');
  } catch (error) {
    throw manifestError(path, `category "${name}": ${(error as Error).message}`);
  }
  const meta = categoryMeta(path, name, e);
  return {
    ...meta,
    files: [],
    hub: { reference: e.hf, ...(e.column !== undefined ? { column: e.column as string } : {}) },
  };
}

/** The first bytes of a (possibly compressed) file, enough to read a CSV header. */
function fileHead(path: string, compression: Compression): string {
  const fd = openForReading(path);
  try {
    const buffer = Buffer.alloc(1 << 16);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    let head: Buffer = buffer.subarray(0, n);
    if (compression === 'zstd') head = zstdPrefix(path, head);
    if (compression === 'gzip') {
      try {
        head = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: accept a truncated stream */ });
      } catch {
        throw new UserError(`${path}: not a valid gzip file; recompress it or drop the .gz suffix`, path);
      }
    }
    if (head.subarray(0, 8000).indexOf(0) >= 0) {
      throw new UserError(
        `${path}: looks like a binary file (NUL bytes); remove it or convert it to UTF-8 text`,
        path,
      );
    }
    return head.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Fails before any long work when a CSV/TSV/Parquet file lacks the text column, a Parquet
 *  footer is corrupt, or a text file looks binary or is not the compression its name says. */
function checkFiles(categories: CategorySpec[], options: ResolveOptions): void {
  const column = options.textColumn ?? 'text';
  for (const category of categories) {
    for (const path of category.files) {
      const source = sourceFormatOf(path);
      if (!source) continue;
      if (source.format === 'parquet') {
        checkTextColumn(path, readParquetMetadata(path), column);
        continue;
      }
      const head = fileHead(path, source.compression);
      if (source.format !== 'csv' && source.format !== 'tsv') continue;
      const firstLine = head.split('\n', 1)[0];
      const parsed = Papa.parse<string[]>(firstLine, { delimiter: source.format === 'tsv' ? '\t' : ',' });
      const fields = (parsed.data[0] ?? []).map((f) => f.trim());
      if (!fields.includes(column)) {
        throw new UserError(
          `${path}: no column "${column}" (columns: ${fields.join(', ') || 'none'}); pass --text-column with one of them`,
          path,
        );
      }
    }
  }
}

/** A name with its non-ASCII characters as code points, so two names that look alike differ. */
function codePoints(name: string): string {
  return [...name]
    .map((c) =>
      c.charCodeAt(0) < 0x80 ? c : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`,
    )
    .join(' ');
}

/** Refuses two categories whose names are equal after Unicode normalization (NFC): they would
 *  show as two identical rows (e.g. a folder `café` in NFC and another in NFD). */
function checkDistinctNames(categories: CategorySpec[], ref: string): void {
  const seen = new Map<string, string>();
  for (const { name } of categories) {
    const key = name.normalize('NFC');
    const other = seen.get(key);
    if (other !== undefined) {
      throw new UserError(
        `${ref}: categories "${other}" (${codePoints(other)}) and "${name}" (${codePoints(name)}) have the same name once Unicode-normalized (NFC); rename or merge one`,
        ref,
      );
    }
    seen.set(key, name);
  }
}

/** Resolves `ref` (folder, manifest .json or built-in set name) to category specs. */
export async function resolveCategories(ref: string, options: ResolveOptions = {}): Promise<CategorySpec[]> {
  if (ref === '')
    throw new UserError('--categories: empty; give a folder, a manifest .json or a built-in set name');
  let stat;
  try {
    stat = statSync(ref);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || isSymbolicLink(ref)) statInput(ref); // throws, naming it
    if (isBuiltinSetName(ref))
      return (options.select ?? ((all) => all))(
        await materializeSet(ref, { cacheDir: options.cacheDir, onProgress: options.onProgress }),
      );
    if (isHubReference(ref)) {
      const hub = parseHubReference(ref, 'dataset');
      return withHubSamples(
        [
          {
            name: hub.repo.split('/').pop()!,
            kind: 'other',
            source: ref,
            files: [],
            hub: { reference: ref },
          },
        ],
        options,
      );
    }
    if (isHubSetName(ref)) return withHubSamples(resolveManifest(hubSetManifest(ref)), options);
    throw new UserError(
      `${ref}: no such folder, manifest or built-in set; give a folder, a manifest .json, hf:datasets/org/name[@revision]/path or one of: ${[...BUILTIN_SET_NAMES, ...HUB_SET_NAMES].join(', ')}`,
      ref,
    );
  }
  const path = resolve(ref);
  // Before reading: a cache inside the folder would be read back as categories by the next run.
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  assertApartFromCache(cacheDir, [ref]);
  let categories: CategorySpec[];
  if (stat.isDirectory()) categories = resolveFolder(path);
  else if (path.toLowerCase().endsWith('.json')) categories = resolveManifest(path, cacheDir);
  else {
    throw new UserError(`${ref}: expected a folder of category folders or a manifest .json`, ref);
  }
  // A manifest's folders and globs may reach into the cache (or hold it) too.
  assertApartFromCache(cacheDir, [...new Set(categories.flatMap((c) => c.files))]);
  checkDistinctNames(categories, ref);
  return withHubSamples(categories, options);
}

/** Hub categories replaced by their local samples (fetched now unless cached), then every file checked. */
async function withHubSamples(all: CategorySpec[], options: ResolveOptions): Promise<CategorySpec[]> {
  const categories = options.select ? options.select(all) : all;
  const resolved = await materializeHubCategories(categories, {
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    ...(options.bytes !== undefined ? { bytes: options.bytes } : {}),
    ...(options.textField !== undefined ? { textField: options.textField } : {}),
    ...(options.textColumn !== undefined ? { textColumn: options.textColumn } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  checkFiles(resolved, options);
  return resolved;
}
