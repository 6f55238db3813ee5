// The bootstrap's pieces: block counts sum to the counts, a resample is a weighted sum of blocks,
// percentile intervals hold the point, a transcript prefix is the shorter replay, and a solve
// warm-started from another LP's rows reaches the same optimum as a cold one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { countCategories } from '../../src/count/count.js';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { replay } from '../../src/bpe/replay.js';
import type { WordCounts } from '../../src/corpus/types.js';
import { solveMixture } from '../../src/solve/solve-mixture.js';
import { resampleCounts, checkResamplable } from '../../src/bootstrap/replicate.js';
import {
  checkBootstrapOptions,
  percentileIntervals,
  transcriptPrefix,
} from '../../src/bootstrap/bootstrap.js';
import { BLOCK_PERCENTILE, quantile } from '../../src/bootstrap/interval-method.js';
import { coarsenBlocks, linesPerBlock, type BlockCounts } from '../../src/count/block-counts.js';
import { isUserError } from '../../src/common/errors.js';
import { createRng } from '../../src/common/random.js';
import { ALPHABETS, mixtureProblem, syntheticLanguage } from '../solve/helpers.js';
import { tempFolder } from '../helpers/temp.js';

function blockSum(blocks: BlockCounts, words: number): Float64Array {
  const sum = new Float64Array(words);
  for (let b = 0; b < blocks.bytes.length; b++)
    for (let k = blocks.start[b]; k < blocks.start[b + 1]; k++) sum[blocks.word[k]] += blocks.count[k];
  return sum;
}

test('block counts sum to the counts and bytes, over .txt lines and .jsonl records, cached too', async (t) => {
  const dir = { path: tempFolder(t, 'blocks') };
  const lines = Array.from({ length: 700 }, (_, i) => `line ${i} says ${'abc '.repeat(i % 7)}${i % 13}`);
  mkdirSync(join(dir.path, 'prose'), { recursive: true });
  writeFileSync(join(dir.path, 'prose', 'a.txt'), lines.join('\n') + '\n');
  mkdirSync(join(dir.path, 'records'), { recursive: true });
  writeFileSync(
    join(dir.path, 'records', 'a.jsonl'),
    lines
      .slice(0, 50)
      .map((text) => JSON.stringify({ text }))
      .join('\n') + '\n',
  );
  const tokenizer = await loadTokenizer('gpt2');
  const categories = await resolveCategories(dir.path);
  const counts = await countCategories(categories, tokenizer, { jobs: 2, blocks: true });
  for (const c of counts) {
    assert.ok(c.blocks, c.category.name);
    assert.deepEqual(Array.from(blockSum(c.blocks, c.words.length)), Array.from(c.counts), c.category.name);
    assert.equal(
      c.blocks.bytes.reduce((a, b) => a + b, 0),
      c.stats.bytes,
    );
  }
  const prose = counts.find((c) => c.category.name === 'prose')!;
  const records = counts.find((c) => c.category.name === 'records')!;
  assert.equal(prose.blocks!.bytes.length, Math.ceil(700 / linesPerBlock(700)), 'runs of 3 lines');
  assert.equal(records.blocks!.bytes.length, 50, 'one block per record');
});

test('coarsenBlocks joins runs of blocks and keeps the sums', () => {
  const blocks: BlockCounts = {
    start: Uint32Array.from([0, 2, 3, 5]),
    word: Uint32Array.from([0, 2, 2, 1, 2]),
    count: Float64Array.from([1, 2, 3, 4, 5]),
    bytes: Float64Array.from([10, 20, 30]),
  };
  const joined = coarsenBlocks(blocks, 2, 3);
  assert.deepEqual(Array.from(joined.bytes), [30, 30]);
  assert.deepEqual(Array.from(joined.word), [0, 2, 1, 2]);
  assert.deepEqual(Array.from(joined.count), [1, 5, 4, 5]);
});

test('a resample is a weighted sum of blocks; a category of one block is refused', () => {
  const words = ['a', 'b', 'c'];
  const blocks: BlockCounts = {
    start: Uint32Array.from([0, 1, 3]),
    word: Uint32Array.from([0, 1, 2]),
    count: Float64Array.from([5, 1, 2]),
    bytes: Float64Array.from([7, 9]),
  };
  // An rng that always draws block 1: the resample is block 1 twice.
  const rng = { next: () => 0.9, int: (n: number) => n - 1 };
  const r = resampleCounts('x', words, blocks, BLOCK_PERCENTILE, rng);
  assert.deepEqual(r.words, ['b', 'c']);
  assert.deepEqual(Array.from(r.counts), [2, 4]);
  assert.equal(r.stats.bytes, 18);
  const any = resampleCounts('x', words, blocks, BLOCK_PERCENTILE, createRng(3));
  assert.equal(
    any.stats.preTokens,
    any.counts.reduce((a, b) => a + b, 0),
  );
  assert.throws(
    () =>
      checkResamplable('tiny', {
        ...blocks,
        start: blocks.start.slice(0, 2),
        bytes: blocks.bytes.slice(0, 1),
      }),
    (e: Error) => isUserError(e) && /tiny: .*1 block .*at least 2/.test(e.message),
  );
});

test('percentile intervals: quantiles interpolate, the point lies inside, bad options are user errors', () => {
  assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  assert.equal(quantile([0, 10], 0.05), 0.5);
  const reps = Array.from({ length: 21 }, (_, k) => [k / 20, 1 - k / 20]);
  const [first, second] = percentileIntervals(reps, [0.5, 0.99], 0.9);
  assert.deepEqual(
    first.map((v) => +v.toFixed(6)),
    [0.05, 0.95],
  );
  assert.equal(second[1], 0.99, 'widened to hold the point');
  for (const [b, ci] of [
    [0, undefined],
    [-3, undefined],
    [2.5, undefined],
    [10, 0],
    [10, 1],
    [10, 1.5],
    [10, Number.NaN],
    [100000, undefined],
  ] as [number, number | undefined][]) {
    assert.throws(
      () => checkBootstrapOptions(b, ci),
      (e: Error) => isUserError(e) && /^--(bootstrap|ci) /.test(e.message),
    );
  }
  checkBootstrapOptions(20, 0.9);
});

test('a transcript prefix equals the shorter replay; a warm start reaches the cold optimum', async () => {
  const samples = ALPHABETS.slice(0, 3).map((a, i) => new Map(syntheticLanguage(i + 1, a, 400, 60)));
  const { mergeList } = mixtureProblem(samples, [0.5, 0.3, 0.2], 60);
  const spec = { alphabet: 'characters' as const, mergeList };
  const counts: WordCounts[] = samples.map((s, i) => ({
    category: { name: `c${i}`, kind: 'other' },
    words: [...s.keys()],
    counts: Float64Array.from(s.values()),
    stats: {
      bytes: 1000 * (i + 1),
      characters: 0,
      sequences: 0,
      preTokens: 0,
      distinctPreTokens: s.size,
      replacedInvalid: 0,
    },
  }));
  const full = counts.map((c) => replay(c, spec, 60));
  const short = counts.map((c) => replay(c, spec, 25));
  for (let i = 0; i < full.length; i++) {
    const cut = transcriptPrefix(full[i], 25);
    assert.deepEqual(Array.from(cut.stepOffsets), Array.from(short[i].stepOffsets));
    assert.deepEqual(Array.from(cut.changeCount), Array.from(short[i].changeCount));
    assert.deepEqual(Array.from(cut.mergePair), Array.from(short[i].mergePair));
  }
  const options = { mergeList, uncertainty: false };
  const cold = await solveMixture(full, { ...options, exportRows: true });
  assert.ok(cold.rows && cold.rows.length > 0, 'rows exported');
  // Warm-start a different problem (another sample's counts) from these rows.
  const other = counts.map((c) => ({ ...c, counts: c.counts.map((v, k) => v + (k % 3)) }));
  const otherT = other.map((c) => replay(c, spec, 60));
  const otherCold = await solveMixture(otherT, options);
  const otherWarm = await solveMixture(otherT, { ...options, warmStart: cold.rows });
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(otherCold.byteShare[i] - otherWarm.byteShare[i]) < 1e-6);
  assert.ok(Math.abs(otherCold.objective - otherWarm.objective) <= 1e-9 + 1e-6 * otherCold.objective);
});

test('block counts come in the sample order whichever worker read what (issue 22, case 7)', async (t) => {
  const dir = tempFolder(t, 'block-order');
  mkdirSync(join(dir, 'many'), { recursive: true });
  // Several files of unequal length: the reads finish out of order on two workers.
  for (let f = 0; f < 8; f++) {
    const lines = Array.from(
      { length: 40 + 90 * (f % 3) },
      (_, i) => `file ${f} line ${i} ${'xyz '.repeat((i + f) % 5)}`,
    );
    writeFileSync(join(dir, 'many', `${String.fromCharCode(97 + f)}.txt`), lines.join('\n') + '\n');
  }
  const tokenizer = await loadTokenizer('gpt2');
  const categories = await resolveCategories(dir);
  const plain = (blocks: BlockCounts | undefined) =>
    blocks && [
      Array.from(blocks.start),
      Array.from(blocks.word),
      Array.from(blocks.count),
      Array.from(blocks.bytes),
    ];
  const [one] = await countCategories(categories, tokenizer, { jobs: 1, blocks: true });
  for (let run = 0; run < 3; run++) {
    const [two] = await countCategories(categories, tokenizer, { jobs: 2, blocks: true });
    assert.deepEqual(plain(two.blocks), plain(one.blocks), `run ${run}`);
  }
});
