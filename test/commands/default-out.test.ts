// The default output folder: a run without --out never fails because an earlier run wrote the
// default folder (it takes <name>-2, -3, ... and says so); an explicit --out keeps the refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshOutputDir } from '../../src/cli/default-out.js';
import { INFER_FILE_NAMES } from '../../src/report/result-files.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJsonText } from '../../src/tokenizer/formats/hf-json.js';
import { tokmix } from '../helpers/cli.js';
import { tempFolder } from '../helpers/temp.js';

test('freshOutputDir skips folders holding results, not folders holding other files', (t) => {
  const dir = tempFolder(t, 'default-out');
  const base = join(dir, 'gpt-4o-default-2026-12-04');
  assert.equal(freshOutputDir(base, INFER_FILE_NAMES), base);
  mkdirSync(base);
  writeFileSync(join(base, 'notes.txt'), 'mine');
  assert.equal(freshOutputDir(base, INFER_FILE_NAMES), base, 'no result files: still usable');
  writeFileSync(join(base, 'result.json'), '{}');
  assert.equal(freshOutputDir(base, INFER_FILE_NAMES), `${base}-2`);
  mkdirSync(`${base}-2`);
  writeFileSync(join(`${base}-2`, 'proportions.csv'), '');
  assert.equal(freshOutputDir(base, INFER_FILE_NAMES), `${base}-3`);
});

test('infer twice without --out writes two folders; an explicit --out is refused the second time', async (t) => {
  const work = tempFolder(t, 'default-out-cli');
  const spec = await loadTokenizer('gpt2');
  const tokenizerPath = join(work, 'tok.json');
  writeFileSync(tokenizerPath, toTokenizerJsonText({ ...spec, mergeList: spec.mergeList.slice(0, 300) }));
  const words = 'the quick brown fox jumps over the lazy dog and then some more words here\n';
  for (const [name, text] of [
    ['en', words.repeat(400)],
    ['de', 'der schnelle braune fuchs springt ueber den faulen hund und noch mehr\n'.repeat(400)],
  ]) {
    mkdirSync(join(work, 'cats', name), { recursive: true });
    writeFileSync(join(work, 'cats', name, 'a.txt'), text);
  }
  const args = [
    'infer',
    tokenizerPath,
    '--categories',
    join(work, 'cats'),
    '--merges',
    '100',
    '--allow-unconstrained',
    '--cache-dir',
    join(work, 'cache'),
  ];
  const first = tokmix(args, { cwd: work });
  assert.equal(first.status, 0, first.stderr);
  const second = tokmix(args, { cwd: work });
  assert.equal(second.status, 0, second.stderr);
  const folderOf = (stdout: string): string => /results written to (.+)$/m.exec(stdout)![1];
  const one = folderOf(first.stdout);
  const two = folderOf(second.stdout);
  assert.match(one, /^results[/\\]tok-cats-\d{4}-\d\d-\d\d$/);
  assert.equal(two, `${one}-2`);
  assert.doesNotMatch(second.stderr, /writing to/, 'named once written, in the summary');
  assert.ok(JSON.parse(readFileSync(join(work, two, 'result.json'), 'utf8')).categories.length === 2);
  const explicit = tokmix([...args, '--out', one], { cwd: work });
  assert.equal(explicit.status, 2, explicit.stderr);
  assert.match(explicit.stderr, /already holds results; pass --force/);
});
