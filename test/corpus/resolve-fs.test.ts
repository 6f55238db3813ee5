// Category folders and manifests that are broken on the file system: dangling links, link loops,
// links back into a folder being walked (cycles, in folders and under **), and FIFOs or sockets
// with readable names. Each ends in a UserError naming the path, and nothing blocks or loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { statFiles } from '../../src/corpus/read.js';
import { UserError } from '../../src/common/errors.js';
import { tempDir } from './helpers.js';

/** A folder of two categories, a/ and b/, each with one text file. */
function categories(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir('resolve-fs');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of ['a', 'b']) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'text.txt'), `some ${name} text\n`);
  }
  return dir;
}

async function rejects(ref: string, pattern: RegExp): Promise<void> {
  await assert.rejects(resolveCategories(ref), (error: unknown) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

function manifest(dir: string, files: string[]): string {
  const path = join(dir, 'manifest.json');
  writeFileSync(path, JSON.stringify({ categories: [{ name: 'x', files }] }));
  return path;
}

test('a dangling link in a category folder, or given as the categories, is named', async (t) => {
  const dir = categories(t);
  symlinkSync(join(dir, 'gone.txt'), join(dir, 'a', 'dangling.txt'));
  await rejects(dir, /a\/dangling\.txt: a symbolic link whose target is missing; fix the link or remove it/);
  symlinkSync(join(dir, 'gone'), join(dir, 'link-to-nothing'));
  await rejects(join(dir, 'link-to-nothing'), /link-to-nothing: a symbolic link whose target is missing/);
});

test('a link loop and a link back to a parent folder end in an error, not a hang', async (t) => {
  const dir = categories(t);
  symlinkSync(join(dir, 'a', 'self'), join(dir, 'a', 'self'));
  await rejects(dir, /a\/self: too many levels of symbolic links/);
  rmSync(join(dir, 'a', 'self'));
  mkdirSync(join(dir, 'a', 'nested'));
  symlinkSync(join(dir, 'a'), join(dir, 'a', 'nested', 'up'));
  symlinkSync(join(dir, 'a'), join(dir, 'a', 'nested', 'up2'));
  await rejects(dir, /leads back to .*\/a through a symbolic link \(a folder cycle\); remove the link/);
});

test('** in a manifest does not follow a link cycle', async (t) => {
  const dir = categories(t);
  // Two links back at each level would make 2^depth paths if followed.
  symlinkSync(dir, join(dir, 'a', 'back'));
  symlinkSync(dir, join(dir, 'b', 'back'));
  await rejects(
    manifest(dir, ['**/*.txt']),
    /leads back to .* \(a folder cycle\); remove the link or narrow the glob/,
  );
});

test('a glob match or listed file that is dangling is named; a folder walked by ** is fine', async (t) => {
  const dir = categories(t);
  mkdirSync(join(dir, 'deep', 'er'), { recursive: true });
  writeFileSync(join(dir, 'deep', 'er', 'c.txt'), 'deep text\n');
  const ok = await resolveCategories(manifest(dir, ['deep/**/*.txt']));
  assert.deepEqual(ok[0].files, [join(dir, 'deep', 'er', 'c.txt')]);
  symlinkSync(join(dir, 'gone.txt'), join(dir, 'deep', 'dangling.txt'));
  await rejects(
    manifest(dir, ['deep/*.txt']),
    /deep\/dangling\.txt: a symbolic link whose target is missing/,
  );
  await rejects(
    manifest(dir, ['deep/dangling.txt']),
    /deep\/dangling\.txt: a symbolic link whose target is missing/,
  );
});

test('FIFOs and sockets with readable names are refused unopened; others are skipped', async (t) => {
  const dir = categories(t);
  const fifo = join(dir, 'a', 'pipe.txt');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    await rejects(dir, /a\/pipe\.txt: a named pipe \(FIFO\), not a regular file/);
    await rejects(manifest(dir, ['a/pipe.txt']), /pipe\.txt: a named pipe \(FIFO\)/);
    await rejects(manifest(dir, ['a/*.txt']), /pipe\.txt: a named pipe \(FIFO\)/);
    assert.throws(
      () => statFiles({ name: 'a', kind: 'other', source: dir, files: [fifo] }),
      (e: unknown) => e instanceof UserError && /named pipe/.test(e.message),
    );
    rmSync(fifo);
    // A manifest that is a FIFO is not read either.
    const fifoManifest = join(dir, 'fifo.json');
    spawnSync('mkfifo', [fifoManifest]);
    await rejects(fifoManifest, /fifo\.json: a named pipe \(FIFO\), not a regular file/);
    rmSync(fifoManifest);
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(dir, 'b', 'sock.jsonl'), resolve));
  t.after(() => server.listening && server.close());
  await rejects(dir, /b\/sock\.jsonl: a socket, not a regular file/);
  server.close();
  await new Promise<void>((resolve) => server.once('close', resolve));
  // A special file whose name tokmix does not read is passed over like any such file.
  const other = createServer();
  await new Promise<void>((resolve) => other.listen(join(dir, 'b', 'control'), resolve));
  t.after(() => other.close());
  const found = await resolveCategories(dir);
  assert.deepEqual(
    found.map((c) => c.files.length),
    [1, 1],
  );
});

test('a cache inside the categories, or categories inside the cache, are refused before reading', async () => {
  const dir = tempDir('resolve-cache');
  mkdirSync(join(dir, 'cats', 'en'), { recursive: true });
  writeFileSync(join(dir, 'cats', 'en', 'a.txt'), 'some text\n');
  const refusedWith = async (ref: string, cacheDir: string, pattern: RegExp) =>
    assert.rejects(
      resolveCategories(ref, { cacheDir }),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
  await refusedWith(join(dir, 'cats'), join(dir, 'cats'), /cats: is the cache folder/);
  await refusedWith(join(dir, 'cats'), join(dir, 'cats', 'en', 'c'), /holds the cache folder/);
  // A manifest whose folder or glob reaches into the cache (its materialized texts are .txt).
  mkdirSync(join(dir, 'cache', 'corpora', 'g'), { recursive: true });
  writeFileSync(join(dir, 'cache', 'corpora', 'g', 'x.txt'), 'cached text\n');
  const manifest = (files: string[]) => {
    const path = join(dir, `m${files.length}${files[0].length}.json`);
    writeFileSync(path, JSON.stringify({ categories: [{ name: 'x', files }] }));
    return path;
  };
  await refusedWith(manifest(['cache']), join(dir, 'cache'), /cache: is the cache folder/);
  await refusedWith(manifest(['cache/corpora']), join(dir, 'cache'), /corpora: lies inside the cache folder/);
  await refusedWith(manifest(['cache/**/*.txt']), join(dir, 'cache'), /x\.txt: lies inside the cache folder/);
  await refusedWith(manifest(['cats']), join(dir, 'cats', 'cc'), /holds the cache folder/);
  const apart = await resolveCategories(join(dir, 'cats'), { cacheDir: join(dir, 'cache') });
  assert.deepEqual(
    apart.map((c) => c.name),
    ['en'],
  );
});

test('category names equal once Unicode-normalized (café in NFC and NFD) are refused in one line', async () => {
  const dir = tempDir('resolve-nfc');
  for (const name of ['caf\u00e9', 'cafe\u0301']) {
    mkdirSync(join(dir, 'cats', name), { recursive: true });
    writeFileSync(join(dir, 'cats', name, 'a.txt'), 'text\n');
  }
  await assert.rejects(
    resolveCategories(join(dir, 'cats'), { cacheDir: join(dir, 'cache') }),
    (e: Error) =>
      e instanceof UserError &&
      /same name once Unicode-normalized \(NFC\)/.test(e.message) &&
      /U\+0301/.test(e.message) &&
      !/\n/.test(e.message),
  );
});
