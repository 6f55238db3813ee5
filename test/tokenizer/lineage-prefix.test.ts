// Lineage's quick screen: a rank-derived built-in's first merges come from its first ranks alone,
// and a base whose first merges already break the walk is skipped without deriving its whole list;
// the answer is the one the full comparison gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { builtinMergePrefix, findBuiltin } from '../../src/tokenizer/builtins.js';
import {
  findLineage,
  mergeKeys,
  MIN_SHARED,
  PREFIX_RANKS,
  ruledOutByPrefix,
} from '../../src/tokenizer/lineage.js';
import type { Merge } from '../../src/tokenizer/spec.js';

const list = (prefix: string, count: number): Merge[] =>
  Array.from({ length: count }, (_, k) => [`${prefix}${k}`, 'x'] as const);

test("a rank-derived built-in's first ranks give exactly the first merges of its whole list", async () => {
  for (const name of ['gpt2', 'claude', 'llama3']) {
    const full = (await loadTokenizer(name)).mergeList;
    const prefix = await builtinMergePrefix(findBuiltin(name)!, PREFIX_RANKS);
    assert.ok(prefix !== undefined && prefix.length > PREFIX_RANKS - 300, `${name}: ${prefix?.length}`);
    assert.deepEqual(prefix, full.slice(0, prefix.length), name);
  }
  // gpt-oss's merges are gpt-4o's; given merge lists (SentencePiece ones) have no rank prefix.
  const gpt4o = (await loadTokenizer('gpt-4o')).mergeList;
  const oss = await builtinMergePrefix(findBuiltin('gpt-oss')!, 500);
  assert.deepEqual(oss, gpt4o.slice(0, oss!.length));
  assert.equal(await builtinMergePrefix(findBuiltin('llama')!, 500), undefined);
});

test('a base is ruled out only when its first merges break the walk before MIN_SHARED shared', () => {
  const base = list('b', 3 * MIN_SHARED);
  const prefix = base.slice(0, 2 * MIN_SHARED);
  const own = list('own', 10);
  const check = (mine: Merge[]): boolean => ruledOutByPrefix(mine, mergeKeys(mine), prefix);
  // Breaks at once (its first merge is a base merge out of order): ruled out, as the full walk says.
  const swapped = [base[1], base[0], ...base.slice(2)];
  assert.equal(check(swapped), true);
  assert.equal(findLineage(swapped, [{ name: 'b', mergeList: base }]), undefined);
  // Shares the whole prefix: the prefix cannot tell, the full list decides (here: lineage).
  const extension = [...base, ...own];
  assert.equal(check(extension), false);
  assert.equal(findLineage(extension, [{ name: 'b', mergeList: base }])?.sharedMerges, base.length);
  // Breaks inside the prefix after MIN_SHARED shared merges: not ruled out (it may be lineage).
  const early = [...base.slice(0, MIN_SHARED + 5), ...own, ...base.slice(MIN_SHARED + 5)];
  assert.equal(check(early), false);
  assert.equal(findLineage(early, [{ name: 'b', mergeList: base }])?.sharedMerges, MIN_SHARED + 5);
  // Unrelated merges only: the walk never breaks (base merges it lacks are skipped), so no verdict.
  assert.equal(check(own), false);
});

test("gpt-4o's list rules out the unrelated built-ins by their first merges; llama3 keeps gpt-3.5", async () => {
  const gpt4o = (await loadTokenizer('gpt-4o')).mergeList;
  const keys = mergeKeys(gpt4o);
  for (const name of ['gpt2', 'gpt-3.5', 'claude', 'llama3']) {
    const prefix = (await builtinMergePrefix(findBuiltin(name)!, PREFIX_RANKS))!;
    assert.equal(ruledOutByPrefix(gpt4o, keys, prefix), true, name);
  }
  const llama3 = (await loadTokenizer('llama3')).mergeList;
  const cl100k = (await builtinMergePrefix(findBuiltin('gpt-3.5')!, PREFIX_RANKS))!;
  assert.equal(ruledOutByPrefix(llama3, mergeKeys(llama3), cl100k), false);
});
