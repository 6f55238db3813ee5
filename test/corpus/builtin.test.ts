// Built-in sets: extracted offline from installed npm packages and Node's own files into the cache
// folder, with metadata (kind, ISO 639 language, ISO 15924 script, source, licence) and real sizes.
// @tag slow: builds the built-in corpora (left out by npm run test:unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { listCategorySets, materializeSet } from '../../src/corpus/builtin/sets.js';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { tempDir } from './helpers.js';
import { seedFetchedCategoryData } from '../helpers/fetched-data.js';

test('languages, code, domains and default are materialized once, with metadata and sizes', async () => {
  const cacheDir = tempDir('sets');
  seedFetchedCategoryData(cacheDir);
  assert.ok(listCategorySets({ cacheDir }).every((set) => !set.built));
  const defaults = await resolveCategories('default', { cacheDir });
  const languages = await materializeSet('languages', { cacheDir });
  const code = await materializeSet('code', { cacheDir });
  const domains = await materializeSet('domains', { cacheDir });

  assert.ok(languages.length >= 100, `${languages.length} languages`);
  const english = languages.find((c) => c.name === 'en');
  assert.ok(english && english.bytes > 500_000, 'English has the UDHR and a Quran translation');
  for (const c of languages) {
    assert.equal(c.kind, 'language');
    assert.ok(c.bytes >= 10_000, `${c.name}: ${c.bytes} bytes`);
    assert.match(c.language ?? '', /^[a-z]{2,3}$/, c.name);
    assert.match(c.script ?? '', /^[A-Z][a-z]{3}$/, c.name);
    assert.ok(c.source?.startsWith('udhr@'), c.name);
    assert.ok(c.license, c.name);
    assert.equal(statSync(c.files[0]).size, c.bytes);
  }
  assert.equal(languages.find((c) => c.name === 'ru')?.script, 'Cyrl');
  assert.equal(languages.find((c) => c.name === 'ar')?.script, 'Arab');
  assert.equal(languages.find((c) => c.name === 'zh')?.script, 'Hans');

  // From the pinned packages (corpora/sets.json code.packages) and Node's headers: the floors are
  // about half of what the pins give today, so a pin that loses most of a category fails here.
  const floors = {
    javascript: 3_500_000,
    typescript: 2_000_000,
    json: 1_300_000,
    css: 300_000,
    html: 600_000,
    markdown: 550_000,
    'c-cpp': 2_000_000,
    python: 700_000,
    roff: 300_000,
  };
  assert.deepEqual(
    code.map((c) => c.name),
    Object.keys(floors),
  );
  for (const [name, floor] of Object.entries(floors)) {
    const c = code.find((x) => x.name === name);
    assert.ok(c && c.bytes >= floor, `${name}: ${c?.bytes} bytes`);
    assert.equal(c.kind, 'code');
  }
  assert.ok(domains.length >= 4);
  assert.deepEqual(
    domains.map((c) => c.name),
    ['books', 'speeches', 'email', 'legal'],
  );
  for (const c of domains) assert.ok(c.kind === 'domain' && c.language === 'en' && c.license);
  // legal: the licence files of the pinned packages only (about 176 KB with today's pins).
  const legal = domains.find((c) => c.name === 'legal');
  assert.ok(legal && legal.bytes >= 90_000, `legal: ${legal?.bytes} bytes`);

  const nonEnglish = defaults.filter((c) => c.kind === 'language');
  assert.ok(nonEnglish.length >= 20, 'default holds at least 20 non-English languages');
  assert.ok(nonEnglish.every((c) => c.language !== 'en'));
  assert.equal(defaults.length, domains.length + code.length + nonEnglish.length);
  // The 10 largest non-English samples come first, then the major languages the recipe names.
  const largest = nonEnglish.slice(0, 10);
  const smallestChosen = Math.min(...largest.map((c) => statSync(c.files[0]).size));
  const largestLeft = Math.max(
    ...languages
      .filter((c) => c.language !== 'en' && !largest.some((d) => d.name === c.name))
      .map((c) => c.bytes),
  );
  assert.ok(smallestChosen >= largestLeft, 'default takes the non-English languages with the most text');
  for (const major of ['de-1996', 'ja', 'hi', 'ko', 'pt-BR']) {
    assert.ok(
      nonEnglish.some((c) => c.name === major),
      `default includes the major language ${major}`,
    );
  }

  const listed = listCategorySets({ cacheDir });
  assert.ok(listed.every((set) => set.built));
  assert.equal(listed.find((set) => set.name === 'default')?.categories, defaults.length);
  // A second use reads the cache folder: the same files, not rewritten.
  const before = statSync(defaults[0].files[0]).mtimeMs;
  const again = await resolveCategories('default', { cacheDir });
  assert.deepEqual(
    again.map((c) => c.files),
    defaults.map((c) => c.files),
  );
  assert.equal(statSync(defaults[0].files[0]).mtimeMs, before);
});
