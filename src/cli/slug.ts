// A file-name-safe form of a tokenizer name, set or category reference, for default output folders.
import { basename, extname } from 'node:path';

export function slug(ref: string): string {
  const base = basename(ref, extname(ref)) || ref;
  return base.replace(/[^A-Za-z0-9._-]+/g, '_');
}
