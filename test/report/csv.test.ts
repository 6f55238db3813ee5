// The CSV tables: text cells that a spreadsheet would evaluate (=, +, -, @, tab, CR first) are
// defused with a leading quote, numbers (negative ones too) are left as they are, and RFC 4180
// quoting still holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { csvField, proportionsCsv, validationCsv } from '../../src/report/csv.js';
import { makeInferResult, makeValidationResult } from './fixtures.js';

test('text cells opening with a formula character get a leading quote', () => {
  assert.equal(csvField('=1+1'), "'=1+1");
  assert.equal(csvField('+SUM(A1)'), "'+SUM(A1)");
  assert.equal(csvField('-2+3'), "'-2+3");
  assert.equal(csvField('@cmd'), "'@cmd");
  assert.equal(csvField('\tx'), "'\tx");
  assert.equal(csvField('\r=x'), `"'\r=x"`);
  assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvField('a=b'), 'a=b');
  assert.equal(csvField('english'), 'english');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
});

test('numbers are written as numbers, negative ones included', () => {
  assert.equal(csvField(-0.25), '-0.25');
  assert.equal(csvField(1e-7), '1e-7');
  assert.equal(csvField(Number.NaN), '');
  assert.equal(csvField(undefined), '');
});

test('a hostile category name lands defused in proportions.csv and round-trips', () => {
  const result = makeInferResult();
  const hostile = ['=1+1', '+cmd|x', '-@y', '@SUM(A1:A9)', '\tTab', '\rCR'];
  hostile.forEach((name, i) => (result.categories[i].name = name));
  const parsed = Papa.parse<string[]>(proportionsCsv(result).trimEnd(), { newline: '\n' });
  const names = parsed.data.slice(1).map((row) => row[0]);
  for (const name of hostile) assert.ok(names.includes(`'${name}`), `${JSON.stringify(name)} in ${names}`);
  for (const row of parsed.data.slice(1)) {
    assert.doesNotMatch(row[0], /^[=+\-@\t\r]/);
    assert.ok(Number.isFinite(Number(row[4])), 'byte_share stays a number');
  }
});

test('validation.csv keeps negative log10 MSE values as numbers', () => {
  const v = makeValidationResult();
  const rows = validationCsv(v).trimEnd().split('\n').slice(1);
  assert.ok(rows.length > 0);
  for (const row of rows) {
    const cells = row.split(',');
    assert.ok(Number(cells[3]) < 0, row);
    assert.doesNotMatch(cells[3], /^'/);
  }
});
