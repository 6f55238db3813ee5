// Counting: pre-token counts equal the native `tokenizers` pre-tokenizer's over the same files for
// gpt2, gpt-4o and claude; worker count does not matter; the cache is hit, and a truncated entry
// is rebuilt rather than trusted.
// @tag slow: counts real tokenizers over files (left out by npm run test:unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countCategories } from '../../src/count/count.js';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { readSequences } from '../../src/corpus/read.js';
import { Cache } from '../../src/common/cache.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import type { TokenizerSpec } from '../../src/tokenizer/spec.js';
import { asMap, nativeCounts, tempDir, writeFixture } from '../corpus/helpers.js';

// Loading derives whole merge lists (seconds for gpt-4o); the tests need each tokenizer once.
const loaded = new Map<string, Promise<TokenizerSpec>>();
function tokenizerNamed(name: string): Promise<TokenizerSpec> {
  if (!loaded.has(name)) loaded.set(name, loadTokenizer(name));
  return loaded.get(name)!;
}

for (const name of ['gpt2', 'gpt-4o', 'claude']) {
  test(`${name}: counts equal the native pre-tokenizer's over txt, jsonl, csv and gz files`, async () => {
    const fixture = writeFixture();
    const tokenizer = await tokenizerNamed(name);
    const categories = await resolveCategories(fixture.dir);
    const counts = await countCategories(categories, tokenizer, { jobs: 2 });
    for (const [i, category] of categories.entries()) {
      const expected = nativeCounts(tokenizer, fixture.sequences[category.name]);
      assert.deepEqual(asMap(counts[i].words, counts[i].counts), expected, category.name);
      assert.equal(counts[i].stats.distinctPreTokens, expected.size);
      assert.equal(
        counts[i].stats.preTokens,
        [...expected.values()].reduce((a, b) => a + b, 0),
      );
      assert.equal(counts[i].stats.sequences, fixture.sequences[category.name].length);
      const bytes = fixture.sequences[category.name].reduce((s, x) => s + Buffer.byteLength(x), 0);
      assert.equal(counts[i].stats.bytes, bytes);
    }
  });
}

test('capped counts equal counts of the sequences readSequences yields, for any worker count', async () => {
  const dir = tempDir('capcount');
  const lines = Array.from(
    { length: 20000 },
    (_, i) => `line ${i % 313} says ${'é'.repeat(i % 5)} ok ${i % 7}\n`,
  );
  writeFileSync(join(dir, 'one.txt'), lines.join(''));
  const categories = [{ name: 'one', kind: 'other' as const, files: [join(dir, 'one.txt')] }];
  const tokenizer = await tokenizerNamed('gpt2');
  const one = await countCategories(categories, tokenizer, { jobs: 1, bytes: 100_000, seed: 5 });
  const two = await countCategories(categories, tokenizer, { jobs: 2, bytes: 100_000, seed: 5 });
  assert.deepEqual(two[0].words, one[0].words);
  assert.deepEqual(two[0].counts, one[0].counts);
  assert.deepEqual(two[0].stats, one[0].stats);
  const sample: string[] = [];
  for await (const s of readSequences(categories[0], { bytes: 100_000, seed: 5 })) sample.push(s);
  assert.deepEqual(asMap(one[0].words, one[0].counts), nativeCounts(tokenizer, sample));
  assert.ok(one[0].stats.bytes <= 100_000 && one[0].stats.bytes > 99_990);
});

test('a second run hits the cache; a truncated entry is detected and rebuilt', async () => {
  const fixture = writeFixture();
  const cache = new Cache(tempDir('cache'));
  const tokenizer = await tokenizerNamed('gpt2');
  const categories = await resolveCategories(fixture.dir);
  const first = await countCategories(categories, tokenizer, { jobs: 1, cache });
  assert.deepEqual(cache.stats, { hits: 0, misses: 3, rebuilt: 0 });
  const second = await countCategories(categories, tokenizer, { jobs: 1, cache });
  assert.deepEqual(cache.stats, { hits: 3, misses: 3, rebuilt: 0 });
  assert.deepEqual(second, first);
  // Another tokenizer's pre-tokenizer, or another cap, is another entry.
  await countCategories(categories, await tokenizerNamed('gpt-4o'), { jobs: 1, cache });
  await countCategories(categories, tokenizer, { jobs: 1, cache, bytes: 100 });
  assert.equal(cache.stats.misses, 9);
  // Truncate every entry by hand: all are rebuilt, with the same counts.
  const stageDir = join(cache.dir, 'count');
  for (const name of readdirSync(stageDir)) {
    const path = join(stageDir, name);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 5));
  }
  const third = await countCategories(categories, tokenizer, { jobs: 1, cache });
  assert.equal(cache.stats.rebuilt, 3);
  assert.deepEqual(third, first);
  // Touching a file's content changes its identity (size/mtime): recounted.
  writeFileSync(categories[0].files[0], 'changed\n');
  const fourth = await countCategories(categories, tokenizer, { jobs: 1, cache });
  assert.notDeepEqual(fourth[0].words, first[0].words);
  assert.deepEqual(fourth[1], first[1]);
});
