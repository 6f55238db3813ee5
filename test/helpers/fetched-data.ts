// Stand-ins for the category data fetched on first use (quran-json, SpamAssassin): synthetic files
// placed in a test's cache folder as fetchPackage leaves them (files + .tokmix-package.json with the
// pinned integrity), so the built-in sets build without the network and without third-party text.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fetchedPackageDir } from '../../src/common/npm-fetch.js';
import { readRecipes } from '../../src/corpus/builtin/locate.js';

/** Letters of the script each Quran translation is in (by the recipe's language tag). */
const LETTERS: Record<string, string> = {
  ar: 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
  ur: 'ابتثجحخدذرزسشصضطظعغفقكلمنهوی',
  bn: 'কখগঘঙচছজঝঞটঠডঢণতথদধনপফবভমযরলশষসহ',
  ru: 'абвгдежзийклмнопрстуфхцчшщыэюя',
  zh: '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年',
};

function words(tag: string, bytes: number, seed: number): string {
  const letters = [...(LETTERS[tag] ?? 'abcdefghijklmnopqrstuvwxyz')];
  let state = seed;
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    let word = '';
    const length = 2 + (state % 6);
    for (let i = 0; i < length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      word += letters[(state >>> 16) % letters.length];
    }
    out.push(word);
    size += Buffer.byteLength(word) + 1;
  }
  return out.join(' ');
}

function seed(
  cacheDir: string,
  name: string,
  version: string,
  integrity: string,
  files: Record<string, string>,
): void {
  const dir = fetchedPackageDir(cacheDir, name, version);
  const manifest: Record<string, { size: number; sha256: string }> = {};
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    manifest[path] = {
      size: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  }
  writeFileSync(
    join(dir, '.tokmix-package.json'),
    JSON.stringify({ name, version, integrity, files: manifest }),
  );
}

/** Places stand-ins for every fetched source of the built-in sets in `cacheDir`. */
export function seedFetchedCategoryData(cacheDir: string): void {
  const recipes = readRecipes();
  const quran = recipes.languages.quran;
  const quranFiles: Record<string, string> = {};
  Object.entries(quran.files).forEach(([tag, { file, field }], k) => {
    const verses = Array.from({ length: 200 }, (_, v) => ({ [field]: words(tag, 3000, 1000 * k + v + 1) }));
    quranFiles[file] = JSON.stringify([{ verses }]);
  });
  seed(cacheDir, quran.package, quran.fetch!.version, quran.fetch!.integrity, quranFiles);
  const email = recipes.domains.email;
  const mails: Record<string, string> = {};
  for (let k = 0; k < 40; k++) {
    mails[`data/${k % 2 ? 'spam-1' : 'easy-ham-1'}/${String(k).padStart(5, '0')}.txt`] =
      `From: someone${k}@example.org\nSubject: note ${k}\n\n${words('en', 2000, 77 + k)}\n`;
  }
  seed(cacheDir, email.package!, email.fetch!.version, email.fetch!.integrity, mails);
}
