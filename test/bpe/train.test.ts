// Our trainer against the native Hugging Face trainer (merge for merge, ties included) on
// multilingual, code and mixed text with two pre-tokenizers; replay of a trained list over its
// own text makes every merge the most frequent pair; sampled transcript steps match a recount.
// @tag slow: trains against the native trainer (left out by npm run test:unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  trainBpeRun,
  trainNativeRun,
  replay,
  TranscriptCursor,
  buildSymbolTable,
  pairSymbols,
} from '../../src/bpe/index.js';
import type { HfComponent } from '../../src/tokenizer/spec.js';
import {
  multilingualLines,
  codeLines,
  mixedLines,
  writeLines,
  nativeCounts,
  GPT2_PRETOKENIZER,
  DIGITS_GPT2_PRETOKENIZER,
} from './corpora.js';
import { bruteMerge, brutePairCounts, firstDifference, rng } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('bpe-test');

const corpora: [string, (bytes: number) => string[]][] = [
  ['multilingual', multilingualLines],
  ['code', codeLines],
  ['mixed', mixedLines],
];
const preTokenizers: [string, HfComponent][] = [
  ['gpt2', GPT2_PRETOKENIZER],
  ['digits+gpt2', DIGITS_GPT2_PRETOKENIZER],
];

for (const [corpus, lines] of corpora) {
  test(`${corpus}: our merges equal the native trainer's for both pre-tokenizers (1,500 merges)`, async () => {
    const path = join(dir, `${corpus}.txt`);
    writeLines(path, lines(120_000));
    for (const [name, preTokenizer] of preTokenizers) {
      const native = await trainNativeRun(
        [path],
        { alphabet: 'byte-level', normalizer: null, preTokenizer },
        1500,
      );
      assert.equal(native.mergeList.length, 1500, native.note);
      const ours = trainBpeRun([nativeCounts(path, preTokenizer)], 1500);
      assert.equal(firstDifference(ours.mergeList, native.mergeList), -1, `${corpus} / ${name}`);
    }
  });
}

test('full runs on small repetitive texts equal the native trainer to the last merge', async () => {
  const random = rng(11);
  for (const letters of ['ab', 'abc', 'aab']) {
    const text: string[] = [];
    for (let l = 0; l < 150; l++) {
      const words: string[] = [];
      for (let k = 0; k < 8; k++) {
        let w = '';
        const n = 1 + Math.floor(random() * 10);
        for (let i = 0; i < n; i++) w += letters[Math.floor(random() * letters.length)];
        words.push(w);
      }
      text.push(words.join(random() < 0.3 ? '  ' : ' '));
    }
    const path = join(dir, `random-${letters}.txt`);
    writeLines(path, text);
    const native = await trainNativeRun(
      [path],
      { alphabet: 'byte-level', normalizer: null, preTokenizer: GPT2_PRETOKENIZER },
      100_000,
    );
    const ours = trainBpeRun([nativeCounts(path, GPT2_PRETOKENIZER)], 100_000, { vocabSize: 30_000 });
    assert.ok(ours.exhausted);
    assert.equal(firstDifference(ours.mergeList, native.mergeList), -1, letters);
  }
});

test('replaying a trained merge list over its own text: every merge is the most frequent pair', () => {
  const path = join(dir, 'self.txt');
  writeLines(path, mixedLines(100_000));
  const counts = nativeCounts(path, GPT2_PRETOKENIZER);
  const { mergeList } = trainBpeRun([counts], 1000);
  const transcript = replay(counts, { alphabet: 'byte-level', mergeList }, 1000);
  assert.equal(transcript.totals.absentSteps, 0);
  const cursor = new TranscriptCursor(transcript);
  for (let t = 0; t < 1000; t++) {
    let best = 0;
    for (let p = 0; p < cursor.counts.length; p++) if (cursor.counts[p] > best) best = cursor.counts[p];
    assert.equal(cursor.mergeCount(), best, `step ${t}: merge ${mergeList[t]} is not the most frequent pair`);
    cursor.advance();
  }
});

test('transcript counts at sampled steps of a real text equal a brute-force recount', () => {
  const path = join(dir, 'brute.txt');
  writeLines(path, multilingualLines(25_000));
  const counts = nativeCounts(path, DIGITS_GPT2_PRETOKENIZER);
  const steps = 300;
  const { mergeList } = trainBpeRun([counts], steps);
  const transcript = replay(counts, { alphabet: 'byte-level', mergeList }, steps);
  const table = buildSymbolTable('byte-level', mergeList, steps);
  const cursor = new TranscriptCursor(transcript);
  let words = counts.words.map((w) => [...w]);
  const weights = [...counts.counts];
  const sampled = new Set([0, 1, 7, 50, 123, 299]);
  for (let t = 0; t < steps; t++) {
    if (sampled.has(t)) {
      const truth = brutePairCounts(words, weights);
      const seen = new Map<string, number>();
      for (let p = 0; p < cursor.counts.length; p++) {
        if (cursor.counts[p] === 0) continue;
        const [a, b] = pairSymbols(transcript, table.symbols, p);
        seen.set(`${a}\u0000${b}`, cursor.counts[p]);
      }
      assert.deepEqual(seen, truth, `step ${t}`);
    }
    words = words.map((w) => bruteMerge(w, mergeList[t]));
    cursor.advance();
  }
});
