// The built-in code set (and the legal domain) reads only the npm packages corpora/sets.json pins,
// at their pinned versions: other packages and a pinned package's nested node_modules stay out
// (except what it bundles), a missing or re-versioned package stops the build with one line, and
// the sets' cache keys follow the pins, not the lock file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCode, walkPinnedPackages } from '../../src/corpus/builtin/code.js';
import { buildDomains } from '../../src/corpus/builtin/domains.js';
import { type SetRecipes, packageRoot, readRecipes } from '../../src/corpus/builtin/locate.js';
import { groupDir } from '../../src/corpus/builtin/sets.js';
import { isUserError } from '../../src/common/errors.js';
import { tempDir } from './helpers.js';

/** A node_modules folder with packages `name@version`, each holding one marked .js file. */
function fakeModules(packages: Record<string, string>): (name: string) => string | undefined {
  const top = join(tempDir('code-pins'), 'node_modules');
  for (const [name, version] of Object.entries(packages)) {
    const dir = join(top, name);
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }));
    writeFileSync(join(dir, 'lib', 'index.js'), `export const from = '${name}';\n`.repeat(40));
  }
  return (name) => (existsSync(join(top, name, 'package.json')) ? join(top, name) : undefined);
}

function recipesWith(packages: Record<string, string>): SetRecipes {
  const real = readRecipes();
  return {
    ...real,
    minimumBytes: 1,
    code: {
      packages,
      maxAverageLineBytes: 200,
      categories: { javascript: { roots: ['packages'], extensions: ['.js'] } },
    },
  };
}

test('the code set reads only the pinned packages, not other installed ones or their nested node_modules', () => {
  const find = fakeModules({ 'pinned-a': '1.0.0', '@scope/pinned-b': '2.3.4', unpinned: '1.0.0' });
  const nested = join(find('pinned-a')!, 'node_modules', 'nested-dep');
  mkdirSync(nested, { recursive: true });
  writeFileSync(join(nested, 'package.json'), JSON.stringify({ name: 'nested-dep', version: '9.9.9' }));
  writeFileSync(join(nested, 'index.js'), "export const from = 'nested-dep';\n");

  const walked = walkPinnedPackages({ 'pinned-a': '1.0.0', '@scope/pinned-b': '2.3.4' }, find);
  assert.deepEqual(
    walked.map((file) => file.label),
    [
      'node_modules/@scope/pinned-b/lib/index.js',
      'node_modules/@scope/pinned-b/package.json',
      'node_modules/pinned-a/lib/index.js',
      'node_modules/pinned-a/package.json',
    ],
  );
  const [javascript] = buildCode(
    recipesWith({ 'pinned-a': '1.0.0', '@scope/pinned-b': '2.3.4' }),
    'v0',
    find,
  );
  assert.equal(javascript.meta.name, 'javascript');
  assert.match(javascript.text, /from = 'pinned-a'/);
  assert.match(javascript.text, /from = '@scope\/pinned-b'/);
  assert.doesNotMatch(javascript.text, /unpinned|nested-dep/);
  assert.equal(javascript.meta.source, '2 files from npm @scope/pinned-b@2.3.4, npm pinned-a@1.0.0');
});

test('the bundled dependencies of a pinned package are read (its tarball fixes them), its other nested packages are not', () => {
  const find = fakeModules({ bundler: '1.0.0' });
  const dir = find('bundler')!;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'bundler',
      version: '1.0.0',
      dependencies: { inside: '^1', '@scope/inside': '^2' },
      bundleDependencies: ['inside', '@scope/inside'],
    }),
  );
  for (const nested of ['inside', '@scope/inside', 'installed-beside', '@scope/installed-beside']) {
    mkdirSync(join(dir, 'node_modules', nested, 'gyp'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', nested, 'gyp', 'tool.py'), `print('${nested}')\n`);
  }
  mkdirSync(join(dir, 'node_modules', 'inside', 'node_modules', 'deeper'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'inside', 'node_modules', 'deeper', 'x.py'), 'pass\n');
  assert.deepEqual(
    walkPinnedPackages({ bundler: '1.0.0' }, find)
      .map((file) => file.label)
      .filter((label) => label.endsWith('.py')),
    [
      'node_modules/bundler/node_modules/@scope/inside/gyp/tool.py',
      'node_modules/bundler/node_modules/inside/gyp/tool.py',
      'node_modules/bundler/node_modules/inside/node_modules/deeper/x.py',
    ],
  );
});

test('the legal domain reads the licence files of the pinned packages only, and checks their versions', async () => {
  const real = readRecipes();
  const legalOnly = (packages: Record<string, string>): SetRecipes => ({
    ...real,
    minimumBytes: 1,
    code: { ...real.code, packages },
    domains: { legal: real.domains.legal },
  });
  const installed = readRecipes().code.packages;
  const [legal] = await buildDomains(legalOnly({ papaparse: installed.papaparse, fzstd: installed.fzstd }), {
    cacheDir: tempDir('legal-pins'),
  });
  assert.equal(legal.meta.name, 'legal');
  assert.match(legal.meta.source ?? '', /pinned .* 2 documents$/);
  assert.match(legal.text, /Matthew Holt/);
  assert.match(legal.text, /Arjun Barrett/);
  assert.equal(legal.text.match(/Copyright/g)?.length, 2);
  await assert.rejects(
    buildDomains(legalOnly({ papaparse: '0.0.1' }), { cacheDir: tempDir('legal-pins') }),
    (error: unknown) => isUserError(error) && /papaparse is pinned at 0\.0\.1/.test((error as Error).message),
  );
});

test('a pinned package at another version, or missing, stops the build with one tokmix line', () => {
  const find = fakeModules({ 'pinned-a': '1.0.1' });
  const expectError = (pins: Record<string, string>, detail: RegExp) =>
    assert.throws(
      () => buildCode(recipesWith(pins), 'v0', find),
      (error: unknown) => {
        assert.ok(isUserError(error));
        const message = (error as Error).message;
        assert.doesNotMatch(message, /\n/);
        assert.match(message, detail);
        assert.match(message, /run npm ci in the tokmix folder/);
        return true;
      },
    );
  expectError(
    { 'pinned-a': '1.0.0' },
    /npm package pinned-a is pinned at 1\.0\.0 .* but 1\.0\.1 is installed/,
  );
  expectError(
    { 'pinned-a': '1.0.1', absent: '3.0.0' },
    /npm package absent is pinned at 3\.0\.0 .* but is not installed/,
  );
});

test('the code and domains cache keys change with a pin', () => {
  const cacheDir = tempDir('code-pins-key');
  const recipes = readRecipes();
  for (const group of ['code', 'domains'] as const) {
    const key = (r: SetRecipes) => groupDir(cacheDir, group, r);
    const [first] = Object.keys(recipes.code.packages);
    const bumped = {
      ...recipes,
      code: { ...recipes.code, packages: { ...recipes.code.packages, [first]: '0.0.0-other' } },
    };
    assert.notEqual(key(bumped), key(recipes), group);
    const added = {
      ...recipes,
      code: { ...recipes.code, packages: { ...recipes.code.packages, extra: '1.0.0' } },
    };
    assert.notEqual(key(added), key(recipes), group);
  }
});

test('every pin is an exact-pinned direct dependency of tokmix at the same version', () => {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const [name, version] of Object.entries(readRecipes().code.packages)) {
    assert.equal(
      manifest.dependencies[name],
      version,
      `${name}: package.json dependencies vs corpora/sets.json`,
    );
  }
});
