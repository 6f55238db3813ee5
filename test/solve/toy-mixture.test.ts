// A mixture small enough to work out on paper (in the spirit of minbpe's tests): three categories
// of two-letter words, a merge list that is BPE's on the mixture (1/2, 1/3, 1/6), and the LP whose
// constraints pin exactly those shares. The arithmetic is in the comments; the pipeline core must
// agree with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WordCounts } from '../../src/corpus/types.js';
import type { Merge } from '../../src/tokenizer/spec.js';
import { estimateMixture } from '../../src/solve/estimate-mixture.js';
import { trainBpe } from '../../src/bpe/train.js';

/** A category whose words are two letters each: one pair per word, 2 bytes per pair. */
function category(name: string, words: Record<string, number>): WordCounts {
  const entries = Object.entries(words);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return {
    category: { name, kind: 'other' },
    words: entries.map(([word]) => word),
    counts: Float64Array.from(entries.map(([, n]) => n)),
    stats: {
      bytes: 2 * total,
      characters: 2 * total,
      sequences: total,
      preTokens: total,
      distinctPreTokens: entries.length,
      replacedInvalid: 0,
    },
  };
}

// Pair shares within each category (count / the category's pairs):
//   A (9 pairs): mn 6/9, ab 2/9, ef 1/9
//   B (6 pairs): op 3/6, gh 2/6, cd 1/6
//   C (3 pairs): ij 2/3, kl 1/3
const A = category('A', { mn: 6, ab: 2, ef: 1 });
const B = category('B', { op: 3, gh: 2, cd: 1 });
const C = category('C', { ij: 2, kl: 1 });

// At alpha = (1/2, 1/3, 1/6) the mixture weight of each pair is
//   mn 1/3;  op 1/6;  ab = gh = ij = 1/9;  kl = cd = ef = 1/18,
// so BPE merges mn, then op, then the three 1/9 pairs, then the three 1/18 pairs. Among equal
// counts any order is BPE's; this list breaks the ties in opposite directions in the two groups.
const MERGES: Merge[] = [
  ['m', 'n'],
  ['o', 'p'],
  ['a', 'b'],
  ['g', 'h'],
  ['i', 'j'],
  ['k', 'l'],
  ['c', 'd'],
  ['e', 'f'],
];

// The LP's constraints from the two tied groups (merges never touch other words here):
//   ab >= gh: 2/9 a >= 1/3 b  => a >= 3/2 b      cd >= ef: 1/6 b >= 1/9 a  => a <= 3/2 b
//   gh >= ij: 1/3 b >= 2/3 c  => b >= 2 c        kl >= cd: 1/3 c >= 1/6 b  => b <= 2 c
// so a : b : c = 3 : 2 : 1, and with a + b + c = 1 the only feasible point is (1/2, 1/3, 1/6),
// at objective 0. Every word is 2 bytes and one pair, so byte shares equal pair shares.
const TRUTH = [1 / 2, 1 / 3, 1 / 6];

test('toy: each merge is a most frequent pair of the 1/2, 1/3, 1/6 mixture (checked by brute force)', () => {
  const weight = new Map<string, number>();
  [A, B, C].forEach((c, i) => {
    const pairs = c.stats.preTokens;
    c.words.forEach((word, k) =>
      weight.set(word, (weight.get(word) ?? 0) + (TRUTH[i] * c.counts[k]) / pairs),
    );
  });
  for (const [left, right] of MERGES) {
    const best = Math.max(...weight.values());
    assert.ok(Math.abs(weight.get(left + right)! - best) < 1e-12, `${left}${right} is a most frequent pair`);
    weight.delete(left + right);
  }
});

test('toy: our trainer on the mixture finds the same merges, ties aside', () => {
  // The mixture as integer counts: 18 x alpha_i x count / pairs_i.
  const mixture = category('mixture', { mn: 6, op: 3, ab: 2, gh: 2, ij: 2, kl: 1, cd: 1, ef: 1 });
  const trained = trainBpe([mixture], MERGES.length);
  const group = (merges: Merge[], from: number, to: number) =>
    merges
      .slice(from, to)
      .map(([l, r]) => l + r)
      .sort();
  assert.deepEqual(group(trained, 0, 2), group(MERGES, 0, 2));
  assert.deepEqual(group(trained, 2, 5), group(MERGES, 2, 5));
  assert.deepEqual(group(trained, 5, 8), group(MERGES, 5, 8));
});

test('toy: the pipeline core recovers 1/2, 1/3, 1/6 exactly, uniquely, at objective 0', async () => {
  const { estimate } = await estimateMixture([A, B, C], { alphabet: 'byte-level', mergeList: MERGES }, 8, {
    backend: 'glpk',
  });
  assert.ok(estimate.objective < 1e-9, `objective ${estimate.objective}`);
  estimate.pairShare.forEach((share, i) => assert.ok(Math.abs(share - TRUTH[i]) < 1e-6, `pair share ${i}`));
  estimate.byteShare.forEach((share, i) => assert.ok(Math.abs(share - TRUTH[i]) < 1e-6, `byte share ${i}`));
  assert.equal(estimate.uncertainty?.unique, true);
});

test('toy: with the ties broken the same way in both groups, only an ordering is left', async () => {
  // ab, gh, ij then ef, cd, kl: only a >= 3/2 b and b >= 2 c remain, so the optimum is a face,
  // and the uniqueness probe must say so (e.g. a = 1, b = c = 0 is optimal too).
  const sameWay: Merge[] = [...MERGES.slice(0, 5), ['e', 'f'], ['c', 'd'], ['k', 'l']];
  const { estimate } = await estimateMixture([A, B, C], { alphabet: 'byte-level', mergeList: sameWay }, 8, {
    backend: 'glpk',
  });
  assert.ok(estimate.objective < 1e-9);
  const [a, b, c] = estimate.pairShare as [number, number, number];
  assert.ok(a >= 1.5 * b - 1e-7 && b >= 2 * c - 1e-7, `(${a}, ${b}, ${c}) satisfies the ordering`);
  assert.equal(estimate.uncertainty?.unique, false);
});
