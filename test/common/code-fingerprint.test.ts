// Cache keys follow the code: a stage's fingerprint changes with any compiled module it lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeFingerprint, stageCodeFingerprint } from '../../src/common/code-fingerprint.js';
import { Cache } from '../../src/common/cache.js';
import { tempDir } from '../helpers/temp.js';

test('codeFingerprint changes with a module of a listed folder, not with other files', (t) => {
  const root = tempDir('fingerprint');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bpe', 'deep'), { recursive: true });
  mkdirSync(join(root, 'report'));
  writeFileSync(join(root, 'bpe', 'replay.js'), 'export const a = 1;');
  writeFileSync(join(root, 'bpe', 'deep', 'engine.js'), 'export const b = 2;');
  writeFileSync(join(root, 'report', 'chart.js'), 'export const c = 3;');
  const before = codeFingerprint(root, ['bpe'], '0.1.0');
  assert.equal(codeFingerprint(root, ['bpe'], '0.1.0'), before, 'stable');

  writeFileSync(join(root, 'report', 'chart.js'), 'export const c = 4;');
  writeFileSync(join(root, 'bpe', 'notes.md'), 'not code');
  assert.equal(
    codeFingerprint(root, ['bpe'], '0.1.0'),
    before,
    'unlisted folders and non-modules do not count',
  );

  writeFileSync(join(root, 'bpe', 'deep', 'engine.js'), 'export const b = 3;');
  const changed = codeFingerprint(root, ['bpe'], '0.1.0');
  assert.notEqual(changed, before, 'a nested module changed');
  assert.notEqual(codeFingerprint(root, ['bpe'], '0.2.0'), changed, 'the tool version counts');
});

test('stages have their own fingerprints and the cache address includes them', (t) => {
  assert.notEqual(stageCodeFingerprint('replay'), stageCodeFingerprint('count'));
  assert.equal(stageCodeFingerprint('replay'), stageCodeFingerprint('replay'));
  const dir = tempDir('cache');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cache = new Cache(dir);
  // The same key under two stages lands at two addresses, not only in two folders.
  const replay = cache.pathOf('replay', { k: 1 }).split('/').pop();
  const count = cache.pathOf('count', { k: 1 }).split('/').pop();
  assert.notEqual(replay, count);
});
