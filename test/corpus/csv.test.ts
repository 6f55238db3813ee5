// The strict CSV/TSV reader: quoting as RFC 4180 (and papaparse) read it, the same rows whatever
// the chunking, over-long fields cut with a count, and malformed files refused naming the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvReader } from '../../src/corpus/csv.js';
import { forEachSequence } from '../../src/corpus/sequences.js';
import { sourceOf } from '../../src/corpus/read.js';
import { tempDir } from './helpers.js';

function rows(input: string, chunk: number, options: { tsv?: boolean; max?: number } = {}): string[] {
  const out: string[] = [];
  const reader = new CsvReader(
    't.csv',
    options.tsv ? 'tsv' : 'csv',
    'text',
    options.max ?? 1000,
    (bytes, cut) => out.push((cut ? '[cut]' : '') + bytes.toString('utf8')),
  );
  const bytes = Buffer.from(input, 'utf8');
  for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk));
  reader.end();
  return out;
}

test('quoted fields, "" escapes, CRLF rows and empty lines read the same at any chunking', () => {
  const input =
    'id, text ,other\r\n' +
    '1,plain,x\r\n' +
    '\r\n' +
    '2,"with, comma and ""quotes""",y\r\n' +
    '3,"two\r\nlines",z\n' +
    '4,,w\n' +
    '5,a "loose" quote,v\n' +
    '6,"ünïcödé 日本",u\n' +
    '7,cr\rinside,t';
  const expected = [
    'plain',
    'with, comma and "quotes"',
    'two\r\nlines',
    '',
    'a "loose" quote',
    'ünïcödé 日本',
    'cr\rinside',
  ];
  for (const chunk of [1, 2, 3, 7, 1000]) assert.deepEqual(rows(input, chunk), expected, `chunk ${chunk}`);
  assert.deepEqual(rows('text\tn\n"a\tb"\t1\nc\t2\n', 3, { tsv: true }), ['a\tb', 'c']);
});

test('a field longer than the limit is cut at a character boundary, the same at any chunking', () => {
  const long = 'é'.repeat(40);
  const input = `text,n\n"${long}",1\nshort,2\n${long},3\n`;
  for (const chunk of [1, 5, 64, 1000]) {
    assert.deepEqual(
      rows(input, chunk, { max: 25 }),
      [`[cut]${'é'.repeat(12)}`, 'short', `[cut]${'é'.repeat(12)}`],
      `chunk ${chunk}`,
    );
  }
});

test('malformed CSV is refused with the line and what to fix', () => {
  const fails = (input: string, pattern: RegExp): void => {
    for (const chunk of [1, 1000]) {
      assert.throws(
        () => rows(input, chunk),
        (error: Error) => error.name === 'UserError' && pattern.test(error.message),
      );
    }
  };
  // An unterminated quote would otherwise fold every later row into one field.
  fails('text,n\na,1\n"b,2\nc,3\nd,4\n', /^t\.csv: line 3: a quoted field is never closed .*double each "/);
  fails('text,n\n"a"b,1\n', /^t\.csv: line 2: text after the closing quote/);
  fails('text,n\n"a"\rb,1\n', /^t\.csv: line 2: text after the closing quote/);
  fails(
    'text,n\na,1\nb,2,3\n',
    /^t\.csv: line 3: 3 fields where the header has 2; quote fields holding commas/,
  );
  fails('text,n\na,1\nb\n', /^t\.csv: line 3: 1 field where the header has 2/);
  fails('body,n\na,1\n', /^t\.csv: no column "text" \(columns: body, n\); pass --text-column/);
  // An empty file has no rows and no error (the category's own emptiness is checked elsewhere).
  assert.deepEqual(rows('', 10), []);
});

test('a .csv file with an unterminated quote fails reading with one UserError', async (t) => {
  const dir = tempDir('csv-quote');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'bad.csv');
  writeFileSync(path, 'id,text\n1,fine\n2,"oops\n3,lost\n');
  await assert.rejects(
    forEachSequence(sourceOf(path), {}, () => {}),
    (error: Error) =>
      error.name === 'UserError' && error.message.startsWith(`${path}: line 3: a quoted field`),
  );
});
