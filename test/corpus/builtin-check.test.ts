// Self-checking built-in texts: a truncated, emptied or edited text in the cache folder is rebuilt
// from its npm package (with a note that reaches the counts), never used as it is.
// @tag slow: builds the built-in corpora (left out by npm run test:unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { materializeSet } from '../../src/corpus/builtin/sets.js';
import { countCategories } from '../../src/count/count.js';
import { NATIVE_PIPELINE_MODULE } from '../oracles/native-pipeline.js';
import { tempDir } from './helpers.js';
import { seedFetchedCategoryData } from '../helpers/fetched-data.js';

test('a damaged built-in text is rebuilt with a note; an untouched or merely touched one is not', async (t) => {
  const cacheDir = tempDir('builtin-check');
  seedFetchedCategoryData(cacheDir);
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const first = await materializeSet('domains', { cacheDir });
  const books = first.find((c) => c.name === 'books')!;
  const path = books.files[0];
  const original = readFileSync(path);
  const index = JSON.parse(readFileSync(join(path, '..', 'index.json'), 'utf8')) as {
    categories: { name: string; bytes: number; sha256: string }[];
  };
  const entry = index.categories.find((c) => c.name === 'books')!;
  assert.equal(entry.bytes, original.length);
  assert.match(entry.sha256, /^[0-9a-f]{64}$/);
  assert.ok(first.every((c) => c.notes === undefined));

  const rebuiltNote = async (damage: () => void, why: RegExp): Promise<void> => {
    damage();
    const again = await materializeSet('domains', { cacheDir });
    const category = again.find((c) => c.name === 'books')!;
    assert.deepEqual(readFileSync(path), original, 'the text is rebuilt whole');
    assert.equal(category.notes?.length, 1);
    assert.match(category.notes![0], /^built-in category "books": .*books\.txt was damaged \(/);
    assert.match(category.notes![0], why);
    assert.ok(again.filter((c) => c.name !== 'books').every((c) => c.notes === undefined));
  };
  await rebuiltNote(() => truncateSync(path, 1000), /\(1000 bytes instead of \d+\); rebuilt from @stdlib/);
  await rebuiltNote(() => truncateSync(path, 0), /\(0 bytes instead of/);
  // Same size, other content: caught by the checksum because the mtime moved.
  await rebuiltNote(() => {
    const edited = Buffer.from(original);
    edited.fill(0x41, 0, 64);
    writeFileSync(path, edited);
  }, /\(content changed\)/);
  await rebuiltNote(() => rmSync(path), /\(missing\)/);

  // Touched but intact: hashed once, found equal, kept.
  const later = new Date(Date.now() + 60_000);
  utimesSync(path, later, later);
  const kept = await materializeSet('domains', { cacheDir });
  assert.ok(kept.every((c) => c.notes === undefined));
  assert.ok(Math.abs(statSync(path).mtimeMs - later.getTime()) < 1, 'the text is not rewritten');

  // An emptied text never reaches counting as an empty category: counts see the rebuilt text, and the note.
  truncateSync(path, 0);
  const categories = (await materializeSet('domains', { cacheDir })).filter((c) => c.name === 'books');
  const [counts] = await countCategories(
    categories,
    { alphabet: 'characters', normalizer: null, preTokenizer: { type: 'WhitespaceSplit' } },
    { jobs: 1, pipelineModule: NATIVE_PIPELINE_MODULE, bytes: 100_000 },
  );
  assert.equal(counts.stats.bytes, 100_000);
  assert.match(counts.notes?.[0] ?? '', /^built-in category "books": .* was damaged \(0 bytes instead of/);
});
