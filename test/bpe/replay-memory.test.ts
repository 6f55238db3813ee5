// Replay's memory savings must not change a byte of its output: pruned word lists and compacted
// chains against the reference that keeps every list, and the 16-bit word store widened when a
// symbol id needs more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replay, encodeTranscript } from '../../src/bpe/index.js';
import { BpeEngine } from '../../src/bpe/engine.js';
import { buildWordStore } from '../../src/bpe/word-store.js';
import type { Merge } from '../../src/tokenizer/spec.js';
import { makeCounts, rng } from './helpers.js';

test('pruned replay gives the byte-identical transcript of the replay that keeps every word list', () => {
  const random = rng(11);
  let compared = 0;
  for (let trial = 0; trial < 40; trial++) {
    const letters = 'abcde'.slice(0, 2 + (trial % 4));
    const pick = (): string => letters[Math.floor(random() * letters.length)];
    const entries: [string, number][] = [];
    for (let k = 0; k < 300; k++) {
      let word = '';
      const n = 1 + Math.floor(random() * 12);
      for (let i = 0; i < n; i++) word += pick();
      entries.push([word, 1 + Math.floor(random() * 9)]);
    }
    // Merges of single letters and of earlier results, so some results are made twice (a word can
    // then gain back a pair it lost) and some merges are absent.
    const made: string[] = [...letters];
    const mergeList: Merge[] = [];
    for (let t = 0; t < 60; t++) {
      const part = (): string => made[Math.floor(random() * made.length)];
      const merge: Merge = [part(), part()];
      mergeList.push(merge);
      made.push(merge[0] + merge[1]);
    }
    const counts = makeCounts(`trial-${trial}`, entries);
    const spec = { alphabet: 'characters' as const, mergeList };
    const pruned = encodeTranscript(replay(counts, spec, mergeList.length));
    const reference = encodeTranscript(replay(counts, spec, mergeList.length, { pruneWordLists: false }));
    assert.ok(Buffer.from(pruned).equals(Buffer.from(reference)), `trial ${trial}: transcripts differ`);
    compared++;
  }
  assert.equal(compared, 40);
});

test('the word store is 16-bit until a symbol id needs more, then 32-bit with every id kept', () => {
  const sources = [{ words: ['ab', 'xyz', 'ba'], counts: Float64Array.from([2, 1, 3]) }];
  const narrow = buildWordStore(sources, (char) => char.charCodeAt(0));
  assert.ok(narrow.symbols instanceof Uint16Array);
  const big = (char: string): number => (char === 'y' ? 70000 : char.charCodeAt(0));
  const wide = buildWordStore(sources, big);
  assert.ok(wide.symbols instanceof Int32Array);
  assert.deepEqual([...wide.symbols], [97, 98, 120, 70000, 122, 98, 97]);
});

test('weights are 32-bit integers when all are whole and fit, else 64-bit floats', () => {
  const id = (char: string): number => char.charCodeAt(0);
  const store = (counts: number[]) =>
    buildWordStore([{ words: ['ab', 'b', 'c'], counts: Float64Array.from(counts) }], id);
  const whole = store([3, 0, 4294967295]);
  assert.ok(whole.weight instanceof Uint32Array);
  assert.deepEqual([...whole.weight], [3, 4294967295]);
  const fractional = store([1.5, 2, 3]);
  assert.ok(fractional.weight instanceof Float64Array);
  assert.deepEqual([...fractional.weight], [1.5, 2, 3]);
  const large = store([1, 2, 4294967296]);
  assert.ok(large.weight instanceof Float64Array);
  assert.deepEqual([...large.weight], [1, 2, 4294967296]);
});

test('a merge whose result id exceeds 16 bits widens the store and lands intact', () => {
  const words = buildWordStore([{ words: ['abab', 'cab'], counts: Float64Array.from([1, 5]) }], (char) =>
    char.charCodeAt(0),
  );
  assert.ok(words.symbols instanceof Uint16Array);
  const engine = new BpeEngine(words, { trueCounts: true, chainChunks: true });
  engine.countInitialPairs();
  const p = engine.pairs.get(97, 98);
  engine.beginStep();
  engine.mergePairEverywhere(p, 97, 98, 100000);
  engine.endStep(false);
  assert.ok(engine.words.symbols instanceof Int32Array);
  const word = (w: number): number[] => [
    ...engine.words.symbols.subarray(engine.words.start[w], engine.words.start[w] + engine.words.length[w]),
  ];
  assert.deepEqual(word(0), [100000, 100000]);
  assert.deepEqual(word(1), [99, 100000]);
  assert.equal(engine.pairCount[engine.pairs.get(100000, 100000)], 1);
  assert.equal(engine.pairCount[engine.pairs.get(99, 100000)], 5);
  assert.equal(engine.pairCount[p], 0);
});
