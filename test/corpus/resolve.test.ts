// Resolving --categories: folders, manifests with globs and metadata, and every bad input a user
// can give ending in a UserError that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { UserError } from '../../src/common/errors.js';
import { tempDir, writeFixture } from './helpers.js';

test('a manifest lists categories by files, folders and globs, with metadata', async () => {
  const fixture = writeFixture();
  const manifest = join(fixture.dir, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      categories: [
        { name: 'texts', kind: 'domain', language: 'en', files: ['plain/**/*.txt*'] },
        { name: 'rows', files: ['table/t.csv', 'records'] },
      ],
    }),
  );
  const categories = await resolveCategories(manifest);
  assert.equal(categories.length, 2);
  assert.equal(categories[0].kind, 'domain');
  assert.equal(categories[0].language, 'en');
  assert.deepEqual(
    categories[0].files.map((f) => f.slice(fixture.dir.length + 1)),
    ['plain/a.txt', 'plain/nested/b.txt.gz'],
  );
  assert.deepEqual(
    categories[1].files.map((f) => f.slice(fixture.dir.length + 1)),
    ['records/r.jsonl', 'records/s.jsonl.gz', 'table/t.csv'],
  );
});

async function rejects(ref: string, pattern: RegExp, options = {}): Promise<void> {
  await assert.rejects(resolveCategories(ref, options), (error: unknown) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

test('bad input ends in one UserError line naming it', async () => {
  const dir = tempDir('bad');
  // a category folder with no readable files
  mkdirSync(join(dir, 'unreadable', 'cat'), { recursive: true });
  writeFileSync(join(dir, 'unreadable', 'cat', 'notes.pdf'), 'x');
  await rejects(join(dir, 'unreadable'), /cat: no readable files/);
  // a missing path
  await rejects(join(dir, 'missing'), /missing: no such folder, manifest or built-in set/);
  await rejects(
    'nonsense-set',
    /nonsense-set: no such folder, manifest or built-in set.*languages, code, domains, default/,
  );
  // a binary file
  mkdirSync(join(dir, 'binary', 'cat'), { recursive: true });
  writeFileSync(join(dir, 'binary', 'cat', 'x.txt'), Buffer.from([0x41, 0, 0, 0x42, 0x0a]));
  await rejects(join(dir, 'binary'), /x\.txt: looks like a binary file/);
  // an unknown text column
  mkdirSync(join(dir, 'csv', 'cat'), { recursive: true });
  writeFileSync(join(dir, 'csv', 'cat', 't.csv'), 'id,body\n1,hello\n');
  await rejects(join(dir, 'csv'), /t\.csv: no column "text" \(columns: id, body\); pass --text-column/);
  assert.equal((await resolveCategories(join(dir, 'csv'), { textColumn: 'body' })).length, 1);
  // an empty file set (a glob matching nothing) and malformed manifests
  const manifest = join(dir, 'm.json');
  writeFileSync(manifest, JSON.stringify({ categories: [{ name: 'x', files: ['nothing/*.txt'] }] }));
  await rejects(manifest, /category "x": "nothing\/\*\.txt" matches no readable files/);
  writeFileSync(manifest, '{"categories": [');
  await rejects(manifest, /m\.json: malformed manifest: not valid JSON/);
  writeFileSync(manifest, JSON.stringify({ categories: [{ name: 'x' }] }));
  await rejects(manifest, /malformed manifest: category "x" needs "files"/);
  writeFileSync(manifest, JSON.stringify({ categories: [{ name: 'x', kind: 'poetry', files: ['a.txt'] }] }));
  await rejects(manifest, /category "x" has kind "poetry"/);
  writeFileSync(manifest, JSON.stringify({ other: 1 }));
  await rejects(manifest, /malformed manifest: expected \{"categories"/);
  // files that are all empty
  mkdirSync(join(dir, 'empty', 'cat'), { recursive: true });
  writeFileSync(join(dir, 'empty', 'cat', 'e.txt'), '');
  await rejects(join(dir, 'empty'), /every file of category "cat" is empty/);
  // a broken gzip file
  mkdirSync(join(dir, 'gz', 'cat'), { recursive: true });
  writeFileSync(join(dir, 'gz', 'cat', 'e.txt.gz'), 'not gzip at all');
  await rejects(join(dir, 'gz'), /e\.txt\.gz: not a valid gzip file/);
});
