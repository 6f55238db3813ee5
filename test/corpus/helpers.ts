// Shared fixtures for the corpus tests: temporary category folders with every readable format,
// and an independent reference count (plain fs + JSON.parse + papaparse + the native pre-tokenizer).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { createNativePipeline } from '../oracles/native-pipeline.js';
import type { TokenizerSpec } from '../../src/tokenizer/spec.js';

export { tempDir } from '../helpers/temp.js';
import { tempDir } from '../helpers/temp.js';

/** The compiled tree this test runs from (e.g. dist-corpus), and the repository root. */
export function distInfo(): { dist: string; root: string } {
  const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return { dist: basename(distDir), root: dirname(distDir) };
}

/** Text meant to stress pre-tokenizers: several scripts, code, odd whitespace, contractions, digits. */
export const TRICKY_LINES = [
  "Hello world! It's a test, isn't it? They'll say 'we've' won.\n",
  '   leading spaces and trailing spaces   \n',
  '\n',
  '\r\n',
  'tabs\t\tand\u00a0no-break\u2003em space\n',
  'Ünïcödé façade — naïve café; ΑΒΓ αβγ; Привет, мир!\n',
  '日本語のテキスト、漢字とカタカナ。中文句子。한국어 문장입니다.\n',
  'مرحبا بالعالم ١٢٣ — עברית\n',
  'हिन्दी पाठ और संख्या १२३४५\n',
  'numbers 1234567890 3.14159 1,000,000 0xDEADBEEF\n',
  'const f = (x) => { return x ** 2; }; // comment\n',
  'if (a != b && c <= d) { print("ok\\n"); }\n',
  'emoji 👍🏽 family 👨‍👩‍👧 flags 🇫🇷\n',
  "ALLCAPS'S Mixed'S don'T I'M\n",
  'ﬁ ligature ① ½ ＡＢＣ fullwidth\n',
  '    \n',
  'line with CR only\rinside\n',
  'no newline at the end',
];

export interface Fixture {
  dir: string;
  /** category name → the sequences the reference reads (one per line or record). */
  sequences: Record<string, string[]>;
}

/** A folder of categories: `plain` (.txt, .txt.gz), `records` (.jsonl, .jsonl.gz), `table` (.csv, .tsv.gz). */
export function writeFixture(): Fixture {
  const dir = tempDir('corpus');
  const lines = TRICKY_LINES;
  mkdirSync(join(dir, 'plain', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'plain', 'a.txt'), lines.join(''));
  writeFileSync(join(dir, 'plain', 'nested', 'b.txt.gz'), gzipSync(lines.slice(3, 12).join('')));
  mkdirSync(join(dir, 'records'));
  const records = lines.map((text, i) => ({ id: i, text: text.repeat(1 + (i % 2)) }));
  writeFileSync(join(dir, 'records', 'r.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(
    join(dir, 'records', 's.jsonl.gz'),
    gzipSync(
      records
        .slice(0, 5)
        .map((r) => JSON.stringify(r))
        .join('\n'),
    ),
  );
  mkdirSync(join(dir, 'table'));
  writeFileSync(join(dir, 'table', 't.csv'), Papa.unparse(records.map((r) => ({ id: r.id, text: r.text }))));
  writeFileSync(
    join(dir, 'table', 'u.tsv.gz'),
    gzipSync(
      'text\tother\n' +
        lines
          .slice(0, 10)
          .map((l) => `${l.replace(/[\t\n\r"]/g, ' ')}\tx`)
          .join('\n'),
    ),
  );
  return { dir, sequences: referenceSequences(dir) };
}

function fileText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Sequences of one file, read independently of tokmix's readers. */
export function referenceFileSequences(path: string, field = 'text', column = 'text'): string[] {
  const text = fileText(path);
  const name = path.replace(/\.gz$/, '');
  if (name.endsWith('.txt')) return text.split(/(?<=\n)/).filter((s) => s.length > 0);
  if (name.endsWith('.jsonl')) {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as Record<string, string>)[field]);
  }
  const parsed = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: true,
    delimiter: name.endsWith('.tsv') ? '\t' : ',',
  });
  return parsed.data.map((row) => row[column] ?? '');
}

function referenceSequences(dir: string): Record<string, string[]> {
  const files: Record<string, string[]> = {
    plain: ['plain/a.txt', 'plain/nested/b.txt.gz'],
    records: ['records/r.jsonl', 'records/s.jsonl.gz'],
    table: ['table/t.csv', 'table/u.tsv.gz'],
  };
  const out: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(files)) {
    out[name] = list.flatMap((file) => referenceFileSequences(join(dir, file)));
  }
  return out;
}

/** Pre-token counts from the native `tokenizers` package over the given sequences. */
export function nativeCounts(
  text: Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>,
  sequences: string[],
): Map<string, number> {
  const pipeline = createNativePipeline(text);
  const counts = new Map<string, number>();
  for (const sequence of sequences) {
    for (const word of pipeline.preTokenize(pipeline.normalize(sequence)))
      counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

export function asMap(words: string[], counts: Float64Array): Map<string, number> {
  return new Map(words.map((word, i) => [word, counts[i]]));
}
