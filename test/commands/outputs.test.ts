// --out and --cache-dir through the CLI: --force replaces only tokmix's own files (the user's
// files and folders in --out survive), and an --out or --cache-dir that is a file, sits under one,
// or overlaps the inputs is refused before any work with one `tokmix:` line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../helpers/temp.js';
import { assertUserError, tokmixAsync, type CliRun } from '../helpers/cli.js';

type Run = CliRun;

function tokmix(cwd: string, ...args: string[]): Promise<Run> {
  return tokmixAsync(args, { cwd, timeout: 120_000 });
}

/** A refused run: exit 2, one `tokmix:` line and nothing else (no progress, no stack). */
function assertRefused(run: Run, pattern: RegExp): void {
  assertUserError(run, pattern);
}

/** Two small categories (cats/a, cats/b) and a user's folder v holding a file and a sub-folder. */
function workspace(t: { after: (fn: () => void) => void }): string {
  const work = tempFolder(t, 'outputs-cli');
  for (const [name, word] of [
    ['a', 'alpha'],
    ['b', 'beta'],
  ]) {
    mkdirSync(join(work, 'cats', name), { recursive: true });
    const lines = Array.from({ length: 400 }, (_, i) => `${word} ${word}${i % 37} the ${word}s`);
    writeFileSync(join(work, 'cats', name, 'text.txt'), `${lines.join('\n')}\n`);
  }
  mkdirSync(join(work, 'v', 'sub'), { recursive: true });
  writeFileSync(join(work, 'v', 'important.txt'), 'keep');
  writeFileSync(join(work, 'v', 'sub', 'notes.txt'), 'keep too');
  return work;
}

function userFilesIntact(work: string): void {
  assert.equal(readFileSync(join(work, 'v', 'important.txt'), 'utf8'), 'keep');
  assert.equal(readFileSync(join(work, 'v', 'sub', 'notes.txt'), 'utf8'), 'keep too');
  assert.deepEqual(readdirSync(join(work, 'cats')).sort(), ['a', 'b']);
}

test('infer into a folder of the user’s files keeps them, with and without --force', async (t) => {
  const work = workspace(t);
  const cache = join(work, 'cache');
  const infer = (...extra: string[]) =>
    tokmix(
      work,
      'infer',
      'gpt2',
      '--categories',
      'cats',
      '--merges',
      '20',
      // The tiny categories meet few of gpt2's first merges: this test is about the output folder.
      '--allow-unconstrained',
      '--out',
      'v',
      '--cache-dir',
      cache,
      ...extra,
    );
  // A folder holding only the user's own files takes a result without --force.
  const first = await infer('--json');
  assert.equal(first.status, 0, first.stderr);
  const names = ['proportions.csv', 'proportions.png', 'proportions.svg', 'report.html', 'result.json'];
  assert.deepEqual(readdirSync(join(work, 'v')).sort(), ['important.txt', ...names, 'sub'].sort());
  userFilesIntact(work);

  assertRefused(await infer(), /^tokmix: v: already holds results; pass --force/);
  writeFileSync(join(work, 'v', 'result.json'), 'stale');
  const forced = await infer('--force', '--json');
  assert.equal(forced.status, 0, forced.stderr);
  assert.deepEqual(
    JSON.parse(readFileSync(join(work, 'v', 'result.json'), 'utf8')),
    JSON.parse(forced.stdout),
  );
  assert.deepEqual(readdirSync(join(work, 'v')).sort(), ['important.txt', ...names, 'sub'].sort());
  userFilesIntact(work);
});

test('a bad --out or --cache-dir is refused before any work, in every command that writes', async (t) => {
  const work = workspace(t);
  const cache = join(work, 'cache');
  writeFileSync(join(work, 'tok.json'), '{}');
  const cases: [string[], RegExp][] = [
    [
      ['infer', 'gpt2', '--categories', 'cats', '--out', 'v/important.txt'],
      /v\/important\.txt: is a file, not a folder; --out takes a folder/,
    ],
    [
      ['infer', 'gpt2', '--categories', 'cats', '--out', 'v/important.txt', '--force'],
      /is a file, not a folder/,
    ],
    [
      ['infer', 'gpt2', '--categories', 'cats', '--out', 'v/important.txt/run', '--force'],
      /v\/important\.txt\/run: cannot be made, v\/important\.txt is a file/,
    ],
    [
      ['infer', 'gpt2', '--categories', 'v/../cats', '--out', '.', '--force'],
      /\.: holds the input v\/\.\.\/cats; choose --out apart from the inputs/,
    ],
    [
      ['infer', 'gpt2', '--categories', 'cats', '--out', 'cats/a/run'],
      /cats\/a\/run: lies inside the input cats/,
    ],
    [
      ['infer', 'gpt2', '--categories', 'cats', '--out', 'r', '--cache-dir', 'v/important.txt'],
      /v\/important\.txt: is a file, not a folder; --cache-dir takes a folder/,
    ],
    [
      ['count', 'gpt2', '--categories', 'cats', '--cache-dir', 'v/important.txt/c'],
      /v\/important\.txt\/c: cannot be made, .* is a file, not a folder; choose another --cache-dir/,
    ],
    [
      ['train', '--categories', 'cats', '--merges', '5', '--out', 'v/important.txt', '--force'],
      /is a file, not a folder; --out takes a folder/,
    ],
    [['train', '--categories', 'cats', '--merges', '5', '--out', 'cats'], /cats: is the input cats/],
    [
      ['validate', '--set', 'cats', '--out', 'v/important.txt/x'],
      /cannot be made, v\/important\.txt is a file/,
    ],
    [
      ['tokenizers', 'export', 'tok.json', '--format', 'merges.txt', '--out', 'tok.json', '--force'],
      /tok\.json: is the input tok\.json/,
    ],
    [
      ['tokenizers', 'export', 'gpt2', '--format', 'merges.txt', '--out', 'v/important.txt/m.txt'],
      /cannot be written, v\/important\.txt is a file/,
    ],
    [
      ['tokenizers', 'export', 'gpt2', '--format', 'merges.txt', '--out', 'v/sub'],
      /v\/sub: is a folder; --out takes a file name/,
    ],
  ];
  // Two at a time: the machines have two cores.
  for (let i = 0; i < cases.length; i += 2) {
    const batch = cases.slice(i, i + 2);
    const runs = await Promise.all(
      batch.map(([args]) =>
        tokmix(work, ...args, ...(args.includes('--cache-dir') ? [] : ['--cache-dir', cache])),
      ),
    );
    runs.forEach((run, j) => assertRefused(run, batch[j][1]));
  }
  userFilesIntact(work);
  assert.deepEqual(readdirSync(join(work, 'v')).sort(), ['important.txt', 'sub']);
  assert.equal(readFileSync(join(work, 'tok.json'), 'utf8'), '{}');
});

test('a FIFO in a category is refused, not opened (the run would hang)', async (t) => {
  const work = workspace(t);
  if (spawnSync('mkfifo', [join(work, 'cats', 'a', 'pipe.txt')]).status !== 0) return t.skip('no mkfifo');
  const run = await tokmix(work, 'count', 'gpt2', '--categories', 'cats', '--cache-dir', join(work, 'cache'));
  assertRefused(run, /cats\/a\/pipe\.txt: a named pipe \(FIFO\), not a regular file/);
});

test('a FIFO given as the tokenizer is refused, not read (the read would block)', async (t) => {
  const work = workspace(t);
  if (spawnSync('mkfifo', [join(work, 'tokenizer.json')]).status !== 0) return t.skip('no mkfifo');
  const run = await tokmix(work, 'tokenizers', 'show', 'tokenizer.json', '--cache-dir', join(work, 'cache'));
  assertRefused(run, /tokenizer\.json: not a regular file/);
});

test('a $TOKMIX_CACHE that is a file is refused before any work, as --cache-dir is', async (t) => {
  const work = workspace(t);
  writeFileSync(join(work, 'not-a-folder'), 'x');
  const run = await tokmixAsync(['count', 'gpt2', '--categories', 'cats'], {
    cwd: work,
    env: { TOKMIX_CACHE: join(work, 'not-a-folder') },
  });
  assertRefused(run, /not-a-folder: is a file, not a folder; \$TOKMIX_CACHE takes a folder/);
  // plot never touches the cache, so a broken one does not stop it.
  const plot = await tokmixAsync(['plot', 'missing.json'], {
    cwd: work,
    env: { TOKMIX_CACHE: join(work, 'not-a-folder') },
  });
  assertRefused(plot, /missing\.json/);
});
