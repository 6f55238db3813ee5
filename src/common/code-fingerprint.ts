// What produced a cache entry: the tool version plus a hash of the compiled modules that define
// its stage. Every cache key includes it, so a change to the code behind a stage (a fix in the
// regex translation, say) makes its old entries unreachable without anyone bumping a constant.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { toolVersion } from './version.js';

/** The folders of src/ whose code decides each stage's output; a stage not listed depends on all. */
const STAGE_MODULES: Record<string, readonly string[]> = {
  tokenizer: ['tokenizer', 'common'],
  lineage: ['tokenizer', 'common'],
  count: ['count', 'corpus', 'tokenizer', 'common'],
  replay: ['bpe', 'common'],
  blocks: ['count', 'corpus', 'tokenizer', 'common'],
  'tee-single': ['bpe', 'corpus', 'common'],
  'validate-trial': ['tokenizer', 'corpus', 'bpe', 'solve', 'experiment', 'common'],
  'trial-train': ['tokenizer', 'corpus', 'bpe', 'experiment', 'common'],
};

/** The compiled src/ folder this module was loaded from (dist/src). */
const SRC_ROOT = fileURLToPath(new URL('..', import.meta.url));

const fingerprints = new Map<string, string>();

function addFolder(hash: ReturnType<typeof createHash>, root: string, dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return; // a folder a stage lists but this build lacks adds nothing
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) addFolder(hash, root, path);
    else if (name.endsWith('.js')) {
      hash.update(`${relative(root, path)}\u0000`);
      hash.update(readFileSync(path));
    }
  }
}

/** A hash of `version` and every .js file (path and content) under `folders` of `root`. */
export function codeFingerprint(root: string, folders: readonly string[], version: string): string {
  const hash = createHash('sha256').update(`tokmix ${version}\u0000`);
  for (const folder of folders) addFolder(hash, root, join(root, folder));
  return hash.digest('hex').slice(0, 32);
}

/** The fingerprint of the code behind `stage`, computed once per process (a few ms). */
export function stageCodeFingerprint(stage: string): string {
  let fingerprint = fingerprints.get(stage);
  if (fingerprint === undefined) {
    fingerprint = codeFingerprint(SRC_ROOT, STAGE_MODULES[stage] ?? ['.'], toolVersion());
    fingerprints.set(stage, fingerprint);
  }
  return fingerprint;
}
