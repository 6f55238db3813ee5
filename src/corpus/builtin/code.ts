// The `code` set: programming and markup languages from the sources npm installs for tokmix,
// the npm bundled with Node and Node's C/C++ headers. Deterministic: files are deduplicated by
// content and taken in an order fixed by the hash of their path, until the byte cap.
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { BuiltCategory } from './languages.js';
import { type CodeRoot, type SetRecipes, bundledNpmDir, nodeIncludeDir, nodeModulesDir } from './locate.js';

export interface WalkedFile {
  /** Root label + path inside it, e.g. `node_modules/typescript/lib/lib.d.ts`. */
  label: string;
  path: string;
  size: number;
  /** Which root it was found under. */
  root?: CodeRoot;
}

export function rootDirs(): Record<CodeRoot, string | undefined> {
  return { node_modules: nodeModulesDir(), npm: bundledNpmDir(), 'node-include': nodeIncludeDir() };
}

/** Every regular file under the roots (symbolic links and hidden folders skipped), sorted by label. */
export function walkRoots(roots: CodeRoot[], excludePackages: string[]): WalkedFile[] {
  const dirs = rootDirs();
  const found: WalkedFile[] = [];
  for (const root of roots) {
    const top = dirs[root];
    if (!top) continue;
    const excluded = new Set(root === 'node_modules' ? excludePackages.map((p) => join(top, p)) : []);
    const walk = (dir: string, label: string): void => {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        return;
      }
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const path = join(dir, name);
        if (excluded.has(path)) continue;
        const stat = lstatSync(path);
        if (stat.isDirectory()) walk(path, `${label}/${name}`);
        else if (stat.isFile()) found.push({ label: `${label}/${name}`, path, size: stat.size, root });
      }
    };
    walk(top, root);
  }
  return found.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
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
): { text: string; files: number } {
  const ordered = files
    .filter((file) => file.size > 0 && file.size <= cap)
    .map((file) => ({ file, order: pathOrder(file) }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  const seen = new Set<string>();
  const parts: string[] = [];
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
    total += bytes;
  }
  return { text: parts.join(''), files: parts.length };
}

function averageLineBytes(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return Buffer.byteLength(text, 'utf8') / lines;
}

export function buildCode(recipes: SetRecipes, nodeVersion: string): BuiltCategory[] {
  const recipe = recipes.code;
  const allRoots = [...new Set(Object.values(recipe.categories).flatMap((c) => c.roots))];
  const walked = walkRoots(allRoots, recipe.excludePackages);
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
    const { text, files } = takeFiles(candidates, recipes.capBytes, (raw, file) => {
      const base = basename(file.label).toLowerCase();
      if (!category.extensions.includes(extname(base)) && !(shebang && shebang.test(raw.slice(0, 200))))
        return undefined;
      if (averageLineBytes(raw) > recipe.maxAverageLineBytes) return undefined;
      return raw;
    });
    if (Buffer.byteLength(text, 'utf8') < recipes.minimumBytes) continue;
    const roots = category.roots.filter((root) => rootDirs()[root] !== undefined);
    built.push({
      meta: {
        name,
        kind: 'code',
        source: `${files} files from ${roots
          .map((root) =>
            root === 'node_modules'
              ? 'installed npm packages (package-lock.json)'
              : `node@${nodeVersion} ${root}`,
          )
          .join(', ')}`,
        license:
          'each file under its own package licence (MIT, Apache-2.0, BSD, ISC, ...); Node headers: MIT and bundled licences',
      },
      text,
    });
  }
  return built;
}
