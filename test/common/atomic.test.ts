// Output folders: a run's files replace only their own names, the old result stays until the new
// one is complete, a failure removes only the temporary folder of this run, and nothing else in
// the folder (the user's files, sub-folders) is ever touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { removeOwnFile, writeFileAtomic, writeOutputDir } from '../../src/common/atomic.js';
import { tempFolder } from '../helpers/temp.js';
import { UserError } from '../../src/common/errors.js';

test('a new output folder is written whole, with no temporary folder left beside it', (t) => {
  const parent = tempFolder(t, 'atomic');
  const dir = join(parent, 'deep', 'run');
  writeOutputDir(dir, { 'a.txt': 'one', 'b.txt': 'two' }, { force: false });
  assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'b.txt']);
  assert.deepEqual(readdirSync(join(parent, 'deep')), ['run']);
});

test('--force replaces only the run’s own files; the user’s files and folders stay', (t) => {
  const dir = join(tempFolder(t, 'atomic'), 'v');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'important.txt'), 'keep');
  writeFileSync(join(dir, 'sub', 'inner.txt'), 'keep too');
  // A folder holding only the user's files takes a result without --force.
  writeOutputDir(dir, { 'result.json': 'old', 'proportions.csv': 'old' }, { force: false });
  writeFileSync(join(dir, 'validation.json'), 'another run');

  assert.throws(
    () => writeOutputDir(dir, { 'result.json': 'new' }, { force: false }),
    (e: unknown) => e instanceof UserError && /already holds results; pass --force/.test(e.message),
  );
  assert.equal(readFileSync(join(dir, 'result.json'), 'utf8'), 'old');

  writeOutputDir(dir, { 'result.json': 'new', 'proportions.csv': 'new' }, { force: true });
  assert.deepEqual(readdirSync(dir).sort(), [
    'important.txt',
    'proportions.csv',
    'result.json',
    'sub',
    'validation.json',
  ]);
  assert.equal(readFileSync(join(dir, 'result.json'), 'utf8'), 'new');
  assert.equal(readFileSync(join(dir, 'important.txt'), 'utf8'), 'keep');
  assert.equal(readFileSync(join(dir, 'sub', 'inner.txt'), 'utf8'), 'keep too');
  assert.equal(readFileSync(join(dir, 'validation.json'), 'utf8'), 'another run');
});

test('a failed write leaves the old result and removes only its own temporary folder', (t) => {
  const dir = join(tempFolder(t, 'atomic'), 'run');
  writeOutputDir(dir, { 'a.txt': 'old a', 'b.txt': 'old b' }, { force: false });
  writeFileSync(join(dir, '.user-hidden'), 'mine');
  // The second file's content cannot be written: nothing of the new result may land.
  const bad = { 'a.txt': 'new a', 'b.txt': Symbol('unwritable') as unknown as string };
  assert.throws(() => writeOutputDir(dir, bad, { force: true }));
  assert.deepEqual(readdirSync(dir).sort(), ['.user-hidden', 'a.txt', 'b.txt']);
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'old a');

  // A new folder that fails is not left behind, nor the parents made for it.
  const fresh = join(dirname(dir), 'made', 'fresh');
  assert.throws(() => writeOutputDir(fresh, bad, { force: false }));
  assert.equal(existsSync(join(dirname(dir), 'made')), false);
});

test('an --out that is a file, sits under one, or has a folder at a result name is refused', (t) => {
  const parent = tempFolder(t, 'atomic');
  const file = join(parent, 'file.txt');
  writeFileSync(file, 'mine');
  for (const [dir, pattern] of [
    [file, /file\.txt: is a file, not a folder; --out takes a folder/],
    [join(file, 'sub'), /sub: cannot be made, .*file\.txt is a file, not a folder; choose another --out/],
  ] as const) {
    for (const force of [false, true]) {
      assert.throws(
        () => writeOutputDir(dir, { 'a.txt': 'x' }, { force }),
        (e: unknown) => e instanceof UserError && pattern.test(e.message),
      );
    }
  }
  assert.equal(readFileSync(file, 'utf8'), 'mine');
  // A dangling link at --out is named, not replaced by the new folder.
  symlinkSync(join(parent, 'nowhere'), join(parent, 'link'));
  assert.throws(
    () => writeOutputDir(join(parent, 'link'), { 'a.txt': 'x' }, { force: true }),
    (e: unknown) => e instanceof UserError && /link: a symbolic link whose target is missing/.test(e.message),
  );
  assert.ok(lstatSync(join(parent, 'link')).isSymbolicLink());
  rmSync(join(parent, 'link'));
  const dir = join(parent, 'run');
  mkdirSync(join(dir, 'result.json'), { recursive: true });
  assert.throws(
    () => writeOutputDir(dir, { 'result.json': 'x' }, { force: true }),
    (e: unknown) => e instanceof UserError && /a folder where tokmix writes its result\.json/.test(e.message),
  );
  assert.deepEqual(readdirSync(parent).sort(), ['file.txt', 'run']);
});

test('an output folder overlapping the inputs is refused, even with --force', (t) => {
  const parent = tempFolder(t, 'atomic');
  const cats = join(parent, 'v', 'cats');
  mkdirSync(join(cats, 'a'), { recursive: true });
  for (const [dir, pattern] of [
    [join(parent, 'v'), /v: holds the input .*cats; choose --out apart from the inputs/],
    [cats, /cats: is the input/],
    [join(cats, 'a', 'out'), /out: lies inside the input .*cats, where the results would be read as input/],
  ] as const) {
    assert.throws(
      () => writeOutputDir(dir, { 'a.txt': 'x' }, { force: true, inputs: ['gpt2', cats] }),
      (e: unknown) => e instanceof UserError && pattern.test(e.message),
    );
  }
  assert.deepEqual(readdirSync(join(parent, 'v')), ['cats']);
  assert.deepEqual(readdirSync(join(cats, 'a')), []);
});

test('writeFileAtomic leaves no temporary file when the rename fails', (t) => {
  const parent = tempFolder(t, 'atomic');
  mkdirSync(join(parent, 'taken'));
  assert.throws(() => writeFileAtomic(join(parent, 'taken'), 'x'));
  assert.deepEqual(readdirSync(parent), ['taken']);
});

test('a cache write or removal meeting a folder, or a full or read-only disk, is one UserError naming the path', (t) => {
  const dir = tempFolder(t, 'atomic-fs');
  const entry = join(dir, 'checkpoint', 'x.ckpt');
  mkdirSync(entry, { recursive: true }); // a folder where tokmix keeps a file
  assert.throws(
    () => writeFileAtomic(entry, 'data'),
    (e: unknown) =>
      e instanceof UserError && /x\.ckpt: is a directory/.test(e.message) && !/\n/.test(e.message),
  );
  assert.throws(
    () => removeOwnFile(entry),
    (e: unknown) => e instanceof UserError && /x\.ckpt: is a directory/.test(e.message),
  );
  assert.ok(lstatSync(entry).isDirectory(), 'the folder (not tokmix’s) is kept');
  assert.deepEqual(readdirSync(join(dir, 'checkpoint')), ['x.ckpt'], 'no temporary file left');
  // A stage folder that is a file: the mkdir fails the same way.
  writeFileSync(join(dir, 'count'), '');
  assert.throws(
    () => writeFileAtomic(join(dir, 'count', 'e.bin'), 'data'),
    (e: unknown) => e instanceof UserError && /count\/e\.bin: /.test(e.message),
  );
});
