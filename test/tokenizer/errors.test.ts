// Bad input ends in one UserError line naming the file and the problem — in the library, and in
// the CLI as exit code 2 with a single stderr line and no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { createPipeline } from '../../src/tokenizer/pipeline.js';
import { isUserError } from '../../src/common/errors.js';
import { tempDir } from '../helpers/temp.js';
import { tokmix } from '../helpers/cli.js';

const dir = tempDir('bad');
const write = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const hfJson = (model: object, preTokenizer: object | null = null): string =>
  JSON.stringify({ version: '1.0', normalizer: null, pre_tokenizer: preTokenizer, model });

const BAD_INPUTS: Array<[string, string, RegExp]> = [
  ['missing file', join(dir, 'missing.json'), /no such file/],
  ['not JSON', write('broken.json', '{"model": '), /not JSON/],
  ['Unigram model', write('unigram.json', hfJson({ type: 'Unigram', vocab: [['a', 0]] })), /Unigram model/],
  [
    'WordPiece model',
    write('wordpiece.json', hfJson({ type: 'WordPiece', vocab: { a: 0 } })),
    /WordPiece model/,
  ],
  [
    'merges naming impossible byte-level symbols',
    write(
      'impossible.json',
      hfJson({ type: 'BPE', merges: ['Ġ t', 'h€ e'] }, { type: 'ByteLevel', add_prefix_space: false }),
    ),
    /merge 2 .*not made of GPT-2 byte symbols/,
  ],
  [
    'merges using a symbol before it exists',
    write('order.json', hfJson({ type: 'BPE', merges: ['Ġt he', 'Ġ t'] }, { type: 'ByteLevel' })),
    /merge 1 .*before any earlier merge/,
  ],
  [
    'unsupported pre-tokenizer',
    write('scripts.json', hfJson({ type: 'BPE', merges: ['a b'] }, { type: 'UnicodeScripts' })),
    /pre_tokenizer UnicodeScripts is not supported/,
  ],
  [
    'regex that cannot be honoured',
    write(
      'regex.json',
      hfJson(
        { type: 'BPE', merges: ['a b'] },
        { type: 'Split', pattern: { Regex: '(?i:ss)' }, behavior: 'Isolated', invert: false },
      ),
    ),
    /pre_tokenizer Split: regex .*multi-character case folding/,
  ],
  ['binary file', write('model.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])), /binary file/],
  [
    'merges.txt line with three symbols',
    write('merges.txt', '#version: 0.2\na b c\n'),
    /merges.txt:2: expected "left right"/,
  ],
  [
    'tiktoken without a known pattern',
    write('custom.tiktoken', 'YQ== 0\nYg== 1\nYWI= 2\n'),
    /--pretokenizer/,
  ],
  [
    'the same token at two tiktoken ranks',
    write('twice.tiktoken', 'YQ== 0\nYg== 1\nYWI= 2\nYQ== 3\n'),
    /twice\.tiktoken: the token "a" appears at ranks 0 and 3/,
  ],
];

for (const [what, path, message] of BAD_INPUTS) {
  test(`bad input → UserError naming the file: ${what}`, async () => {
    await assert.rejects(loadTokenizer(path), (error: unknown) => {
      assert.ok(isUserError(error), `not a UserError: ${String(error)}`);
      const text = (error as Error).message;
      assert.match(text, message);
      assert.ok(text.includes(path), `message does not name ${path}: ${text}`);
      assert.ok(!text.includes('\n'), 'one line');
      return true;
    });
  });
}

test('unknown built-in name lists the built-ins', async () => {
  await assert.rejects(
    loadTokenizer('gpt-5'),
    /gpt-5: not a built-in tokenizer nor a file; built-ins: gpt2, gpt-3.5, gpt-4o/,
  );
});

test('inconsistent alphabet is refused', () => {
  assert.throws(
    () => createPipeline({ alphabet: 'characters', normalizer: null, preTokenizer: { type: 'ByteLevel' } }),
    /needs the byte-level alphabet/,
  );
});

const runCli = (args: string[], input?: string) =>
  tokmix(args, { input, env: { TOKMIX_CACHE: join(dir, 'cache') } });

test('CLI: bad tokenizer file → exit 2, one stderr line, no stack trace', () => {
  for (const path of [join(dir, 'missing.json'), join(dir, 'unigram.json'), join(dir, 'model.bin')]) {
    const result = runCli(['tokenizers', 'show', path]);
    assert.equal(result.status, 2, result.stderr);
    const lines = result.stderr.split('\n').filter((line) => line.length > 0);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^tokmix: /);
    assert.ok(lines[0].includes(path));
    assert.equal(result.stdout, '');
  }
});

test('CLI: pretokenize from stdin prints the JSON array of pre-tokens', () => {
  const result = runCli(['tokenizers', 'pretokenize', 'gpt2', '--json'], "Hello world's  123\n");
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), ['Hello', 'Ġworld', "'s", 'Ġ', 'Ġ123', 'Ċ']);
});
