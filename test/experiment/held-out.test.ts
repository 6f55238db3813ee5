// The held-out split: a random estimation sample of about the requested bytes and a disjoint
// training pool (the rest, or capped), reproducible under a seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitHeldOut } from '../../src/experiment/held-out.js';
import { createRng } from '../../src/common/random.js';

const sequences = Array.from({ length: 500 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}\n`);
const bytes = (xs: string[]) => xs.reduce((s, x) => s + Buffer.byteLength(x, 'utf8'), 0);

test('the sample reaches its bytes with one sequence at most beyond, the pool is the disjoint rest', () => {
  const { sample, pool } = splitHeldOut(sequences, 2000, createRng(1));
  assert.ok(bytes(sample) >= 2000 && bytes(sample.slice(0, -1)) < 2000, `sample ${bytes(sample)} bytes`);
  assert.equal(sample.length + pool.length, sequences.length);
  assert.deepEqual([...sample, ...pool].sort(), [...sequences].sort());
  // Random, not the first lines of the category.
  assert.notDeepEqual(sample, sequences.slice(0, sample.length));
});

test('a pool cap takes only that many bytes; seeds give reproducible, different splits', () => {
  const capped = splitHeldOut(sequences, 1000, createRng(2), 3000);
  assert.ok(bytes(capped.pool) >= 3000 && bytes(capped.pool.slice(0, -1)) < 3000);
  const sampled = new Set(capped.sample);
  assert.ok(capped.pool.every((s) => !sampled.has(s)));
  assert.deepEqual(splitHeldOut(sequences, 1000, createRng(2), 3000), capped);
  assert.notDeepEqual(splitHeldOut(sequences, 1000, createRng(3), 3000).sample, capped.sample);
  // A sample as large as the category leaves an empty pool.
  assert.equal(splitHeldOut(sequences, 1e9, createRng(1)).pool.length, 0);
});
