// Lineage: a merge list that begins with a built-in's, as an ordered subsequence (less the merges
// its own pre-tokenizer rules out), is found for files and built-ins alike; the merge range a run
// uses skips the shared merges by default or on --skip-merges auto, and refuses auto without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { findLineage, sharedPrefix, mergeKeys, tokenizerLineage } from '../../src/tokenizer/lineage.js';
import { lineageLine, resolveMergeRange } from '../../src/merge-range.js';
import type { Merge } from '../../src/tokenizer/spec.js';

function sharedExactly(a: readonly Merge[], b: readonly Merge[]): number {
  let k = 0;
  while (k < a.length && k < b.length && a[k][0] === b[k][0] && a[k][1] === b[k][1]) k++;
  return k;
}

const list = (prefix: string, count: number): Merge[] =>
  Array.from({ length: count }, (_, k) => [`${prefix}${k}`, 'x'] as const);

test("llama3's first 100,000 merges are exactly gpt-3.5's whole list, and lineage finds it", async () => {
  const llama3 = await loadTokenizer('llama3');
  const cl100k = await loadTokenizer('gpt-3.5');
  assert.equal(sharedExactly(llama3.mergeList, cl100k.mergeList), 100_000);
  assert.equal(cl100k.mergeList.length, 100_000);
  assert.deepEqual(await tokenizerLineage(llama3), {
    base: 'gpt-3.5',
    sharedMerges: 100_000,
    omittedBaseMerges: 0,
  });
  // cl100k's list is all llama3's: it extends nothing. Nor do unrelated built-ins.
  assert.equal(await tokenizerLineage(cl100k), undefined);
  assert.equal(await tokenizerLineage(await loadTokenizer('gpt2')), undefined);
});

test("a file that is cl100k's list less its multi-digit merges, then its own, extends gpt-3.5", async () => {
  const cl100k = await loadTokenizer('gpt-3.5');
  const digits = (m: Merge) => /^\d+$/.test(m[0]) && /^\d+$/.test(m[1]);
  const kept = cl100k.mergeList.filter((m) => !digits(m));
  const omitted = cl100k.mergeList.length - kept.length;
  assert.ok(omitted > 100, `cl100k has ${omitted} digit merges`);
  const own: Merge[] = [
    ['Ġzzq', 'zzq'],
    ['zzq', 'q'],
  ];
  const file = {
    name: 'digits',
    source: '/tmp/x/tokenizer.json',
    alphabet: 'byte-level' as const,
    mergeList: [...kept, ...own],
  };
  assert.deepEqual(await tokenizerLineage(file), {
    base: 'gpt-3.5',
    sharedMerges: kept.length,
    omittedBaseMerges: omitted,
  });
});

test('the ordered walk: skips base merges the list lacks, stops at its first own merge, needs enough shared', () => {
  const base = list('b', 3000);
  const keys = (l: Merge[]) => mergeKeys(l);
  // Extends: base's first 2000 (less every tenth), then merges of its own, then more of base's.
  const mine = [
    ...base.slice(0, 2000).filter((_, k) => k % 10 !== 3),
    ...list('own', 50),
    ...base.slice(2000, 2100),
  ];
  assert.deepEqual(sharedPrefix(mine, keys(mine), base), { shared: 1800, omitted: 200 });
  assert.deepEqual(findLineage(mine, [{ name: 'b', mergeList: base }]), {
    base: 'b',
    sharedMerges: 1800,
    omittedBaseMerges: 200,
  });
  // Too few shared, too many omitted, or nothing of its own: no lineage.
  assert.equal(
    findLineage([...base.slice(0, 999), ...list('own', 5)], [{ name: 'b', mergeList: base }]),
    undefined,
  );
  const sparse = [...base.slice(0, 3000).filter((_, k) => k % 3 === 0), ...list('own', 5)];
  assert.equal(findLineage(sparse, [{ name: 'b', mergeList: base }]), undefined);
  assert.equal(findLineage(base.slice(0, 2500), [{ name: 'b', mergeList: base }]), undefined);
  // A reordering breaks the order at once.
  const swapped = [base[1], base[0], ...base.slice(2, 2500), ...list('own', 5)];
  assert.deepEqual(sharedPrefix(swapped, keys(swapped), base), { shared: 0, omitted: 0 });
  // The longest of several candidates wins.
  const longer = { name: 'c', mergeList: [...base.slice(0, 2000), ...list('c', 10)] };
  const both = [...base.slice(0, 2000), ...list('c', 10), ...list('own', 5)];
  assert.equal(findLineage(both, [{ name: 'b', mergeList: base }, longer])?.base, 'c');
});

test('merge range: auto skips the shared merges; a number overrides; auto without lineage is refused', () => {
  const mergeList = list('a', 5000);
  const file = { name: 'ext', mergeList };
  const lineage = { base: 'gpt-3.5', sharedMerges: 4000, omittedBaseMerges: 0 };
  assert.deepEqual(resolveMergeRange(file, { lineage, defaultMerges: 1000 }), {
    skip: 4000,
    merges: 1000,
    steps: 5000,
    lineage,
  });
  assert.deepEqual(resolveMergeRange(file, { lineage, skipMerges: 'auto', defaultMerges: 300 }), {
    skip: 4000,
    merges: 300,
    steps: 4300,
    lineage,
  });
  assert.deepEqual(resolveMergeRange(file, { lineage, skipMerges: 0, defaultMerges: 300 }), {
    skip: 0,
    merges: 300,
    steps: 300,
    lineage,
  });
  assert.deepEqual(resolveMergeRange(file, { defaultMerges: 300 }), { skip: 0, merges: 300, steps: 300 });
  assert.throws(
    () => resolveMergeRange(file, { lineage, merges: 1001 }),
    /--merges 1001: ext has 1000 merges after --skip-merges auto \(4000\); pass --merges 1000 or fewer/,
  );
  assert.throws(
    () => resolveMergeRange(file, { skipMerges: 'auto' }),
    /--skip-merges auto: ext's merge list does not begin with any built-in tokenizer's/,
  );
  assert.throws(
    () => resolveMergeRange(file, { skipMerges: 5000 }),
    /--skip-merges 5000: .* none would be left/,
  );
  assert.throws(
    () => resolveMergeRange(file, { skipMerges: -1 }),
    /--skip-merges -1: expected a whole number/,
  );
  assert.throws(
    () => resolveMergeRange(file, { merges: 5001, skipMerges: 0 }),
    /--merges 5001: ext has only 5000 merges/,
  );
});

test('a list identical to a base is reported as identical, attacked from the start, in one line', () => {
  const base = list('b', 3000);
  const same = base.map((m) => [m[0], m[1]] as Merge);
  const lineage = findLineage(same, [{ name: 'gpt-4o', mergeList: base }]);
  assert.deepEqual(lineage, { base: 'gpt-4o', sharedMerges: 3000, omittedBaseMerges: 0, identical: true });
  // A later built-in equal to this one (gpt-oss for gpt-4o) is not its origin.
  assert.equal(findLineage(same, [{ name: 'gpt-oss', mergeList: base, mayBeIdentical: false }]), undefined);
  // One merge more or less is not identity (one less is a prefix: no lineage, as before).
  assert.equal(findLineage(same.slice(0, 2999), [{ name: 'gpt-4o', mergeList: base }]), undefined);
  const range = resolveMergeRange({ name: 'copy', mergeList: same }, { lineage, defaultMerges: 1000 });
  assert.deepEqual(range, { skip: 0, merges: 1000, steps: 1000, lineage });
  assert.equal(
    lineageLine('copy', lineage!, range.skip),
    "copy: identical to gpt-4o's merges; the answer is gpt-4o's",
  );
});

test("a tokenizer file holding gpt2's merge list is identical to gpt2", async () => {
  const gpt2 = await loadTokenizer('gpt2');
  const file = { ...gpt2, name: 'copy', source: '/tmp/copy/tokenizer.json' };
  assert.deepEqual(await tokenizerLineage(file), {
    base: 'gpt2',
    sharedMerges: gpt2.mergeList.length,
    omittedBaseMerges: 0,
    identical: true,
  });
});
