// Checks a merge list names only symbols that can exist: byte-level symbols made of GPT-2 stand-ins,
// and every part either a base symbol or the result of an earlier merge.
import { UserError } from '../../common/errors.js';
import type { Alphabet, Merge } from '../spec.js';
import { isByteLevelString } from '../byte-level.js';

function isSingleCodePoint(s: string): boolean {
  return s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff);
}

/**
 * Throws a UserError naming `path` and the first impossible merge: a part longer than one symbol
 * must be produced by an earlier merge (`requireOrder`) or at least by some merge of the list
 * (SentencePiece conversions list merges by the rank of their result, not of their parts).
 */
export function checkMergeList(
  mergeList: readonly Merge[],
  alphabet: Alphabet,
  path: string,
  requireOrder: boolean,
): void {
  const produced = new Set<string>();
  const anywhere = requireOrder ? null : new Set(mergeList.map(([l, r]) => l + r));
  for (let t = 0; t < mergeList.length; t++) {
    const [left, right] = mergeList[t];
    const describe = `merge ${t + 1} (${JSON.stringify(left)} ${JSON.stringify(right)})`;
    if (left === '' || right === '') throw new UserError(`${path}: ${describe} has an empty part`, path);
    if (alphabet === 'byte-level') {
      for (const part of [left, right]) {
        if (!isByteLevelString(part)) {
          throw new UserError(
            `${path}: ${describe} names ${JSON.stringify(part)}, which is not made of GPT-2 byte symbols; a byte-level merge list must be`,
            path,
          );
        }
      }
    }
    for (const part of [left, right]) {
      const base = alphabet === 'byte-level' ? part.length === 1 : isSingleCodePoint(part);
      if (!base && anywhere !== null && !anywhere.has(part)) {
        throw new UserError(
          `${path}: ${describe} uses ${JSON.stringify(part)}, which no merge produces; the merge list is corrupt`,
          path,
        );
      }
      if (requireOrder) {
        if (!base && !produced.has(part)) {
          throw new UserError(
            `${path}: ${describe} uses ${JSON.stringify(part)} before any earlier merge produces it; the merge list is out of order or corrupt`,
            path,
          );
        }
      }
    }
    produced.add(left + right);
  }
}

/**
 * As Hugging Face's BPE builder: both parts and the result of every merge must be tokens of the
 * vocabulary (keys compared as the file spells them); UserError naming the first merge that is not.
 */
export function checkMergesInVocab(
  mergeList: readonly Merge[],
  vocab: Record<string, unknown>,
  path: string,
): void {
  const has = (token: string): boolean => Object.prototype.hasOwnProperty.call(vocab, token);
  for (let t = 0; t < mergeList.length; t++) {
    const [left, right] = mergeList[t];
    const tokens: Array<[string, string]> = [
      ['uses', left],
      ['uses', right],
      ['produces', left + right],
    ];
    for (const [verb, token] of tokens) {
      if (!has(token)) {
        throw new UserError(
          `${path}: merge ${t + 1} (${JSON.stringify(left)} ${JSON.stringify(right)}) ${verb} ${JSON.stringify(token)}, which is not in the vocabulary; the file is corrupt (Hugging Face refuses it too)`,
          path,
        );
      }
    }
  }
}
