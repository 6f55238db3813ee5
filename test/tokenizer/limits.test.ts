// Hostile tokenizer files end in one UserError naming the file and the limit: components nested
// thousands deep, files too large to read, too many merges, merges outside the vocabulary.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { createPipeline } from '../../src/tokenizer/pipeline.js';
import { isUserError } from '../../src/common/errors.js';
import { MAX_JSON_CONTAINER_ENTRIES, MAX_MERGES, componentRegexes } from '../../src/tokenizer/limits.js';
import type { HfComponent } from '../../src/tokenizer/spec.js';
import { tempDir } from '../helpers/temp.js';
import { assertUserError, tokmix } from '../helpers/cli.js';

const dir = tempDir('limits');
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string): string => {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
};
const hfJson = (
  model: object,
  preTokenizer: object | null = null,
  normalizer: object | null = null,
): string => JSON.stringify({ version: '1.0', normalizer, pre_tokenizer: preTokenizer, model });

function nested(depth: number, key: 'pretokenizers' | 'normalizers', leaf: HfComponent): HfComponent {
  let component = leaf;
  for (let k = 0; k < depth; k++) component = { type: 'Sequence', [key]: [component] };
  return component;
}

async function assertRefused(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadTokenizer(path), (error: unknown) => {
    assert.ok(isUserError(error), `not a UserError: ${String(error)}`);
    const message = (error as Error).message;
    assert.match(message, pattern);
    assert.ok(message.includes(path), `does not name ${path}: ${message}`);
    assert.ok(!message.includes('\n'));
    return true;
  });
}

const BPE = { type: 'BPE', merges: ['a b'] };

test('2,000 nested Sequence pre-tokenizers are refused, not a stack overflow', async () => {
  const deep = nested(2000, 'pretokenizers', { type: 'Digits', individual_digits: true });
  await assertRefused(write('deep-pre.json', hfJson(BPE, deep)), /"pre_tokenizer" nests more than 64 levels/);
});

test('2,000 nested Sequence normalizers are refused', async () => {
  const deep = nested(2000, 'normalizers', { type: 'NFC' });
  await assertRefused(write('deep-norm.json', hfJson(BPE, null, deep)), /"normalizer" nests more than 64/);
});

test('deep JSON hidden in a field of a component is refused too', async () => {
  // Written by hand: JSON.stringify itself would overflow on 100,000 levels.
  const junk = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
  const text = hfJson(BPE, { type: 'Digits', extra: 0 }).replace('"extra":0', `"extra":${junk}`);
  await assertRefused(write('deep-junk.json', text), /"pre_tokenizer" nests more than 64/);
});

test('nesting within the limit still loads, and the pipeline itself checks depth', async () => {
  const ok = nested(20, 'pretokenizers', { type: 'Digits', individual_digits: true });
  const spec = await loadTokenizer(write('ok-depth.json', hfJson(BPE, ok)));
  assert.deepEqual(createPipeline(spec).preTokenize('a12'), ['a', '1', '2']);
  assert.throws(
    () =>
      createPipeline({
        alphabet: 'characters',
        normalizer: null,
        preTokenizer: nested(5000, 'pretokenizers', { type: 'Digits' }),
      }),
    (error: unknown) => isUserError(error) && /nests more than 64/.test((error as Error).message),
  );
});

test('a tokenizer file larger than 512 MB is refused before it is read', async () => {
  const path = join(dir, 'huge', 'tokenizer.json');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '');
  truncateSync(path, 600 * 1024 * 1024); // sparse: no disk used, but stat says 600 MB
  const started = performance.now();
  await assertRefused(path, /600 MB is larger than the 512 MB/);
  assert.ok(performance.now() - started < 2000, 'the file was read');
});

test('more merges than the limit are refused', async () => {
  const lines = new Array<string>(MAX_MERGES + 1).fill('a b');
  await assertRefused(
    write('many/merges.txt', `#version: 0.2\n${lines.join('\n')}\n`),
    /2000001 merges, more than the 2000000/,
  );
});

test('tokenizer.json: a merge whose result is not in the vocabulary is refused, naming the merge', async () => {
  const vocab = { a: 0, b: 1, c: 2, ab: 3 };
  await assertRefused(
    write('novocab.json', hfJson({ type: 'BPE', vocab, merges: ['a b', 'ab c'] })),
    /merge 2 \("ab" "c"\) produces "abc", which is not in the vocabulary/,
  );
  await assertRefused(
    write('nopart.json', hfJson({ type: 'BPE', vocab: { a: 0, ab: 1 }, merges: [['a', 'b']] })),
    /merge 1 \("a" "b"\) uses "b", which is not in the vocabulary/,
  );
  const spec = await loadTokenizer(
    write('fullvocab.json', hfJson({ type: 'BPE', vocab: { ...vocab, abc: 4 }, merges: ['a b', 'ab c'] })),
  );
  assert.equal(spec.mergeList.length, 2);
});

test('byte-level vocab keys are compared as the file spells them', async () => {
  const vocab = { Ġ: 0, t: 1, h: 2, Ġt: 3, Ġth: 4 };
  const pre = { type: 'ByteLevel', add_prefix_space: false };
  const spec = await loadTokenizer(
    write('bl.json', hfJson({ type: 'BPE', vocab, merges: ['Ġ t', 'Ġt h'] }, pre)),
  );
  assert.deepEqual(spec.mergeList, [
    ['Ġ', 't'],
    ['Ġt', 'h'],
  ]);
});

test('merges.txt with a vocab.json beside it: a missing result is refused, naming both files', async () => {
  const merges = write('mt/merges.txt', '#version: 0.2\na b\nab c\n');
  write('mt/vocab.json', JSON.stringify({ a: 0, b: 1, c: 2, ab: 3 }));
  await assertRefused(merges, /merge 2 \("ab" "c"\) produces "abc".*not in the vocabulary/);
  await assert.rejects(loadTokenizer(merges), /vocab\.json/);
});

test('componentRegexes names the user regexes of a pipeline, in order', () => {
  const pre = {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated' },
      { type: 'Split', pattern: { String: ' ' }, behavior: 'Isolated' },
      { type: 'ByteLevel' },
    ],
  };
  const normalizer = { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' };
  assert.deepEqual(componentRegexes({ normalizer, preTokenizer: pre }), [
    'normalizer Replace regex "\\\\s+"',
    'pre_tokenizer Split regex "(a+)+$"',
  ]);
});

test('CLI: a deeply nested tokenizer.json ends in exit 2 and one tokmix line', () => {
  const path = join(dir, 'deep-pre.json');
  const run = tokmix(['tokenizers', 'show', path], { env: { TOKMIX_CACHE: join(dir, 'cache') } });
  assertUserError(run, /^tokmix: .*deep-pre\.json.*nests more than 64/);
});

test('a vocabulary of millions of entries is refused before JSON.parse, which would take minutes', async () => {
  const entries = MAX_JSON_CONTAINER_ENTRIES + 1;
  const vocab = Array.from({ length: entries }, (_, i) => `"t${i.toString(36)}":${i}`).join(',');
  const path = write(
    'huge-vocab.json',
    `{"version":"1.0","normalizer":null,"pre_tokenizer":null,"model":{"type":"BPE","vocab":{${vocab}},"merges":["a b"]}}`,
  );
  await assertRefused(path, /a JSON object or array with more than \d+ entries/);
  // Commas inside strings are not entries: a small file of long comma-filled tokens loads.
  const commas = ','.repeat(1000);
  const quoted = write(
    'commas.json',
    hfJson({ type: 'BPE', vocab: { [commas]: 0, a: 1, b: 2, ab: 3 }, merges: ['a b'] }),
  );
  assert.equal((await loadTokenizer(quoted)).mergeList.length, 1);
});
