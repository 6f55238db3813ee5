// Inherited merges: a built-in that declares its merge list begins with another's (llama3 after
// gpt-3.5's cl100k) shares exactly that many merges with it, and the merge range a run uses
// (skipped, then attacked) names them but skips none unless told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer } from '../src/tokenizer/load.js';
import { BUILTIN_TOKENIZERS } from '../src/tokenizer/builtins.js';
import { inheritedMerges, resolveMergeRange } from '../src/merge-range.js';
import type { Merge } from '../src/tokenizer/spec.js';

function sharedPrefix(a: readonly Merge[], b: readonly Merge[]): number {
  let k = 0;
  while (k < a.length && k < b.length && a[k]![0] === b[k]![0] && a[k]![1] === b[k]![1]) k++;
  return k;
}

test("llama3's declared inherited prefix is exactly the merges it shares with gpt-3.5", async () => {
  const declaring = BUILTIN_TOKENIZERS.filter((b) => b.inheritsMerges);
  assert.deepEqual(
    declaring.map((b) => [b.name, b.inheritsMerges]),
    [['llama3', { from: 'gpt-3.5', count: 100_000 }]],
  );
  for (const builtin of declaring) {
    const { from, count } = builtin.inheritsMerges!;
    const spec = await loadTokenizer(builtin.name);
    const parent = await loadTokenizer(from);
    assert.equal(sharedPrefix(spec.mergeList, parent.mergeList), count);
    // The whole of cl100k's list: llama3's own merges start right after it.
    assert.equal(parent.mergeList.length, count);
    assert.ok(spec.mergeList.length > count);
    assert.deepEqual(inheritedMerges(spec), { from, count });
  }
});

test('merge range: inherited prefix named but not skipped by default, explicit values checked', () => {
  const list: Merge[] = Array.from({ length: 50 }, (_, k) => [`a${k}`, 'b']);
  const llama = { name: 'llama3', source: 'npm:llama3-tokenizer-js@1.2.0', mergeList: list };
  const file = { name: 'llama3', source: '/tmp/llama3/tokenizer.json', mergeList: list };
  // A file named like a built-in is not the built-in: nothing is skipped.
  assert.deepEqual(resolveMergeRange(file, { defaultMerges: 10 }), { skip: 0, merges: 10 });
  assert.deepEqual(resolveMergeRange(file, { skipMerges: 45, defaultMerges: 10 }), { skip: 45, merges: 5 });
  assert.deepEqual(resolveMergeRange(file, { skipMerges: 40, merges: 10 }), { skip: 40, merges: 10 });
  assert.deepEqual(resolveMergeRange(file, {}), { skip: 0, merges: 50 });
  assert.throws(
    () => resolveMergeRange(file, { skipMerges: 41, merges: 10 }),
    /--merges 10: llama3 has 9 merges after --skip-merges 41/,
  );
  assert.throws(() => resolveMergeRange(file, { skipMerges: 50 }), /--skip-merges 50: .* none would be left/);
  assert.throws(
    () => resolveMergeRange(file, { skipMerges: -1 }),
    /--skip-merges -1: expected a whole number/,
  );
  assert.throws(
    () => resolveMergeRange(file, { skipMerges: 2.5 }),
    /--skip-merges 2.5: expected a whole number/,
  );
  assert.throws(() => resolveMergeRange(file, { merges: 51 }), /--merges 51: llama3 has only 50 merges/);
  // The built-in declares its inherited prefix: named, not skipped; asked for, it is checked.
  assert.deepEqual(resolveMergeRange(llama, {}), {
    skip: 0,
    merges: 50,
    inherited: { from: 'gpt-3.5', count: 100_000 },
  });
  assert.throws(
    () => resolveMergeRange(llama, { skipMerges: 100_000 }),
    /--skip-merges 100000: llama3 has 50 merges/,
  );
  assert.deepEqual(resolveMergeRange(llama, { skipMerges: 0, defaultMerges: 10 }), { skip: 0, merges: 10 });
});

test('merge range of the real llama3: the default 1,000 from step 0, 27,049 left after the inherited prefix', async () => {
  const spec = await loadTokenizer('llama3');
  const range = resolveMergeRange(spec, { defaultMerges: 1000 });
  assert.deepEqual(range, { skip: 0, merges: 1000, inherited: { from: 'gpt-3.5', count: 100_000 } });
  assert.deepEqual(resolveMergeRange(spec, { skipMerges: 100_000, defaultMerges: 1000 }), {
    skip: 100_000,
    merges: 1000,
  });
  assert.throws(
    () => resolveMergeRange(spec, { skipMerges: 100_000, merges: 30_000 }),
    /--merges 30000: llama3 has 27049 merges after --skip-merges 100000; pass --merges 27049 or fewer/,
  );
  assert.deepEqual(resolveMergeRange(spec, { skipMerges: 0, merges: 30_000 }), { skip: 0, merges: 30_000 });
});
