// A tokenizer file's name for results and output folders: the folder that names the model, above
// generic ones (`models/`, Hugging Face's `snapshots/<hash>/`), else the file's own name.
import { basename, dirname, resolve } from 'node:path';

/** File names that say nothing about which tokenizer they hold. */
const GENERIC_FILES = new Set(['tokenizer.json', 'merges.txt']);
/** Folder names that say nothing about the model (layout folders of downloads and checkpoints). */
const GENERIC_FOLDERS = new Set([
  'models',
  'model',
  'snapshots',
  'snapshot',
  'tokenizer',
  'tokenizers',
  'original',
  'main',
  'files',
  'hf',
  'huggingface',
  'hub',
  'checkpoint',
  'checkpoints',
  'weights',
  'assets',
  'data',
  'resolve',
  'latest',
  'final',
]);
/** A commit or content hash (Hugging Face snapshots are named by their 40-hex commit). */
const HASH = /^[0-9a-f]{7,64}$/i;
/** Folders looked at above the file, at most (a name further up is not about this file). */
const MAX_LEVELS = 6;

/** Whether a folder name says nothing about the model. */
export function isGenericFolder(name: string): boolean {
  return GENERIC_FOLDERS.has(name.toLowerCase()) || HASH.test(name);
}

/**
 * The name of the tokenizer in a file: for a generic file name (tokenizer.json, merges.txt) the
 * nearest folder above it that is not generic (`models--org--name` gives `name`), else the file
 * name without its extension.
 */
export function tokenizerName(path: string): string {
  const base = basename(path);
  const stem = base.replace(/(\.tokenizer)?\.(json|txt|tiktoken)$/i, '') || base;
  if (!GENERIC_FILES.has(base.toLowerCase())) return stem;
  let dir = dirname(resolve(path));
  for (let level = 0; level < MAX_LEVELS; level++) {
    const name = basename(dir);
    if (name === '') break;
    const hub = /^models--.+--(.+)$/.exec(name);
    if (hub) return hub[1];
    if (!isGenericFolder(name)) return name;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return stem;
}
