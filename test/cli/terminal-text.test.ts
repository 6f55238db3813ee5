// Names reach the terminal escaped: a category folder named with an escape sequence (window title,
// clear screen) or a newline shows as `\u001b]0;…` in tables, progress lines and errors, and
// every error, whatever it echoes, is one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine, withoutControls } from '../../src/cli/terminal-text.js';
import { tokmix } from '../helpers/cli.js';
import { tempFolder } from '../helpers/temp.js';

const TITLE = '\u001b]0;PWNED\u0007\u001b[2J';
// eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('control characters are escaped as JSON escapes, so JSON text stays the same JSON', () => {
  assert.equal(oneLine(TITLE), '\\u001b]0;PWNED\\u0007\\u001b[2J');
  assert.equal(oneLine('a\nb\tc\r\u0000\u0085\u202e'), 'a\\nb\\tc\\r\\u0000\\u0085\\u202e');
  assert.equal(withoutControls('row 1\nrow\t2\u001b[2J'), 'row 1\nrow\t2\\u001b[2J');
  const value = { name: `x\u0085\u2028\u007f${TITLE}` };
  assert.deepEqual(JSON.parse(withoutControls(JSON.stringify(value, null, 2))), value);
  assert.equal(oneLine('café ✓ 中文'), 'café ✓ 中文', 'printable text is untouched');
});

test('a category named with escape sequences or a newline: escaped in the table, the progress and errors', (t) => {
  const dir = tempFolder(t, 'terminal');
  for (const name of [TITLE, 'two\nlines', 'plain']) {
    mkdirSync(join(dir, 'cats', name), { recursive: true });
    writeFileSync(
      join(dir, 'cats', name, 'a.txt'),
      'the quick brown fox jumps over the lazy dog\n'.repeat(20),
    );
  }
  const run = tokmix(['count', 'gpt2', '--categories', join(dir, 'cats'), '--cache-dir', join(dir, 'cache')]);
  assert.equal(run.status, 0, run.stderr);
  for (const [what, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ]) {
    assert.doesNotMatch(text, RAW_CONTROL, `${what} holds a raw control character`);
  }
  assert.match(run.stdout, /\\u001b\]0;PWNED\\u0007\\u001b\[2J/);
  const rows = run.stdout.split('\n').filter((line) => /^(\\u001b|two|plain)/.test(line));
  assert.equal(rows.length, 3, run.stdout);
  assert.ok(
    rows.some((row) => row.startsWith('two\\nlines')),
    'the newline is shown, not obeyed',
  );

  // An error echoing a hostile value is one line; so is --name in the summary.
  const missing = tokmix(['count', 'gpt2', '--categories', join(dir, `no\n#SBATCH --wrap=x${TITLE}`)]);
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr.trimEnd().split('\n').length, 1, missing.stderr);
  assert.doesNotMatch(missing.stderr.trimEnd(), RAW_CONTROL);
  assert.match(missing.stderr, /^tokmix: .*no\\n#SBATCH --wrap=x\\u001b/);
});
