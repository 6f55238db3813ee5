// merges.txt (`#version: 0.2` header, one `left right` merge per line), optionally with the
// vocab.json beside it; the file carries no pre-tokenizer, so a preset supplies it.
import { UserError } from '../../common/errors.js';
import type { Merge } from '../spec.js';
import { isByteLevelString } from '../byte-level.js';
import { MAX_MERGES, checkMergeCount } from '../limits.js';

/** The merges of a merges.txt text, in order. */
export function parseMergesTxt(text: string, path: string): Merge[] {
  const lines = text.split('\n');
  const merges: Merge[] = [];
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (k === 0 && line.startsWith('#version')) continue;
    if (line === '') continue;
    const space = line.indexOf(' ');
    if (space <= 0 || space === line.length - 1 || line.indexOf(' ', space + 1) >= 0) {
      throw new UserError(
        `${path}:${k + 1}: expected "left right" (two symbols and one space), got ${JSON.stringify(line.slice(0, 60))}`,
        path,
      );
    }
    merges.push([line.slice(0, space), line.slice(space + 1)]);
    if (merges.length > MAX_MERGES) checkMergeCount(merges.length, path);
  }
  checkMergeCount(merges.length, path);
  if (merges.length === 0) throw new UserError(`${path}: no merges found; expected a merges.txt`, path);
  return merges;
}

/** byte-level when every merge part is made of GPT-2 stand-ins, else characters. */
export function guessAlphabet(merges: readonly Merge[]): 'byte-level' | 'characters' {
  for (const [l, r] of merges) if (!isByteLevelString(l) || !isByteLevelString(r)) return 'characters';
  return 'byte-level';
}

/** The merges.txt text of a merge list; UserError when a symbol holds a space or line break. */
export function toMergesTxtText(mergeList: readonly Merge[], name: string): string {
  let out = '#version: 0.2\n';
  for (let t = 0; t < mergeList.length; t++) {
    const [l, r] = mergeList[t];
    if (/[ \r\n]/.test(l) || /[ \r\n]/.test(r)) {
      throw new UserError(
        `${name}: merge ${t + 1} (${JSON.stringify(l)} ${JSON.stringify(r)}) holds a space or line break, which merges.txt cannot represent; export --format tokenizer.json instead`,
      );
    }
    out += `${l} ${r}\n`;
  }
  return out;
}
