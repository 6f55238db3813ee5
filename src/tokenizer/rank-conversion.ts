// tokenizer.json / merges.txt files converted from tiktoken ranks (Hugging Face's TikTokenConverter):
// every split of a token into two vocabulary tokens is listed, grouped by the token's rank, so parts
// appear before any merge produces them. The ranks are the vocabulary ids; merges derive from them.
import { UserError } from '../common/errors.js';
import type { Merge } from './spec.js';
import { isByteLevelString } from './byte-level.js';
import { mergesFromRanks } from './merges-from-ranks.js';

/**
 * Why a byte-level merge list with a vocabulary of `tokens` cannot be read as written, or undefined
 * when it can: the first merge using a part no earlier merge produced, or more merges than tokens.
 */
export function mergeOrderProblem(mergeList: readonly Merge[], tokens: number): string | undefined {
  const produced = new Set<string>();
  for (let t = 0; t < mergeList.length; t++) {
    const [left, right] = mergeList[t];
    for (const part of [left, right]) {
      if (part.length > 1 && !produced.has(part)) {
        return `merge ${t + 1} (${JSON.stringify(left)} ${JSON.stringify(right)}) uses ${JSON.stringify(part)} before any earlier merge produces it`;
      }
    }
    produced.add(left + right);
  }
  return mergeList.length > tokens ? `it lists ${mergeList.length} merges for ${tokens} tokens` : undefined;
}

export interface RankConversion {
  mergeList: Merge[];
  notes: string[];
}

/**
 * Reads a byte-level merge list that `mergeOrderProblem` rejects as a conversion of tiktoken ranks:
 * the vocabulary ids (less the added tokens) must be ranks — merges are grouped by the id of the
 * token they produce, in increasing order (parts may have higher ids) — and the merges derived from those
 * ranks (as for a .tiktoken file) must all be listed in the file. UserError naming the file otherwise.
 */
export function mergesFromRankConversion(
  mergeList: readonly Merge[],
  vocab: Record<string, unknown>,
  added: ReadonlySet<string>,
  path: string,
  problem: string,
): RankConversion {
  const fail = (why: string): never => {
    throw new UserError(
      `${path}: ${problem}, and it is no conversion of tiktoken ranks either (${why}); the merge list is corrupt`,
      path,
    );
  };
  const idOf = new Map<string, number>();
  const byId: Array<[number, string]> = [];
  for (const [token, id] of Object.entries(vocab)) {
    if (added.has(token)) continue;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
      fail(`vocabulary id of ${JSON.stringify(token)} is not a non-negative integer`);
    if (!isByteLevelString(token)) fail(`vocabulary token ${JSON.stringify(token)} is not byte-level`);
    idOf.set(token, id as number);
    byId.push([id as number, token]);
  }
  byId.sort((a, b) => a[0] - b[0]);
  for (let k = 1; k < byId.length; k++) {
    if (byId[k][0] === byId[k - 1][0]) fail(`vocabulary id ${byId[k][0]} is given twice`);
  }
  let previous = -1;
  for (let t = 0; t < mergeList.length; t++) {
    const [left, right] = mergeList[t];
    const id = idOf.get(left + right) ?? -1;
    if (id < previous) {
      fail(`merge ${t + 1} produces id ${id} after merge ${t} produced id ${previous}: ids are not ranks`);
    }
    previous = id;
  }
  const derived = mergesFromRanks(
    byId.map(([, token]) => token),
    path,
  );
  const listed = new Set(mergeList.map(([l, r]) => `${l} ${r}`));
  for (const [l, r] of derived.mergeList) {
    if (!listed.has(`${l} ${r}`)) {
      fail(
        `the ranks make ${JSON.stringify(l + r)} of ${JSON.stringify(l)} + ${JSON.stringify(r)}, a merge the file does not list`,
      );
    }
  }
  const notes = [
    `conversion of tiktoken ranks (${mergeList.length} merges for ${byId.length} tokens, every split listed): merges derived from the vocabulary ids as ranks, as for a .tiktoken file`,
  ];
  if (derived.unreachable.length > 0) {
    notes.push(
      `${derived.unreachable.length} tokens are not reachable by lower-rank merges and give no merge`,
    );
  }
  return { mergeList: derived.mergeList, notes };
}
