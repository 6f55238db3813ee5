// The `code` set: programming and markup languages from the npm packages corpora/sets.json pins by
// exact version (code.packages) and Node's C/C++ headers. Only those package folders are read, and a
// package missing or at another version stops the build, so no other dependency change can change
// the samples. Deterministic: files are deduplicated by content and taken in an order fixed by the
// hash of their path, until the byte cap.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { UserError } from '../../common/errors.js';
import type { BuiltCategory } from './languages.js';
import { type CodeRoot, type SetRecipes, nodeIncludeDir, packageDir } from './locate.js';

export interface WalkedFile {
  /** Root label + path inside it, e.g. `node_modules/typescript/lib/lib.d.ts`. */
  label: string;
  path: string;
  size: number;
  /** Which root it was found under. */
  root?: CodeRoot;
}

function byLabel(a: WalkedFile, b: WalkedFile): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

/** Appends every regular file under `top` (symbolic links, hidden folders and `skip` left out). */
function walkFolder(
  top: string,
  label: string,
  root: CodeRoot,
  skip: (path: string) => boolean,
  found: WalkedFile[],
): void {
  let names: string[];
  try {
    names = readdirSync(top).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(top, name);
    if (skip(path)) continue;
    const stat = lstatSync(path);
    if (stat.isDirectory()) walkFolder(path, `${label}/${name}`, root, skip, found);
    else if (stat.isFile()) found.push({ label: `${label}/${name}`, path, size: stat.size, root });
  }
}

/** Every regular file of Node's C/C++ headers (`node-include`), sorted by label. */
export function walkNodeInclude(): WalkedFile[] {
  const found: WalkedFile[] = [];
  const top = nodeIncludeDir();
  if (top) walkFolder(top, 'node-include', 'node-include', () => false, found);
  return found.sort(byLabel);
}

/** Every file under the roots, sorted by label: the pinned packages and/or Node's headers. */
export function walkCodeRoots(
  roots: CodeRoot[],
  pins: Record<string, string>,
  find: FindPackage = installedPackageDir,
): WalkedFile[] {
  return [
    ...(roots.includes('node-include') ? walkNodeInclude() : []),
    ...(roots.includes('packages') ? walkPinnedPackages(pins, find) : []),
  ].sort(byLabel);
}

/** Where an installed npm package's folder is, or undefined (tests pass their own). */
export type FindPackage = (name: string) => string | undefined;

function installedPackageDir(name: string): string | undefined {
  try {
    return packageDir(name);
  } catch {
    return undefined;
  }
}

interface Manifest {
  version?: string;
  dependencies?: Record<string, string>;
  bundleDependencies?: string[] | boolean;
  bundledDependencies?: string[] | boolean;
}

function readManifest(dir: string | undefined): Manifest | undefined {
  if (dir === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The dependencies a package ships inside its own tarball (npm's `bundleDependencies`). */
function bundledNames(manifest: Manifest): Set<string> {
  const bundle = manifest.bundleDependencies ?? manifest.bundledDependencies;
  if (bundle === true) return new Set(Object.keys(manifest.dependencies ?? {}));
  return new Set(Array.isArray(bundle) ? bundle : []);
}

/**
 * Which paths of a pinned package to leave out: its nested node_modules, except the packages it
 * bundles (they come in its tarball, so its version fixes them; `npm` bundles all of its own).
 * Other nested packages were put there by the install and could be any version.
 */
function unpinnedNested(dir: string, bundled: Set<string>): (path: string) => boolean {
  const nested = join(dir, 'node_modules');
  const kept = [...bundled].map((name) => join(nested, name));
  return (path) => {
    if (!path.startsWith(`${nested}/`)) return false;
    return !kept.some((keep) => path === keep || path.startsWith(`${keep}/`) || keep.startsWith(`${path}/`));
  };
}

/**
 * The files of the pinned packages only (labelled `node_modules/<name>/...`; of each package's own
 * nested node_modules only what it bundles), sorted by label. Throws a UserError when a package
 * is missing or installed at another version than its pin.
 */
export function walkPinnedPackages(
  pins: Record<string, string>,
  find: FindPackage = installedPackageDir,
): WalkedFile[] {
  const found: WalkedFile[] = [];
  for (const [name, pinned] of Object.entries(pins)) {
    const dir = find(name);
    const manifest = readManifest(dir);
    const installed = manifest?.version;
    if (dir === undefined || manifest === undefined || installed !== pinned) {
      throw new UserError(
        `built-in code and legal samples: npm package ${name} is pinned at ${pinned} (corpora/sets.json code.packages) but ${
          installed === undefined ? 'is not installed' : `${installed} is installed`
        }; run npm ci in the tokmix folder to install the pinned versions, or update the pin on purpose (it changes the samples)`,
        name,
      );
    }
    walkFolder(dir, `node_modules/${name}`, 'packages', unpinnedNested(dir, bundledNames(manifest)), found);
  }
  return found.sort(byLabel);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A file's text when it is clean UTF-8 without NUL bytes, else undefined. */
export function cleanText(path: string): string | undefined {
  const bytes = readFileSync(path);
  if (bytes.indexOf(0) >= 0) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

const orders = new Map<string, string>();

/** The file's place in the fixed pseudo-random order: a hash of its label (memoized across categories). */
function pathOrder(file: WalkedFile): string {
  let order = orders.get(file.label);
  if (order === undefined) {
    order = createHash('sha1').update(file.label).digest('hex');
    orders.set(file.label, order);
  }
  return order;
}

/**
 * Concatenates files (each ending in a newline) in the order of their path hashes, skipping
 * duplicates and rejected texts, until `cap` bytes; returns the text and how many files it holds.
 */
export function takeFiles(
  files: WalkedFile[],
  cap: number,
  accept: (text: string, file: WalkedFile) => string | undefined,
): { text: string; files: number; taken: WalkedFile[] } {
  const ordered = files
    .filter((file) => file.size > 0 && file.size <= cap)
    .map((file) => ({ file, order: pathOrder(file) }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  const seen = new Set<string>();
  const parts: string[] = [];
  const taken: WalkedFile[] = [];
  let total = 0;
  for (const { file } of ordered) {
    if (total >= cap * 0.99) break;
    if (file.size === 0 || total + file.size > cap) continue;
    const raw = cleanText(file.path);
    if (raw === undefined) continue;
    const text = accept(raw, file);
    if (text === undefined || text.trim() === '') continue;
    const digest = createHash('sha256').update(text).digest('hex');
    if (seen.has(digest)) continue;
    seen.add(digest);
    const piece = text.endsWith('\n') ? text : `${text}\n`;
    const bytes = Buffer.byteLength(piece, 'utf8');
    if (total + bytes > cap) continue;
    parts.push(piece);
    taken.push(file);
    total += bytes;
  }
  return { text: parts.join(''), files: parts.length, taken };
}

/** The pinned packages (name@version) and Node folders the taken files came from, in label order. */
function describeSources(taken: WalkedFile[], pins: Record<string, string>, nodeVersion: string): string {
  const sources = new Set<string>();
  for (const file of [...taken].sort(byLabel)) {
    if (file.root === 'packages') {
      const name = Object.keys(pins).find((pin) => file.label.startsWith(`node_modules/${pin}/`));
      sources.add(`npm ${name}@${name === undefined ? '?' : pins[name]}`);
    } else sources.add(`node@${nodeVersion} ${file.root}`);
  }
  return [...sources].join(', ');
}

function averageLineBytes(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return Buffer.byteLength(text, 'utf8') / lines;
}

export function buildCode(
  recipes: SetRecipes,
  nodeVersion: string,
  find: FindPackage = installedPackageDir,
): BuiltCategory[] {
  const recipe = recipes.code;
  const walked = walkCodeRoots(
    Object.values(recipe.categories).flatMap((c) => c.roots),
    recipe.packages,
    find,
  );
  const built: BuiltCategory[] = [];
  for (const [name, category] of Object.entries(recipe.categories)) {
    const shebang = category.shebang ? new RegExp(category.shebang) : undefined;
    const candidates = walked.filter((file) => {
      if (!category.roots.includes(file.root as CodeRoot)) return false;
      const base = basename(file.label).toLowerCase();
      if (category.excludeSuffixes?.some((suffix) => base.endsWith(suffix))) return false;
      if (category.extensions.includes(extname(base))) return true;
      return shebang !== undefined && !base.includes('.') && file.size < 1 << 20;
    });
    const { text, files, taken } = takeFiles(candidates, recipes.capBytes, (raw, file) => {
      const base = basename(file.label).toLowerCase();
      if (!category.extensions.includes(extname(base)) && !(shebang && shebang.test(raw.slice(0, 200))))
        return undefined;
      if (averageLineBytes(raw) > recipe.maxAverageLineBytes) return undefined;
      return raw;
    });
    if (Buffer.byteLength(text, 'utf8') < recipes.minimumBytes) continue;
    built.push({
      meta: {
        name,
        kind: 'code',
        source: `${files} files from ${describeSources(taken, recipe.packages, nodeVersion)}`,
        license:
          'each file under its own package licence (MIT, Apache-2.0, BSD, ISC, ...); Node headers: MIT and bundled licences',
      },
      text,
    });
  }
  return built;
}
