// Merges BPE did not learn: long runs of whitespace-run merges at the head of a list, in blocks
// later, and lone ones of the head's symbols interleaved; the built-ins' own lists have none but
// the user-defined ▁-runs SentencePiece lists end with. Excluded merges stay applied, and --merges
// still counts learned merges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  detectHandAddedMerges,
  describeHandAdded,
  MIN_BLOCK,
  whitespaceRunSymbol,
} from '../../src/tokenizer/hand-added.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { BUILTIN_TOKENIZERS, builtinAvailable } from '../../src/tokenizer/builtins.js';
import { resolveMergeRange } from '../../src/merge-range.js';
import type { Merge } from '../../src/tokenizer/spec.js';

/** Every split of runs of `symbol` up to `max` long, as hand-added lists hold them. */
function runs(symbol: string, max: number): Merge[] {
  const out: Merge[] = [];
  for (let len = 2; len <= max; len++)
    for (let left = 1; left < len; left++) out.push([symbol.repeat(left), symbol.repeat(len - left)]);
  return out;
}

const learned = (count: number): Merge[] => Array.from({ length: count }, (_, k) => [`w${k}`, 'x'] as const);

test('whitespace-run merges: one symbol on both sides, per alphabet', () => {
  assert.equal(whitespaceRunSymbol(['▁▁', '▁'], 'characters'), '▁');
  assert.equal(whitespaceRunSymbol(['\n', '\n\n'], 'characters'), '\n');
  assert.equal(whitespaceRunSymbol(['ĠĠ', 'Ġ'], 'byte-level'), 'Ġ');
  assert.equal(whitespaceRunSymbol(['ĉ', 'ĉ'], 'byte-level'), 'ĉ');
  assert.equal(whitespaceRunSymbol(['▁', '\n'], 'characters'), undefined);
  assert.equal(whitespaceRunSymbol(['Ġ', 't'], 'byte-level'), undefined);
  assert.equal(whitespaceRunSymbol(['▁', '▁'], 'byte-level'), undefined);
});

test('a head block, lone interleaved ones of its symbols, and a later block are found by rule', () => {
  const head = [...runs('▁', 20), ...runs('\t', 8)]; // 190 + 28
  const list: Merge[] = [
    ...head,
    ...learned(100),
    ['▁', '▁'],
    ...learned(50),
    ['\n', '\n'],
    ...learned(10),
    ...runs('\n', 6),
    ...learned(5),
  ];
  const found = detectHandAddedMerges(list, 'characters');
  const h = head.length;
  assert.deepEqual(found.blocks, [
    { rule: 'head-whitespace-run', first: 0, last: h - 1, count: h },
    { rule: 'interleaved-whitespace-run', first: h + 100, last: h + 100, count: 1 },
    { rule: 'whitespace-block', first: h + 162, last: h + 176, count: 15 },
  ]);
  // The lone \n\n merge is kept: \n runs are not in the head block.
  assert.equal(found.steps.length, h + 1 + 15);
  assert.match(
    describeHandAdded(found.blocks),
    /^218 head-whitespace-run, 1 interleaved-whitespace-run, 15 whitespace-block \(#0–217, #318, #380–394\)$/,
  );
  // A short run (what BPE learns) is no block, and without a head nothing lone is excluded.
  const natural: Merge[] = [
    ['▁', '▁'],
    ['▁▁', '▁▁'],
    ...learned(20),
    ...runs('▁', 4).slice(0, MIN_BLOCK - 2),
  ];
  assert.equal(detectHandAddedMerges(natural, 'characters').steps.length, 0);
});

test("the built-ins: none in the byte-level lists; llama's and mistral's end with their user-defined ▁ runs; gemma3's opens with whitespace runs (paper App. C.4)", async () => {
  // Heavy built-ins are checked where they are already fetched: tests never reach the network.
  for (const builtin of BUILTIN_TOKENIZERS.filter((b) => builtinAvailable(b))) {
    const spec = await loadTokenizer(builtin.name);
    const found = detectHandAddedMerges(spec.mergeList, spec.alphabet);
    const n = spec.mergeList.length;
    if (builtin.name === 'llama')
      assert.deepEqual(found.blocks, [{ rule: 'whitespace-block', first: n - 15, last: n - 1, count: 15 }]);
    else if (builtin.name === 'mistral')
      assert.deepEqual(found.blocks, [{ rule: 'whitespace-block', first: n - 14, last: n - 1, count: 14 }]);
    else if (builtin.name === 'gemma3')
      assert.deepEqual(found.blocks, [
        { rule: 'head-whitespace-run', first: 0, last: 88, count: 89 },
        { rule: 'interleaved-whitespace-run', first: 90, last: 90, count: 1 },
      ]);
    else assert.deepEqual(found.blocks, [], builtin.name);
  }
});

test('excluded merges: applied (inside the replay) but not counted; --merges T attacks T learned merges', () => {
  const head = runs('▁', 10); // 45
  const mergeList: Merge[] = [...head, ...learned(30), ['▁', '▁'], ...learned(30)];
  const handAdded = detectHandAddedMerges(mergeList, 'characters');
  const spec = { name: 'gemma-like', mergeList };
  const range = resolveMergeRange(spec, { merges: 40, handAdded, skipMerges: 0 });
  assert.equal(range.skip, 0);
  assert.equal(range.merges, 40);
  assert.equal(range.steps, 45 + 40 + 1);
  assert.equal(range.excluded?.count, 46);
  assert.deepEqual(
    range.excluded?.blocks.map((b) => [b.rule, b.first, b.last]),
    [
      ['head-whitespace-run', 0, 44],
      ['interleaved-whitespace-run', 75, 75],
    ],
  );
  const mask = range.excluded!.mask;
  assert.equal(mask.length, range.steps);
  assert.deepEqual([mask[0], mask[44], mask[45], mask[74], mask[75], mask[76]], [1, 1, 0, 0, 1, 0]);
  // After a skip, only the excluded merges after it count; too many merges names what is left.
  const after = resolveMergeRange(spec, { skipMerges: 50, handAdded, defaultMerges: 1000 });
  assert.deepEqual([after.skip, after.merges, after.steps, after.excluded?.count], [50, 55, 106, 1]);
  assert.throws(
    () => resolveMergeRange(spec, { merges: 61, handAdded, skipMerges: 0 }),
    /--merges 61: gemma-like has only 60 merges \(less 46 hand-added\)/,
  );
  // Kept (no detection passed): every merge counts.
  assert.deepEqual(resolveMergeRange(spec, { merges: 40, skipMerges: 0 }), {
    skip: 0,
    merges: 40,
    steps: 40,
  });
});
