// What the loader fuzz suite found, kept as plain regression tests: a literal `{` in a regex hung
// the translator, a rank file without a single merge loaded as an empty tokenizer, and a manifest
// glob with an invalid bracket class threw a SyntaxError instead of a UserError naming the file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserError } from '../../src/common/errors.js';
import { compileRegex } from '../../src/tokenizer/regex.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { resolveCategories } from '../../src/corpus/resolve.js';

const dir = mkdtempSync(join(tmpdir(), 'tokmix-fuzz-found-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a brace that is no quantifier is a literal brace, as in Oniguruma', () => {
  for (const [source, text, expected] of [
    ['a{}', 'xa{}y', ['a{}']],
    ['a{', 'a{a', ['a{']],
    ['{,}|b', '{,}b', ['{,}', 'b']],
    ['p{}+|\\s+', 'p{}}} ', ['p{}}}', ' ']],
  ] as const) {
    const re = compileRegex(source, 'test');
    assert.deepEqual(text.match(new RegExp(re.source, 'gu')), expected, source);
  }
});

test('a rank file none of whose tokens joins two others is refused, naming the file', async () => {
  const ranks = join(dir, 'r50k.tiktoken');
  // Only single bytes: nothing to merge.
  writeFileSync(ranks, ['IQ== 0', 'Ig== 1', 'Iw== 2'].join('\n'));
  await assert.rejects(loadTokenizer(ranks), (error: unknown) => {
    assert.ok(isUserError(error), String(error));
    assert.match(error.message, /r50k\.tiktoken: no merges: none of its 3 tokens/);
    return true;
  });
});

test('a manifest glob with an invalid bracket class is a UserError naming the manifest', async () => {
  writeFileSync(join(dir, 'a.txt'), 'text\n');
  const manifest = join(dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({ categories: [{ name: 'a', files: ['[z-a].txt'] }] }));
  await assert.rejects(resolveCategories(manifest), (error: unknown) => {
    assert.ok(isUserError(error), String(error));
    assert.match(
      error.message,
      /manifest\.json: malformed manifest: category "a": "\[z-a\]\.txt" is not a valid glob/,
    );
    return true;
  });
});
