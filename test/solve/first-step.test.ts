// The solver's firstStep: merges before it are applied but constrain nothing, as for a tokenizer
// that extends another's merge list (Llama 3 after cl100k). The counts at firstStep are a snapshot
// equal to replaying the earlier merges, and sweeps never visit the skipped steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveMixture } from '../../src/solve/index.js';
import { withPairTotalsAt } from '../../src/solve/solve-mixture.js';
import { LazyMixtureLp } from '../../src/solve/lazy-lp.js';
import { countsAtStep } from '../../src/bpe/transcript-cursor.js';
import { buildPairUniverse } from '../../src/solve/pair-universe.js';
import type { Transcript } from '../../src/bpe/types.js';
import type { Merge } from '../../src/tokenizer/spec.js';
import {
  ALPHABETS,
  applyMerge,
  bytesOf,
  mergeWords,
  mse,
  pairCounts,
  replayNaive,
  scaleWords,
  symbolTable,
  syntheticLanguage,
  trainNaive,
  type Words,
} from './helpers.js';

const SKIPPED = 80;

/**
 * Five synthetic languages; the merge list starts with SKIPPED merges trained on another mixture
 * (weights reversed), then goes on with the merges the true mixture makes from the words they leave.
 */
function buildInheritedProblem() {
  const weights = [1, 2, 3, 5, 8];
  const samples = weights.map((_, i) => syntheticLanguage(7 + i, ALPHABETS[i], 3000));
  const other = mergeWords(samples.map((s, i) => scaleWords(s, weights[weights.length - 1 - i])));
  const inherited = trainNaive(other, SKIPPED);
  const mixture = mergeWords(samples.map((s, i) => scaleWords(s, weights[i])));
  const mergeList = trainNaive(mixture, SKIPPED + 300, inherited);
  const symbols = symbolTable(mergeList, [...mixture.keys()].join(''));
  const transcripts = samples.map((s) => replayNaive(s, mergeList, symbols));
  const bytes = samples.map((s, i) => bytesOf(s) * weights[i]);
  const total = bytes.reduce((a, b) => a + b, 0);
  return { samples, mergeList, symbols, transcripts, truth: bytes.map((b) => b / total) };
}

let built: ReturnType<typeof buildInheritedProblem> | undefined;
const inheritedProblem = () => (built ??= buildInheritedProblem());

test('firstStep ignores the inherited merges: exact recovery with it, not without', async () => {
  const { mergeList, transcripts, truth } = inheritedProblem();
  const skipping = await solveMixture(transcripts, { mergeList, firstStep: SKIPPED });
  assert.ok(
    mse(skipping.byteShare, truth) < 1e-7,
    `MSE ${mse(skipping.byteShare, truth)}: ${skipping.byteShare} vs ${truth}`,
  );
  assert.ok(skipping.objective < 1e-9, `objective ${skipping.objective}`);
  assert.ok(skipping.unexplainedMerges.every((m) => m.step >= SKIPPED));

  const all = await solveMixture(transcripts, { mergeList });
  assert.ok(all.objective > 1e-6, `the inherited merges must need slack: objective ${all.objective}`);
  assert.ok(
    mse(all.byteShare, truth) > 100 * mse(skipping.byteShare, truth) + 1e-6,
    `without firstStep MSE ${mse(all.byteShare, truth)} should be far worse`,
  );
});

/** Name of symbol id `id` of a transcript built with `symbols`. */
function symbolName(symbols: Map<string, number>, transcript: Transcript): (id: number) => string {
  const names: string[] = [];
  for (const [name, id] of symbols) names[id] = name;
  return (id) => (id < transcript.vocabSize ? names[id] : transcript.extraSymbols[id - transcript.vocabSize]);
}

function naiveCountsAfter(words: Words, merges: readonly Merge[]): Map<string, number> {
  let segmented: [string[], number][] = [...words].map(([w, c]) => [[...w], c]);
  for (const [l, r] of merges) segmented = segmented.map(([s, c]) => [applyMerge(s, l, r), c]);
  return pairCounts(segmented);
}

test('the counts at firstStep equal replaying the merges before it from scratch', () => {
  const { samples, mergeList, symbols, transcripts } = inheritedProblem();
  for (const step of [0, 1, 37, SKIPPED, mergeList.length]) {
    transcripts.forEach((transcript, i) => {
      const counts = countsAtStep(transcript, step);
      const expected = naiveCountsAfter(samples[i], mergeList.slice(0, step));
      const name = symbolName(symbols, transcript);
      let nonzero = 0;
      for (let p = 0; p < counts.length; p++) {
        const key = `${name(transcript.pairLeft[p])}\u0000${name(transcript.pairRight[p])}`;
        assert.equal(counts[p], expected.get(key) ?? 0, `category ${i}, step ${step}, pair ${p}`);
        if (counts[p] !== 0) nonzero++;
      }
      assert.equal(nonzero, expected.size, `category ${i}, step ${step}: every pair present is in the table`);
    });
  }
  // Step 0 is the transcript's own initial counts, not a copy.
  assert.equal(countsAtStep(transcripts[0], 0), transcripts[0].initialCounts);
});

test('sweeps visit only steps firstStep..T-1 and no skipped step gets a slack', () => {
  const { transcripts } = inheritedProblem();
  const steps = transcripts[0].steps;
  const universe = buildPairUniverse(transcripts);
  const lp = new LazyMixtureLp(transcripts, universe, {
    competitorBatch: 10,
    tolerance: 1e-6,
    firstStep: SKIPPED,
  });
  assert.equal(lp.firstStep, SKIPPED);
  const added = lp.fullPass();
  assert.ok(added > 0, 'uniform shares violate some constraint');
  assert.equal(lp.sweptSteps, steps - SKIPPED);
  lp.fullPass();
  assert.equal(lp.sweptSteps, 2 * (steps - SKIPPED));
  for (let t = 0; t < SKIPPED; t++) assert.equal(lp.vtCol[t], -1, `step ${t} has a slack column`);
  assert.ok(lp.vtCol.slice(SKIPPED).some((c) => c >= 0));
});

test('firstStep outside 0..T-1 is refused', async () => {
  const { mergeList, transcripts } = inheritedProblem();
  const steps = transcripts[0].steps;
  for (const firstStep of [-1, 1.5, steps]) {
    await assert.rejects(solveMixture(transcripts, { mergeList, firstStep }), /first step/);
  }
});

test("normalizeAt 'first-step': exact recovery too, pair totals taken after the skipped merges", async () => {
  const { samples, mergeList, transcripts, truth } = inheritedProblem();
  const atStart = await solveMixture(transcripts, {
    mergeList,
    firstStep: SKIPPED,
    normalizeAt: 'first-step',
  });
  assert.ok(mse(atStart.byteShare, truth) < 1e-7, `MSE ${mse(atStart.byteShare, truth)}`);
  const totals = withPairTotalsAt(transcripts, SKIPPED);
  totals.forEach((t, i) => {
    const expected = [...naiveCountsAfter(samples[i], mergeList.slice(0, SKIPPED)).values()];
    assert.equal(
      t.totals.pairs,
      expected.reduce((a, b) => a + b, 0),
      `category ${i}`,
    );
    assert.ok(t.totals.pairs < transcripts[i].totals.pairs, 'the skipped merges remove pairs');
    assert.equal(t.totals.bytes, transcripts[i].totals.bytes);
  });
  assert.equal(withPairTotalsAt(transcripts, 0), transcripts);
});

test("normalizeAt 'first-step' refuses a category with no pairs left, naming it", () => {
  const { transcripts } = inheritedProblem();
  // A category of one word that the first merge merges whole: no pair is left after it.
  const steps = transcripts[0].steps;
  const empty = { ...transcripts[0], initialCounts: new Float64Array(transcripts[0].initialCounts.length) };
  empty.initialCounts[0] = 1;
  const changes = {
    ...empty,
    stepOffsets: new Uint32Array(steps + 1).fill(1),
    changePair: Uint32Array.of(0),
    changeCount: Float64Array.of(0),
  };
  changes.stepOffsets[0] = 0;
  assert.throws(
    () => withPairTotalsAt([transcripts[1], changes], SKIPPED, ['kept', 'merged-away']),
    /merged-away: no pairs are left in the category's sample after the first 80 merges/,
  );
});
