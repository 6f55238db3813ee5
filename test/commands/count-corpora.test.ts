// The CLI face of the corpus module: `tokmix count` and `tokmix corpora` print figures, and bad
// input ends in exit code 2 with exactly one line on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, writeFixture } from '../corpus/helpers.js';
import { tokmixAsync, type CliRun } from '../helpers/cli.js';

const cacheDir = tempDir('cli-cache');

function tokmix(...args: string[]): Promise<CliRun> {
  return tokmixAsync(args, { env: { TOKMIX_CACHE: cacheDir } });
}

test('tokmix count prints per-category figures, as JSON with --json', async () => {
  const fixture = writeFixture();
  const result = await tokmix('count', 'gpt2', '--categories', fixture.dir, '--json', '--jobs', '1');
  assert.equal(result.status, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as {
    categories: { name: string; sequences: number; distinctPreTokens: number }[];
  };
  assert.deepEqual(
    parsed.categories.map((c) => c.name),
    ['plain', 'records', 'table'],
  );
  assert.equal(parsed.categories[0].sequences, fixture.sequences.plain.length);
  assert.ok(parsed.categories.every((c) => c.distinctPreTokens > 0));
});

test('bad input: exit code 2 and one line on stderr', async () => {
  const dir = tempDir('cli-bad');
  mkdirSync(join(dir, 'empty-cat', 'x'), { recursive: true });
  mkdirSync(join(dir, 'csv', 'x'), { recursive: true });
  writeFileSync(join(dir, 'csv', 'x', 't.csv'), 'a,b\n1,2\n');
  mkdirSync(join(dir, 'bin', 'x'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'x', 'b.txt'), Buffer.from([1, 0, 2, 0]));
  const manifest = join(dir, 'm.json');
  writeFileSync(manifest, '[{"name": "a", "files": []}]');
  const cases: [string[], RegExp][] = [
    [['count', 'gpt2', '--categories', join(dir, 'empty-cat')], /no readable files/],
    [['count', 'gpt2', '--categories', join(dir, 'csv'), '--text-column', 'body'], /no column "body"/],
    [['count', 'gpt2', '--categories', join(dir, 'bin')], /looks like a binary file/],
    [['count', 'gpt2', '--categories', join(dir, 'nowhere')], /no such folder, manifest or built-in set/],
    [['count', 'gpt2', '--categories', manifest], /malformed manifest/],
    [
      ['count', 'gpt2', '--categories', join(dir, 'csv'), '--bytes', 'lots'],
      /--bytes lots: expected a byte count/,
    ],
    [['corpora', 'show', 'nope'], /nope/],
  ];
  // The processes run side by side: each spends most of its time starting Node and oclif.
  const results = await Promise.all(cases.map(([args]) => tokmix(...args)));
  for (const [k, [args, pattern]] of cases.entries()) {
    const result = results[k];
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(lines[0], /^tokmix: /);
    assert.match(lines[0], pattern);
    assert.equal(result.stdout, '');
  }
});
