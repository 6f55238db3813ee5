// Checks on user-given paths: dangling links, link loops and FIFOs/sockets named without being
// opened; a cache folder probed for writing without touching what it holds; output files that
// are folders, sit under files or are inputs refused; and fs error codes turned into one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  assertApartFromCache,
  assertOutputDirUsable,
  assertOutputFileUsable,
  assertWritableDir,
  isWithin,
  realPathOf,
  statInput,
  statInputFile,
} from '../../src/common/fs-checks.js';
import { tempFolder } from '../helpers/temp.js';
import { UserError, describeFsError } from '../../src/common/errors.js';

function throwsUser(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof UserError && pattern.test(e.message));
}

test('a dangling link and a link loop are named as such', (t) => {
  const dir = tempFolder(t, 'fs-checks');
  symlinkSync(join(dir, 'missing.txt'), join(dir, 'dangling.txt'));
  symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
  throwsUser(
    () => statInput(join(dir, 'dangling.txt')),
    /dangling\.txt: a symbolic link whose target is missing/,
  );
  throwsUser(() => statInput(join(dir, 'loop')), /loop: too many levels of symbolic links/);
  throwsUser(() => statInput(join(dir, 'absent.txt')), /absent\.txt: no such file or directory/);
});

test('a FIFO and a socket are refused as not regular files, without being opened', async (t) => {
  const dir = tempFolder(t, 'fs-checks');
  const fifo = join(dir, 'pipe.txt');
  // Opening a FIFO with no writer would block: a hang here fails the test by its timeout.
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    throwsUser(() => statInputFile(fifo), /pipe\.txt: a named pipe \(FIFO\), not a regular file/);
  }
  const socket = join(dir, 'sock.txt');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  t.after(() => server.listening && server.close());
  throwsUser(() => statInputFile(socket), /sock\.txt: a socket, not a regular file/);
  throwsUser(() => statInputFile(dir), /is a folder, expected a file/);
});

test('a cache folder is probed, not made; a file or a path under one is refused', (t) => {
  const parent = tempFolder(t, 'fs-checks');
  const cache = join(parent, 'cache', 'deep');
  assertWritableDir(cache, '--cache-dir');
  assert.deepEqual(readdirSync(parent), [], 'a folder not there yet is left for the cache to make');
  mkdirSync(cache, { recursive: true });
  assertWritableDir(cache, '--cache-dir');
  assert.deepEqual(readdirSync(cache), [], 'the probe is removed');
  writeFileSync(join(cache, 'entry.bin'), 'x');
  assertWritableDir(cache, '--cache-dir');
  assert.deepEqual(readdirSync(cache), ['entry.bin']);
  const file = join(parent, 'file');
  writeFileSync(file, 'x');
  throwsUser(
    () => assertWritableDir(file, '--cache-dir'),
    /file: is a file, not a folder; --cache-dir takes a folder/,
  );
  throwsUser(() => assertWritableDir(join(file, 'c'), '--cache-dir'), /c: cannot be made, .*file is a file/);
});

test('an output file that is a folder, sits under a file, is an input or exists is refused', (t) => {
  const parent = tempFolder(t, 'fs-checks');
  const input = join(parent, 'tokenizer.json');
  writeFileSync(input, '{}');
  symlinkSync(input, join(parent, 'alias.json'));
  throwsUser(() => assertOutputFileUsable(parent, { force: true }), /is a folder; --out takes a file name/);
  throwsUser(
    () => assertOutputFileUsable(join(input, 'x.png'), { force: true }),
    /x\.png: cannot be written, .*tokenizer\.json is a file, not a folder/,
  );
  throwsUser(
    () => assertOutputFileUsable(join(parent, 'alias.json'), { force: true, inputs: [input] }),
    /alias\.json: is the input/,
  );
  throwsUser(() => assertOutputFileUsable(input, { force: false }), /already exists; pass --force/);
  assertOutputFileUsable(input, { force: true });
  assertOutputFileUsable(join(parent, 'new', 'x.png'), { force: false });
});

test('real paths and containment follow links and stop at the existing part', (t) => {
  const parent = tempFolder(t, 'fs-checks');
  mkdirSync(join(parent, 'real'));
  symlinkSync(join(parent, 'real'), join(parent, 'link'));
  assert.equal(
    realPathOf(join(parent, 'link', 'not', 'yet')),
    join(realPathOf(parent), 'real', 'not', 'yet'),
  );
  assert.ok(isWithin('/a/b/c', '/a/b'));
  assert.ok(isWithin('/a/b', '/a/b'));
  assert.ok(!isWithin('/a/bc', '/a/b'));
  assert.ok(!isWithin('/a/..b', '/a/b'));
});

test('every fs error code becomes one line naming the path and a fix', () => {
  const cases: [string, RegExp][] = [
    ['ENOENT', /no such file or directory; check the path/],
    ['EACCES', /permission denied; change its permissions/],
    ['EPERM', /permission denied/],
    ['ELOOP', /symbolic links \(a link loop\); fix or remove the link/],
    ['ENAMETOOLONG', /path is too long; choose a shorter one/],
    ['EROFS', /read-only file system; choose a writable path/],
    ['ENOSPC', /no space left on the device; free some space/],
    ['EDQUOT', /no space left/],
    ['EEXIST', /already exists; remove it or choose another path/],
    ['ENOTEMPTY', /not empty is in the way/],
    ['ENOTDIR', /a part of this path is not a directory/],
    ['EISDIR', /is a directory, expected a file/],
    ['EMFILE', /too many open files/],
    ['EIO', /input\/output error/],
    ['EBUSY', /busy/],
  ];
  for (const [code, pattern] of cases) {
    const error = Object.assign(new Error(`${code}: raw`), { code });
    const described = describeFsError(error, 'some/path');
    assert.ok(described instanceof UserError);
    assert.match(described.message, /^some\/path: /);
    assert.match(described.message, pattern, code);
    assert.doesNotMatch(described.message, /\n/);
  }
  assert.equal(describeFsError(new Error('odd'), 'p').message, 'p: odd');
});

test('the cache and the inputs never overlap, and --out is never the cache', (t) => {
  const dir = tempFolder(t, 'fs-cache');
  const cats = join(dir, 'cats');
  mkdirSync(join(cats, 'en'), { recursive: true });
  writeFileSync(join(cats, 'en', 'a.txt'), 'text\n');
  throwsUser(
    () => assertApartFromCache(cats, [cats]),
    /cats: is the cache folder; choose another --cache-dir/,
  );
  throwsUser(
    () => assertApartFromCache(join(cats, 'en', 'cache'), [cats]),
    /holds the cache folder .*choose a --cache-dir \(or \$TOKMIX_CACHE\) outside the inputs/,
  );
  const cache = join(dir, 'cache');
  mkdirSync(join(cache, 'count'), { recursive: true });
  throwsUser(
    () => assertApartFromCache(cache, [join(cache, 'count')]),
    /count: lies inside the cache folder/,
  );
  assertApartFromCache(cache, [cats, 'gpt2', join(dir, 'missing')]); // apart, a name, a broken path
  assert.deepEqual(readdirSync(cats), ['en'], 'nothing was made in the input');
  throwsUser(
    () => assertOutputDirUsable(cache, { force: true, names: ['result.json'], cacheDir: cache }),
    /cache: is or lies inside the cache folder/,
  );
  throwsUser(
    () => assertOutputDirUsable(join(cache, 'r'), { force: true, names: ['result.json'], cacheDir: cache }),
    /lies inside the cache folder/,
  );
  assertOutputDirUsable(join(dir, 'out'), { force: true, names: ['result.json'], cacheDir: cache });
});
