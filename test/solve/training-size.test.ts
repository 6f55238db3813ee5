// The training-size inference (solve/training-size.ts): tie runs on a corpus worked by hand, the
// fit on a trained list with exact rates, a list without ties (a lower bound, never an estimate),
// and rank files and SentencePiece conversions reported as not identifiable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainBpeRun } from '../../src/bpe/train.js';
import {
  detectTrainerFamily,
  inferTrainingSize,
  judgeTrainerFamily,
  tieBreakDescents,
  tieRuns,
  TIE_BLOCK,
  trainingSizeOf,
} from '../../src/solve/training-size.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import type { Merge, TokenizerSpec } from '../../src/tokenizer/spec.js';
import { Deadline } from '../../src/common/deadline.js';
import { createRng } from '../../src/common/random.js';
import { makeCounts } from '../bpe/helpers.js';
import { tempFolder } from '../helpers/temp.js';

const HF = { family: 'hf-tokenizers' as const, reason: 'test' };

test('tie runs on a corpus worked by hand: equal counts in ascending pair order, a descent at each drop', () => {
  // Pairs: cd 3, ef 3, ab 2, gh 2, ac 1 (one word each, so no pair touches another).
  // HF takes count 3 first, smaller pair first: cd, ef; then count 2: ab, gh; then ac.
  // Tie-break order (code points) ascends inside each count and falls back at cd/ef → ab and gh → ac.
  const counts = makeCounts('hand', [
    ['cd', 3],
    ['ef', 3],
    ['ab', 2],
    ['gh', 2],
    ['ac', 1],
  ]);
  const run = trainBpeRun([counts], 5);
  assert.deepEqual(run.mergeList, [
    ['c', 'd'],
    ['e', 'f'],
    ['a', 'b'],
    ['g', 'h'],
    ['a', 'c'],
  ]);
  assert.deepEqual(run.mergeCounts, [3, 3, 2, 2, 1]);
  assert.deepEqual([...tieBreakDescents(run.mergeList)], [0, 1, 0, 1]);
  assert.deepEqual(tieRuns(run.mergeList), [
    [0, 1],
    [2, 3],
    [4, 4],
  ]);
});

test('merged tokens rank after every character, by the step that made them', () => {
  // t0 makes "ab"; t1 = (ab, c) has left id 0x110000 > any code point, so t1 follows (z, z).
  const list: Merge[] = [
    ['a', 'b'],
    ['z', 'z'],
    ['ab', 'c'],
    ['a', 'a'],
  ];
  assert.deepEqual([...tieBreakDescents(list)], [0, 0, 1]);
});

/** Seeded words over a small alphabet, so late merges come in long runs of equal counts. */
function randomWords(seed: number, words: number): [string, number][] {
  const rng = createRng(seed);
  const letters = 'abcdefghijklmnop';
  const out = new Map<string, number>();
  for (let k = 0; k < words; k++) {
    const length = 2 + rng.int(6);
    let w = '';
    for (let i = 0; i < length; i++) w += letters[Math.min(rng.int(letters.length), rng.int(letters.length))];
    out.set(w, (out.get(w) ?? 0) + 1);
  }
  return [...out];
}

test('with exact rates (count / size) the fit over the tie regime returns the size', () => {
  const counts = makeCounts('random', randomWords(7, 100000));
  const run = trainBpeRun([counts], 3000);
  const size = counts.stats.bytes;
  const rates = Float64Array.from(run.mergeCounts, (n) => n / size);
  // Every descent of tie-break order is a drop of the true count.
  const descents = tieBreakDescents(run.mergeList);
  for (let t = 0; t < descents.length; t++) {
    if (descents[t]) assert.ok(run.mergeCounts[t] > run.mergeCounts[t + 1], `step ${t}`);
  }
  const result = inferTrainingSize({ mergeList: run.mergeList, family: HF, rates });
  assert.equal(result.status, 'estimate', result.reason);
  assert.ok(Math.abs(result.bytes! / size - 1) < 0.05, `${result.bytes} against ${size}`);
  assert.ok(result.interval![0] <= result.bytes! && result.bytes! <= result.interval![1]);
  assert.ok(result.lowerBound! <= size * 1.001, `bound ${result.lowerBound} against ${size}`);
});

test('a merge list with no ties gives a lower bound below the truth, not an estimate', () => {
  // Every merge falls in tie-break order (pairs of ever smaller characters), as when counts are
  // large: counts 20 + 2(T − t) over a size of 1e6, so each step drops the count by 2.
  const T = 1000;
  const list: Merge[] = [];
  for (let t = 0; t < T; t++) {
    const c = 0x4e00 + 2 * (T - t);
    list.push([String.fromCodePoint(c), String.fromCodePoint(c + 1)]);
  }
  assert.ok(tieBreakDescents(list).every((d) => d === 1));
  const size = 1e6;
  const rates = Float64Array.from({ length: T }, (_, t) => (20 + 2 * (T - t)) / size);
  const result = inferTrainingSize({ mergeList: list, family: HF, rates });
  assert.equal(result.status, 'lower-bound');
  assert.equal(result.bytes, undefined);
  assert.ok(result.lowerBound! > 0 && result.lowerBound! <= size, `${result.lowerBound}`);
  assert.match(result.reason!, /no tie regime/);
  // Without rates the size cannot be read at all.
  assert.equal(inferTrainingSize({ mergeList: list, family: HF }).status, 'not-identifiable');
  // Fewer merges than one block: nothing to read.
  const short = inferTrainingSize({ mergeList: list.slice(0, TIE_BLOCK - 1), family: HF, rates });
  assert.equal(short.status, 'not-identifiable');
});

test('tiktoken rank files and SentencePiece conversions are reported as not identifiable', async (t) => {
  const dir = tempFolder(t, 'size');
  {
    // A .tiktoken file: the 256 bytes, then "ab" and "abc" as ranks.
    const lines: string[] = [];
    for (let b = 0; b < 256; b++) lines.push(`${Buffer.from([b]).toString('base64')} ${b}`);
    lines.push(`${Buffer.from('ab').toString('base64')} 256`, `${Buffer.from('abc').toString('base64')} 257`);
    const tiktokenFile = join(dir, 'tiny.tiktoken');
    writeFileSync(tiktokenFile, `${lines.join('\n')}\n`);
    const tiktoken = await loadTokenizer(tiktokenFile, { preTokenizer: 'gpt2' });
    const verdict = detectTrainerFamily(tiktoken);
    assert.equal(verdict.family, 'tiktoken');
    const result = inferTrainingSize({ mergeList: tiktoken.mergeList, family: verdict });
    assert.equal(result.status, 'not-identifiable');
    assert.match(result.reason!, /rank file/);

    // A SentencePiece-style tokenizer.json (Metaspace, byte_fallback).
    const vocab: Record<string, number> = { '<unk>': 0, '<0x0A>': 1, '▁': 2, a: 3, b: 4, '▁a': 5, '▁ab': 6 };
    const json = {
      model: { type: 'BPE', vocab, merges: ['▁ a', '▁a b'], byte_fallback: true, unk_token: '<unk>' },
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
    };
    const spFile = join(dir, 'tokenizer.json');
    writeFileSync(spFile, JSON.stringify(json));
    const sp = await loadTokenizer(spFile);
    const spVerdict = detectTrainerFamily(sp);
    assert.equal(spVerdict.family, 'sentencepiece');
    const spResult = inferTrainingSize({ mergeList: sp.mergeList, family: spVerdict });
    assert.equal(spResult.status, 'not-identifiable');
    assert.match(spResult.reason!, /SentencePiece/);
  }
});

test('a rank file whose merge order runs in tie-break order is judged Hugging Face-trained', () => {
  const run = trainBpeRun([makeCounts('random', randomWords(7, 100000))], 3000);
  const asRanks = { format: 'tiktoken' as const, notes: [], mergeList: run.mergeList };
  const verdict = judgeTrainerFamily(asRanks);
  assert.equal(verdict.family, 'hf-tokenizers');
  assert.match(
    verdict.reason,
    /rank file.*but its merges from step \d+ on run in Hugging Face's tie-break order/,
  );
  // The same file in random order keeps its declared family.
  const shuffled = [...run.mergeList];
  const rng = createRng(3);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  assert.equal(judgeTrainerFamily({ ...asRanks, mergeList: shuffled }).family, 'tiktoken');
});

test('a tokenizer.json of its own merge order is assumed Hugging Face-trained, and says so', () => {
  const verdict = detectTrainerFamily({ format: 'tokenizer.json', notes: [] });
  assert.equal(verdict.family, 'hf-tokenizers');
  assert.match(verdict.reason, /assumed/);
  const converted = detectTrainerFamily({
    format: 'tokenizer.json',
    notes: ['conversion of tiktoken ranks (3 merges for 4 tokens, every split listed): ...'],
  });
  assert.equal(converted.family, 'tiktoken');
});

test('a time budget that has run out leaves the training size not computed, not the run failed', async () => {
  const spec = {
    name: 'hf-list',
    source: 'test',
    format: 'tokenizer.json',
    alphabet: 'byte-level',
    mergeList: [['a', 'b']] as Merge[],
    normalizer: null,
    preTokenizer: null,
    notes: [],
  } as unknown as TokenizerSpec;
  const size = await trainingSizeOf([], spec, [], { deadline: new Deadline(0) });
  assert.equal(size.status, 'not-computed');
  assert.equal(size.family, 'hf-tokenizers');
  assert.match(size.reason!, /--time-limit/);
});
