// What produced a cache entry: the tool version plus a hash of the compiled modules that define
// its stage. Every cache key includes it, so a change to the code behind a stage (a fix in the
// regex translation, say) makes its old entries unreachable without anyone bumping a constant.
// A stage's modules are the import closure of the module that builds its entries, read from the
// built files themselves, so the map cannot drift from the code as a hand-kept list of folders did.
// The installed versions of the packages those modules import (the solvers, the Parquet reader…)
// count too: a dependency upgraded under an unchanged tokmix cannot serve its predecessor's entries.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { toolVersion } from './version.js';

/**
 * The compiled module (relative to src/) that builds each stage's entries; the stage's code is its
 * import closure. A stage not listed depends on every module.
 */
export const STAGE_ENTRIES: Readonly<Record<string, string>> = {
  tokenizer: 'tokenizer/load.js',
  ranks: 'tokenizer/merges-from-ranks.js',
  lineage: 'tokenizer/lineage.js',
  count: 'count/count.js',
  blocks: 'count/count.js',
  replay: 'bpe/replay-categories.js',
  'tee-single': 'bpe/train.js',
  'validate-trial': 'experiment/validate.js',
  'trial-train': 'experiment/trial-train.js',
};

/** The compiled src/ folder this module was loaded from (dist/src). */
const SRC_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every relative `.js` reference in a compiled module: static and dynamic imports, re-exports, and
 * the `new URL('./x.js', import.meta.url)` of worker threads and the counting pipeline. A reference
 * in a comment only widens the closure (a spurious miss), never narrows it.
 */
const RELATIVE_MODULE = /(["'])(\.\.?\/[^"'\s]+?\.js)\1/g;

const fingerprints = new Map<string, string>();

/**
 * The modules `entry` reaches through relative references, itself included: paths relative to
 * `root`, sorted. References to files that do not exist or lie outside `root` are left out.
 */
export function moduleClosure(root: string, entry: string): string[] {
  const top = resolve(root);
  const seen = new Set<string>();
  const pending = [resolve(top, entry)];
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (seen.has(path) || !existsSync(path)) continue;
    seen.add(path);
    for (const match of readFileSync(path, 'utf8').matchAll(RELATIVE_MODULE)) {
      const target = resolve(dirname(path), match[2]);
      if (target.startsWith(top + sep)) pending.push(target);
    }
  }
  return [...seen].map((path) => relative(top, path).split(sep).join('/')).sort();
}

/** Every .js file under `root`, relative to it, sorted. */
function allModules(root: string, dir = root): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...allModules(root, path));
    else if (name.endsWith('.js')) found.push(relative(root, path).split(sep).join('/'));
  }
  return found.sort();
}

/** A package imported by name (from highs, or a dynamic import of a scoped package's subpath). */
const PACKAGE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])((?:@[\w.-]+\/)?\w[\w.-]*)(?:\/[^"']*)?\1/g;

/** Node's own modules, imported without the `node:` prefix by some packages' conventions. */
const NODE_BUILTINS = new Set(builtinModules);

/** `name@version` of a package as installed for modules under `root` (`name@?` when not found). */
function installedPackage(root: string, name: string): string {
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
        version?: string;
      };
      return `${name}@${manifest.version ?? '?'}`;
    } catch {
      if (dirname(dir) === dir) return `${name}@?`;
    }
  }
}

/** The packages the given modules import by name, with their installed versions, sorted. */
export function importedPackages(root: string, modules: readonly string[]): string[] {
  return packagesImportedBy(
    root,
    modules.map((module) => readFileSync(join(root, module), 'utf8')),
  );
}

/** The packages the given module texts import by name, with their installed versions, sorted. */
function packagesImportedBy(root: string, texts: readonly string[]): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(PACKAGE_IMPORT)) {
      if (!match[2].startsWith('node:') && !NODE_BUILTINS.has(match[2])) names.add(match[2]);
    }
  }
  return [...names].sort().map((name) => installedPackage(root, name));
}

/**
 * A hash of `version`, the given modules of `root` (paths and contents) and the installed versions
 * of the packages they import. Each module is read once, for both.
 */
export function codeFingerprint(root: string, modules: readonly string[], version: string): string {
  const hash = createHash('sha256').update(`tokmix ${version}\u0000`);
  const texts: string[] = [];
  for (const module of modules) {
    const bytes = readFileSync(join(root, module));
    hash.update(`${module}\u0000`);
    hash.update(bytes);
    texts.push(bytes.toString('utf8'));
  }
  for (const pkg of packagesImportedBy(root, texts)) hash.update(`${pkg}\u0000`);
  return hash.digest('hex').slice(0, 32);
}

/** The modules whose code decides `stage`'s output in the compiled tree at `root`. */
export function stageModules(root: string, stage: string): string[] {
  const entry = STAGE_ENTRIES[stage];
  if (entry === undefined) return allModules(root);
  if (!existsSync(join(root, entry)))
    throw new Error(`stage ${stage}: its entry module ${entry} is not in ${root}`);
  return moduleClosure(root, entry);
}

/** The fingerprint of the code behind `stage`, computed once per process (a few ms). */
export function stageCodeFingerprint(stage: string): string {
  let fingerprint = fingerprints.get(stage);
  if (fingerprint === undefined) {
    fingerprint = codeFingerprint(SRC_ROOT, stageModules(SRC_ROOT, stage), toolVersion());
    fingerprints.set(stage, fingerprint);
  }
  return fingerprint;
}
