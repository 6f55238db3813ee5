// Reading a tokenizer file as text: fs errors, oversized files and binary content become one-line
// UserErrors naming the file, so every format parser starts from valid UTF-8 text of bounded size.
import { readFileSync, statSync } from 'node:fs';
import { UserError, describeFsError } from '../../common/errors.js';
import { checkFileSize, checkJsonContainerSizes } from '../limits.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The UTF-8 text of a file; UserError when missing, a directory, too large, binary or not UTF-8. */
export function readTextFile(path: string, expected: string): string {
  let bytes: Buffer;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    // A FIFO, socket or device would block or never end: only regular files are read.
    if (!stats.isFile()) throw new UserError(`${path}: not a regular file; give a tokenizer file`, path);
    checkFileSize(path);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw describeFsError(error, path);
  }
  if (bytes.includes(0)) throw new UserError(`${path}: a binary file, not ${expected}`, path);
  try {
    const text = decoder.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new UserError(`${path}: not valid UTF-8 text, not ${expected}`, path);
  }
}

/** Parses JSON text; UserError naming the file and the parse problem. */
export function parseJsonText(text: string, path: string, expected: string): unknown {
  checkJsonContainerSizes(text, path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError(`${path}: not JSON (${(error as Error).message}); expected ${expected}`, path);
  }
}
