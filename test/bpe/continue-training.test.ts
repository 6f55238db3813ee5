// Continued training (`initialMerges`), the way a tokenizer is extended: continuing from a prefix
// of a run's own list reproduces the run, and every learned merge after another text's list is the
// most frequent pair of the text as the merges before it left it.
// @tag slow: trains tokenizers (left out by npm run test:unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { trainBpeRun } from '../../src/bpe/index.js';
import { multilingualLines, codeLines, writeLines, nativeCounts, GPT2_PRETOKENIZER } from './corpora.js';
import { bruteMerge, brutePairCounts, firstDifference } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('bpe-continue');

test('continuing from the first k merges of a run on the same text gives the run itself', () => {
  const path = join(dir, 'multilingual.txt');
  writeLines(path, multilingualLines(120_000));
  const counts = nativeCounts(path, GPT2_PRETOKENIZER);
  const full = trainBpeRun([counts], 1200).mergeList;
  for (const k of [0, 1, 300, 1199]) {
    const continued = trainBpeRun([counts], 1200 - k, { initialMerges: full.slice(0, k) });
    assert.equal(firstDifference(continued.mergeList, full), -1, `from ${k} merges`);
  }
});

test("after another text's merges, each learned merge is the most frequent pair left", () => {
  const basePath = join(dir, 'base.txt');
  const extensionPath = join(dir, 'extension.txt');
  writeLines(basePath, codeLines(60_000));
  writeLines(extensionPath, multilingualLines(60_000));
  const base = trainBpeRun([nativeCounts(basePath, GPT2_PRETOKENIZER)], 400).mergeList;
  const counts = nativeCounts(extensionPath, GPT2_PRETOKENIZER);
  const added = 150;
  const { mergeList } = trainBpeRun([counts], added, { initialMerges: base });
  assert.equal(mergeList.length, base.length + added);
  assert.equal(firstDifference(mergeList.slice(0, base.length), base), -1, 'the base list comes first');

  // Brute force: the text's words as byte-level symbols, every merge applied everywhere in order.
  let words = counts.words.map((w) => [...w]);
  const weights = [...counts.counts];
  for (const merge of base) words = words.map((symbols) => bruteMerge(symbols, merge));
  const baseKeys = new Set(base.map(([a, b]) => `${a}\u0000${b}`));
  for (let j = 0; j < added; j++) {
    const merge = mergeList[base.length + j];
    const key = `${merge[0]}\u0000${merge[1]}`;
    assert.ok(!baseKeys.has(key), `learned merge ${j} repeats a base merge`);
    const pairCounts = brutePairCounts(words, weights);
    const best = Math.max(...pairCounts.values());
    assert.equal(
      pairCounts.get(key),
      best,
      `learned merge ${j} (${merge.join(' ')}) is not the most frequent`,
    );
    words = words.map((symbols) => bruteMerge(symbols, merge));
  }
});
