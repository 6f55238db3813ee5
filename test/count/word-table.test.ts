// The compact count table agrees with a Map<string, number> through growth and rehashing, and
// its packed form (what workers send) merges back to the same counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WordTable, mergeSorted, packSorted } from '../../src/count/word-table.js';
import { decodeWordCounts, encodeWordCounts } from '../../src/count/word-counts-codec.js';

test('WordTable counts like a Map, packs, merges and sorts', () => {
  let seed = 7;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const alphabet = ['a', 'b', 'Ġ', 'é', '日', '😀', '\u0000', 'Ċ'];
  const words: string[] = [];
  for (let i = 0; i < 60000; i++) {
    const length = 1 + Math.floor(random() * 6);
    let word = '';
    for (let k = 0; k < length; k++) word += alphabet[Math.floor(random() * alphabet.length)];
    words.push(word);
  }
  words.push('', 'x'.repeat(70000)); // empty and longer than the initial arena
  const table = new WordTable();
  const reference = new Map<string, number>();
  for (const word of words) {
    table.add(word);
    reference.set(word, (reference.get(word) ?? 0) + 1);
  }
  assert.equal(table.size, reference.size);
  const { words: sorted, counts } = table.sorted();
  assert.deepEqual(sorted, [...reference.keys()].sort());
  assert.deepEqual(
    [...counts],
    sorted.map((w) => reference.get(w)),
  );
  // Two tables' packed forms merged give the counts of both.
  const other = new WordTable();
  other.add('a', 5);
  other.add('new word', 2);
  const merged = new WordTable();
  merged.addPacked(table.pack());
  merged.addPacked(other.pack());
  const result = merged.sorted();
  const get = (w: string): number => result.counts[result.words.indexOf(w)];
  assert.equal(get('a'), (reference.get('a') ?? 0) + 5);
  assert.equal(get('new word'), 2);
  assert.equal(result.words.length, reference.size + (reference.has('new word') ? 0 : 1));
  // The cache form round-trips.
  const wordCounts = {
    category: { name: 'c', kind: 'other' as const },
    words: result.words,
    counts: result.counts,
    stats: {
      bytes: 1,
      characters: 1,
      sequences: 1,
      preTokens: 1,
      distinctPreTokens: result.words.length,
      replacedInvalid: 0,
    },
    notes: ['n'],
  };
  assert.deepEqual(decodeWordCounts(encodeWordCounts(wordCounts)), wordCounts);
});

test('tables sorted apart merge like one table, with each entry placed', () => {
  const parts = [new WordTable(), new WordTable(), new WordTable()];
  const whole = new WordTable();
  // More distinct short words than the front cache holds, so it is cleared and refilled on the way.
  for (let i = 0; i < 200_000; i++) {
    const word = (i * 7919) % 90_001 === 0 ? 'Ġthe' : `w${(i * 48271) % 80_021}`;
    const count = 1 + (i % 3);
    parts[i % parts.length].add(word, count);
    whole.add(word, count);
  }
  parts[2].add('only in the last, longer than the front cache takes');
  whole.add('only in the last, longer than the front cache takes');
  parts.push(new WordTable()); // a worker that saw nothing
  const sortedParts = parts.map(packSorted);
  const { words, counts, positions } = mergeSorted(sortedParts.map((part) => part.packed));
  const expected = whole.sorted();
  assert.deepEqual(words, expected.words);
  assert.deepEqual([...counts], [...expected.counts]);
  // Every part's entry lands on its own word in the merged list.
  parts.forEach((table, p) => {
    const { joined, lengths } = table.pack();
    let offset = 0;
    for (let id = 0; id < lengths.length; id++) {
      const word = joined.slice(offset, offset + lengths[id]);
      offset += lengths[id];
      assert.equal(words[positions[p][sortedParts[p].rank[id]]], word);
    }
  });
});
