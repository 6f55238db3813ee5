// The baselines on constructed cases whose right answer is known: BPE token counting, the byte
// matcher, token classification and encoding efficiency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BpeEncoder, countTokens } from '../../src/bpe/encode.js';
import { ByteMatcher } from '../../src/experiment/byte-matcher.js';
import {
  countTokenOccurrences,
  tokenBytes,
  tokenClassificationShares,
  vocabularyBytes,
} from '../../src/experiment/tc.js';
import { teeShares } from '../../src/experiment/tee.js';
import { uniformBaseline, randomBaseline } from '../../src/experiment/baselines.js';
import { createRng } from '../../src/common/random.js';
import type { Merge } from '../../src/tokenizer/spec.js';
import { textOnlyTokenizerJson } from '../../src/tokenizer/formats/hf-json.js';
import { tempDir } from '../helpers/temp.js';

test('BPE encoding applies merges by rank, left to right without overlaps', () => {
  const merges: Merge[] = [
    ['a', 'a'],
    ['aa', 'a'],
    ['b', 'c'],
  ];
  const enc = new BpeEncoder(merges);
  assert.equal(enc.encodedLength('aaa'), 1); // (aa) a, then (aa,a)
  assert.equal(enc.encodedLength('aaaa'), 2); // (aa)(aa)
  assert.equal(enc.encodedLength('abc'), 2); // a (bc)
  assert.equal(enc.encodedLength('xyz'), 3);
  assert.equal(enc.encodedLength(''), 0);
  // Pre-token counts weight each distinct word's length.
  assert.equal(countTokens({ words: ['aaaa', 'bc', 'q'], counts: [2, 3, 1] }, merges), 2 * 2 + 3 * 1 + 1);
});

test('BPE encoding equals the native tokenizers package on a trained merge list', async () => {
  const tokenizers = (await import('tokenizers')).default;
  const { writeFileSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = tempDir('encode');
  const corpus = 'the cat sat on the mat with the hat\nthat hat is the best hat of all hats\n'.repeat(20);
  writeFileSync(join(dir, 'train.txt'), corpus);
  const json = textOnlyTokenizerJson({
    alphabet: 'byte-level',
    normalizer: null,
    preTokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  });
  const tok = tokenizers.Tokenizer.fromString(json);
  tok.train([join(dir, 'train.txt')]);
  tok.save(join(dir, 'tok.json'));
  const saved = JSON.parse(readFileSync(join(dir, 'tok.json'), 'utf8'));
  const merges: Merge[] = saved.model.merges.map((m: string | string[]) =>
    Array.isArray(m) ? [m[0], m[1]] : [m.slice(0, m.indexOf(' ', 1)), m.slice(m.indexOf(' ', 1) + 1)],
  );
  const enc = new BpeEncoder(merges.slice(0, 12));
  const limited = tokenizers.Tokenizer.fromString(
    JSON.stringify({ ...saved, model: { ...saved.model, merges: saved.model.merges.slice(0, 12) } }),
  );
  // Every symbol below is in the trained alphabet (the native encoder drops unknown ones).
  for (const text of ['the', 'Ġthat', 'Ġhats', 'Ġbattle', 'Ġmathematics', 'Ġthe']) {
    const native = await limited.encode(text.replace('Ġ', ' '));
    assert.equal(enc.encodedLength(text), native.getTokens().length, text);
  }
});

test('the byte matcher counts overlapping occurrences and patterns that are suffixes of others', () => {
  const patterns = ['he', 'she', 'hers', 'ee'].map((s) => Buffer.from(s));
  const m = new ByteMatcher(patterns);
  m.scan(Buffer.from('ushers'));
  m.scan(Buffer.from('sheeee'));
  assert.deepEqual([...m.counts()], [2, 2, 1, 3]);
  m.reset();
  m.scan(Buffer.from('he'));
  assert.deepEqual([...m.counts()], [1, 0, 0, 0]);
});

test('token bytes decode byte-level symbols and SentencePiece spaces', () => {
  assert.deepEqual([...tokenBytes('Ġthe', 'byte-level')], [...Buffer.from(' the')]);
  assert.deepEqual([...tokenBytes('▁the', 'characters')], [...Buffer.from(' the')]);
  const vocab = vocabularyBytes(
    [
      ['a', 'b'],
      ['ab', 'c'],
      ['a', 'b'],
    ],
    'byte-level',
  );
  assert.equal(vocab.length, 2);
});

test('token classification assigns each token where it is most frequent per byte', async () => {
  // Category 0 is English-like, category 1 holds only "zz" runs. Tokens: "th", "he", "zz", "qq".
  const vocabulary = ['th', 'he', 'zz', 'qq'].map((s) => Buffer.from(s));
  const english = await countTokenOccurrences(vocabulary, ['the the the', 'then']);
  const zeds = await countTokenOccurrences(vocabulary, ['zzzz zz the']);
  assert.deepEqual([...english.counts], [4, 4, 0, 0]);
  assert.deepEqual([...zeds.counts], [1, 1, 4, 0]);
  // Per byte: "th" 4/15 vs 1/11 -> cat 0; "he" same; "zz" -> cat 1; "qq" nowhere -> unassigned.
  assert.deepEqual(tokenClassificationShares([english, zeds]), [2 / 3, 1 / 3]);
  // Normalization by sample size: the same text repeated does not move a token.
  const bigger = await countTokenOccurrences(vocabulary, ['the the the', 'then', 'the the the', 'then']);
  assert.deepEqual(tokenClassificationShares([bigger, zeds]), [2 / 3, 1 / 3]);
});

test('encoding efficiency: a category encoded as well as by its own tokenizer gets the larger share', () => {
  // Category 0: mixture tokenizer as good as its own (ratio 1); category 1: twice as many tokens (0.5).
  assert.deepEqual(teeShares([100, 200], [100, 100]), [2 / 3, 1 / 3]);
  assert.deepEqual(teeShares([0, 50], [10, 50]), [0, 1]);
});

test('random and uniform baselines', () => {
  assert.deepEqual(uniformBaseline(4), [0.25, 0.25, 0.25, 0.25]);
  const r = randomBaseline(6, createRng(5));
  assert.equal(r.length, 6);
  assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});
