// Replay against a brute-force recount: every pair's count at every step equals the transcript's,
// absent steps are counted, and the binary transcript round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  replay,
  encodeTranscript,
  decodeTranscript,
  TranscriptCursor,
  buildSymbolTable,
  pairSymbols,
  transcriptByteSize,
} from '../../src/bpe/index.js';
import type { Merge } from '../../src/tokenizer/spec.js';
import { UserError } from '../../src/common/errors.js';
import { makeCounts, bruteMerge, brutePairCounts, rng } from './helpers.js';

function checkAgainstBruteForce(entries: [string, number][], mergeList: Merge[]): void {
  const counts = makeCounts('c', entries);
  const spec = { alphabet: 'characters' as const, mergeList };
  const original = replay(counts, spec, mergeList.length);
  const encoded = encodeTranscript(original);
  assert.equal(transcriptByteSize(original), encoded.byteLength);
  const transcript = decodeTranscript(encoded);
  const table = buildSymbolTable('characters', mergeList, mergeList.length);
  let words = entries.map(([w]) => [...w]);
  const weights = entries.map(([, c]) => c);
  const cursor = new TranscriptCursor(transcript);
  let absent = 0;
  for (let t = 0; t <= mergeList.length; t++) {
    const truth = brutePairCounts(words, weights);
    const seen = new Map<string, number>();
    for (let p = 0; p < transcript.pairLeft.length; p++) {
      if (cursor.counts[p] === 0) continue;
      const [a, b] = pairSymbols(transcript, table.symbols, p);
      seen.set(`${a}\u0000${b}`, cursor.counts[p]);
    }
    assert.deepEqual(seen, truth, `counts before step ${t}`);
    if (t === mergeList.length) break;
    const key = `${mergeList[t][0]}\u0000${mergeList[t][1]}`;
    assert.equal(cursor.mergeCount(), truth.get(key) ?? 0, `merge count at step ${t}`);
    if (!truth.get(key)) absent++;
    words = words.map((w) => bruteMerge(w, mergeList[t]));
    cursor.advance();
  }
  assert.equal(transcript.totals.absentSteps, absent);
}

test('replay counts equal a brute-force recount on overlapping runs', () => {
  checkAgainstBruteForce(
    [
      ['aaaa', 3],
      ['aaa', 2],
      ['abab', 5],
      ['ababab', 1],
      ['baaab', 2],
      ['x', 7],
    ],
    [
      ['a', 'a'],
      ['a', 'b'],
      ['ab', 'ab'],
      ['aa', 'aa'],
      ['b', 'aa'],
      ['q', 'r'],
      ['abab', 'ab'],
      ['aa', 'a'],
    ],
  );
});

test('replay counts equal a brute-force recount on random words and random merge lists', () => {
  const random = rng(7);
  for (let trial = 0; trial < 20; trial++) {
    const letters = 'abcd'.slice(0, 2 + (trial % 3));
    const entries: [string, number][] = [];
    for (let k = 0; k < 30; k++) {
      let word = '';
      const n = 1 + Math.floor(random() * 9);
      for (let i = 0; i < n; i++) word += letters[Math.floor(random() * letters.length)];
      entries.push([word, 1 + Math.floor(random() * 5)]);
    }
    // Merge list: a brute-force greedy run, with a few random (often absent) merges mixed in.
    let words = entries.map(([w]) => [...w]);
    const mergeList: Merge[] = [];
    for (let t = 0; t < 25; t++) {
      let merge: Merge;
      const counts = brutePairCounts(
        words,
        entries.map(([, c]) => c),
      );
      if (counts.size === 0 || random() < 0.2) {
        const pick = () => letters[Math.floor(random() * letters.length)];
        merge = [pick() + pick(), pick()];
      } else {
        const keys = [...counts.keys()];
        const [a, b] = keys[Math.floor(random() * keys.length)].split('\u0000') as [string, string];
        merge = [a, b];
      }
      mergeList.push(merge);
      words = words.map((w) => bruteMerge(w, merge));
    }
    checkAgainstBruteForce(entries, mergeList);
  }
});

test('symbols the tokenizer lacks become extra ids and their merges count as absent steps', () => {
  const counts = makeCounts('greek', [
    ['αβγ', 4],
    ['ab', 1],
  ]);
  const spec = {
    alphabet: 'characters' as const,
    mergeList: [
      ['a', 'b'],
      ['x', 'y'],
      ['ab', 'c'],
    ] as Merge[],
  };
  const t = replay(counts, spec, 3);
  assert.deepEqual(t.extraSymbols, ['α', 'β', 'γ']);
  assert.equal(t.totals.absentSteps, 2);
  assert.deepEqual(
    [...t.mergePair].map((p) => p < 0),
    [false, true, true],
  );
  assert.equal(t.totals.pairs, 9);
  assert.ok(t.pairLeft.some((id) => id >= t.vocabSize));
});

test('merges beyond the list length are a UserError', () => {
  const counts = makeCounts('c', [['ab', 1]]);
  assert.throws(() => replay(counts, { alphabet: 'characters', mergeList: [['a', 'b']] }, 2), UserError);
});
