// Interval methods (issue 26): chunks and two-draw resampling, the normal reading with Student's t,
// coverage on problems whose sampling distribution is known, intervals that hold the point, and a
// fixed seed giving the same intervals whatever the worker count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_INTERVAL_METHOD,
  HELD_ROWS_METHOD,
  intervalsFromReplicates,
  normalQuantile,
  resampleWeights,
  tQuantile,
  unitCount,
  unitsOfBlocks,
  type IntervalMethod,
} from '../../src/bootstrap/interval-method.js';
import { HELD_ROWS_REACH, resampleCounts } from '../../src/bootstrap/replicate.js';
import { bootstrapMixture, checkBootstrapOptions } from '../../src/bootstrap/bootstrap.js';
import { BlockSink, type BlockCounts, type BlockedWordCounts } from '../../src/count/block-counts.js';
import { estimateMixture } from '../../src/solve/estimate-mixture.js';
import { solveHeldRows, solveMixture } from '../../src/solve/solve-mixture.js';
import { isUserError } from '../../src/common/errors.js';
import { Deadline } from '../../src/common/deadline.js';
import { createRng } from '../../src/common/random.js';
import { ALPHABETS, mixtureProblem, syntheticLanguage, type Words } from '../solve/helpers.js';

/** The default: each replicate the whole constraint search. */
const SEARCH: IntervalMethod = DEFAULT_INTERVAL_METHOD;
/** The same resampling, each replicate one LP over the point's held rows. */
const HELD: IntervalMethod = HELD_ROWS_METHOD;

test('chunks are contiguous and about equal in bytes; every unit gets a block', () => {
  const bytes = Float64Array.from({ length: 100 }, (_, b) => 10 + (b % 7));
  const units = unitsOfBlocks(bytes, { unit: 'chunks', chunks: 8, draws: 1, form: 'normal', scale: 1 });
  assert.equal(unitCount(units), 8);
  for (let b = 1; b < units.length; b++)
    assert.ok(units[b] === units[b - 1] || units[b] === units[b - 1] + 1);
  const per = new Array<number>(8).fill(0);
  units.forEach((u, b) => (per[u] += bytes[b]));
  const total = per.reduce((a, b) => a + b, 0);
  for (const p of per) assert.ok(Math.abs(p - total / 8) <= 16, `chunk bytes ${p} vs ${total / 8}`);
  const blocks = unitsOfBlocks(bytes, { unit: 'blocks', draws: 1, form: 'percentile', scale: 1 });
  assert.equal(unitCount(blocks), 100);
});

test('one draw and two draws resample as many units as there are; two draws spread twice as far', () => {
  const rng = createRng(5);
  const variance = (draws: 1 | 2) => {
    let sum = 0;
    let count = 0;
    for (let r = 0; r < 400; r++) {
      const w = resampleWeights(50, draws, rng);
      assert.equal(
        w.reduce((a, b) => a + b, 0),
        50,
      );
      for (const v of w) {
        sum += (v - 1) ** 2;
        count++;
      }
    }
    return sum / count;
  };
  const one = variance(1);
  const two = variance(2);
  // Multinomial: 1 - 1/50 per unit; a resample of a resample about twice that.
  assert.ok(Math.abs(one - 0.98) < 0.06, `one draw: ${one}`);
  assert.ok(Math.abs(two / one - 2) < 0.2, `two draws / one: ${two / one}`);
});

test("quantiles: the normal's and Student's t match tables", () => {
  assert.ok(Math.abs(normalQuantile(0.95) - 1.644854) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.005) + 2.575829) < 1e-6);
  for (const [df, t] of [
    [1, 6.313752],
    [2, 2.919986],
    [3, 2.353363],
    [7, 1.894579],
    [19, 1.729133],
    [1000, 1.646379],
  ]) {
    assert.ok(
      Math.abs(tQuantile(0.95, df) - t) < 2e-3,
      `t(0.95, ${df}) = ${tQuantile(0.95, df)}, table ${t}`,
    );
  }
});

test('intervals hold the point, stay in [0, 1] and widen by their scale about the point', () => {
  const replicates = [
    [0.2, 0.8],
    [0.3, 0.7],
    [0.25, 0.75],
    [0.35, 0.65],
  ];
  for (const form of ['percentile', 'normal'] as const) {
    const one = intervalsFromReplicates(replicates, [0.4, 0.6], 0.9, { form, scale: 1 });
    const two = intervalsFromReplicates(replicates, [0.4, 0.6], 0.9, { form, scale: 2 });
    one.forEach(([lo, hi], i) => {
      const p = [0.4, 0.6][i];
      assert.ok(lo <= p && p <= hi && lo >= 0 && hi <= 1, `${form}: ${lo} ${p} ${hi}`);
      assert.ok(Math.abs(p - two[i][0] - Math.min(p, 2 * (p - lo))) < 1e-12);
    });
  }
  const wide = intervalsFromReplicates([[0.01], [0.5]], [0.02], 0.9, { form: 'normal', scale: 3 });
  assert.equal(wide[0][0], 0, 'clipped at 0');
});

test('known sampling distribution: point ± t·sd of B replicates covers the mean at the level', () => {
  // point ~ N(mu, 1); the replicates are the bootstrap principle's draws N(point, 1): the interval
  // is then exact (pivot (point - mu)/s ~ t(B-1)), so coverage is the level up to binomial error.
  const rng = createRng(11);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const trials = 3000;
  for (const B of [4, 8]) {
    let inside = 0;
    for (let k = 0; k < trials; k++) {
      const point = 0.5 + 0.01 * gauss();
      const replicates = Array.from({ length: B }, () => [point + 0.01 * gauss()]);
      const [[lo, hi]] = intervalsFromReplicates(replicates, [point], 0.9, { form: 'normal', scale: 1 });
      if (lo <= 0.5 && 0.5 <= hi) inside++;
    }
    const se = Math.sqrt((0.9 * 0.1) / trials);
    assert.ok(Math.abs(inside / trials - 0.9) < 3 * se, `B = ${B}: coverage ${inside / trials}`);
  }
});

/** A category of `docs` documents, each a block of word counts drawn from one population. */
function documents(words: string[], docs: number, draw: () => Words): BlockCounts {
  const index = new Map(words.map((w, i) => [w, i]));
  const sink = new BlockSink();
  for (let d = 0; d < docs; d++) {
    const doc = draw();
    const occurrences: number[] = [];
    let bytes = 0;
    for (const [w, c] of doc) {
      for (let k = 0; k < c; k++) occurrences.push(index.get(w)!);
      bytes += Buffer.byteLength(w) * c;
    }
    sink.close(Uint32Array.from(occurrences), bytes);
  }
  return sink.finish();
}

test('known sampling distribution: two draws cover the difference between a training draw and the sample', () => {
  // Documents whose share of word "a" varies (a two-point mixture): the training text and the
  // sample are independent draws of 60 documents, and the estimate is the sample's share of "a".
  // The two-draw replicates, read with t, cover the training draw's share at the level.
  const words = ['a', 'b'];
  const rng = createRng(23);
  const doc = () =>
    new Map([
      ['a', rng.next() < 0.5 ? 2 + rng.int(3) : 8 + rng.int(5)],
      ['b', 10],
    ]);
  const shareOfA = (counts: Float64Array, w: string[]) => {
    const a = counts[w.indexOf('a')] ?? 0;
    const b = counts[w.indexOf('b')] ?? 0;
    return a / (a + b);
  };
  const method: IntervalMethod = { unit: 'blocks', draws: 2, form: 'normal', scale: 1 };
  const trials = 400;
  let inside = 0;
  for (let k = 0; k < trials; k++) {
    const sample = documents(words, 60, doc);
    const training = documents(words, 60, doc);
    const sum = (blocks: BlockCounts) => {
      const out = new Float64Array(2);
      for (let e = 0; e < blocks.word.length; e++) out[blocks.word[e]] += blocks.count[e];
      return out;
    };
    const point = shareOfA(sum(sample), words);
    const truth = shareOfA(sum(training), words);
    const replicates = Array.from({ length: 8 }, () => {
      const r = resampleCounts('x', words, sample, method, rng);
      return [shareOfA(r.counts, r.words)];
    });
    const [[lo, hi]] = intervalsFromReplicates(replicates, [point], 0.9, method);
    if (lo <= truth && truth <= hi) inside++;
  }
  const se = Math.sqrt((0.9 * 0.1) / trials);
  assert.ok(Math.abs(inside / trials - 0.9) < 3 * se, `coverage ${inside / trials}`);
});

/** Three synthetic categories of 30 documents each and a tokenizer trained on their mixture. */
function blockedProblem(): {
  counts: BlockedWordCounts[];
  spec: { alphabet: 'characters'; mergeList: ReturnType<typeof mixtureProblem>['mergeList'] };
} {
  const samples = ALPHABETS.slice(0, 3).map((a, i) => syntheticLanguage(i + 1, a, 3000, 80));
  const { mergeList } = mixtureProblem(samples, [0.5, 0.3, 0.2], 40);
  const counts = samples.map((_, i): BlockedWordCounts => {
    let draw = 0;
    const words = [
      ...new Set(
        Array.from({ length: 30 }, (_, d) => [
          ...syntheticLanguage(i + 1, ALPHABETS[i], 100, 80, 1000 + d).keys(),
        ]).flat(),
      ),
    ];
    const blocks = documents(words, 30, () => syntheticLanguage(i + 1, ALPHABETS[i], 100, 80, 1000 + draw++));
    const summed = new Float64Array(words.length);
    for (let e = 0; e < blocks.word.length; e++) summed[blocks.word[e]] += blocks.count[e];
    return {
      category: { name: `c${i}`, kind: 'other' },
      words,
      counts: summed,
      stats: {
        bytes: blocks.bytes.reduce((a, b) => a + b, 0),
        characters: 0,
        sequences: 30,
        preTokens: summed.reduce((a, b) => a + b, 0),
        distinctPreTokens: words.length,
        replacedInvalid: 0,
      },
      blocks,
    };
  });
  return { counts, spec: { alphabet: 'characters', mergeList } };
}

test('bootstrap through the core: intervals hold the point; a fixed seed gives the same intervals on 1 or 2 workers', async () => {
  const { counts, spec } = blockedProblem();
  const { estimate } = await estimateMixture(counts, spec, 40, { uncertainty: false, exportRows: true });
  const run = (jobs: number, rows = estimate.rows ?? [], method = SEARCH) =>
    bootstrapMixture(counts, spec, 40, { ...estimate, rows }, { replicates: 6, seed: 3, jobs, method });
  for (const method of [SEARCH, HELD]) {
    const one = await run(1, undefined, method);
    const two = await run(2, undefined, method);
    assert.deepEqual(one.byteShareCI, two.byteShareCI);
    assert.deepEqual(one.byteShareReplicates, two.byteShareReplicates);
    one.byteShareCI.forEach(([lo, hi], i) => {
      assert.ok(lo <= estimate.byteShare[i] && estimate.byteShare[i] <= hi, `category ${i}`);
      assert.ok(hi > lo, 'a resampled problem moves the shares');
    });
  }
  // Searching replicates from other warm starts (none, every other row) give the same intervals,
  // since each search certifies its optimum and, where many mixtures fit, settles as a cold solve
  // does. Held-rows replicates solve the point's rows by design; without rows they search.
  const one = await run(1);
  const cold = await run(1, []);
  const half = await run(
    2,
    (estimate.rows ?? []).filter((_, k) => k % 2 === 0),
  );
  const held = await run(1, [], { ...SEARCH, resolve: 'held-rows' });
  one.byteShareCI.forEach(([lo, hi], i) => {
    for (const other of [cold, half, held]) {
      assert.ok(
        Math.abs(other.byteShareCI[i][0] - lo) < 1e-9 && Math.abs(other.byteShareCI[i][1] - hi) < 1e-9,
      );
    }
  });
  const other = await bootstrapMixture(
    counts,
    spec,
    40,
    { ...estimate, rows: estimate.rows ?? [] },
    { replicates: 6, seed: 4, jobs: 1 },
  );
  assert.notDeepEqual(other.byteShareReplicates, one.byteShareReplicates, 'another seed, other replicates');
});

test('bad replicate counts are one user error naming --bootstrap; 0 only where intervals can be turned off', () => {
  for (const [value, allowZero] of [
    [0, false],
    [-1, true],
    [1.5, true],
    [1001, true],
    [100000, false],
  ] as [number, boolean][]) {
    assert.throws(
      () => checkBootstrapOptions(value, undefined, allowZero),
      (e: Error) => isUserError(e) && /^--bootstrap /.test(e.message) && !e.message.includes('\n'),
    );
  }
  checkBootstrapOptions(0, 0.9, true);
  checkBootstrapOptions(1000, undefined);
});

test('where many mixtures fit exactly (objective 0), searching replicates do not depend on the warm start', async () => {
  // Two categories drawn from one language: any split between them fits every merge.
  const { counts, spec } = blockedProblem();
  const twin = { ...counts[0], category: { name: 'twin', kind: 'other' as const } };
  const both = [counts[0], twin];
  const { estimate } = await estimateMixture(both, spec, 40, { uncertainty: false, exportRows: true });
  const rows = estimate.rows ?? [];
  const run = (warm: typeof rows) =>
    bootstrapMixture(
      both,
      spec,
      40,
      { ...estimate, rows: warm },
      { replicates: 4, seed: 9, jobs: 1, method: SEARCH },
    );
  const a = await run(rows);
  const b = await run(rows.slice(0, Math.floor(rows.length / 3)));
  a.byteShareReplicates.forEach((shares, r) =>
    shares.forEach((v, i) => assert.ok(Math.abs(v - b.byteShareReplicates[r][i]) < 1e-9, `replicate ${r}`)),
  );
});

test('a time limit that runs out during the replicates names --bootstrap and --time-limit in one line', async () => {
  const { counts, spec } = blockedProblem();
  const { estimate } = await estimateMixture(counts, spec, 40, { uncertainty: false, exportRows: true });
  const deadline = new Deadline(0.001);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await assert.rejects(
    bootstrapMixture(
      counts,
      spec,
      40,
      { ...estimate, rows: estimate.rows ?? [] },
      { replicates: 50, jobs: 1, deadline },
    ),
    (e: Error) =>
      isUserError(e) &&
      /--time-limit/.test(e.message) &&
      /--bootstrap 50: 0 of 50 replicates done/.test(e.message) &&
      !e.message.includes('\n'),
  );
});

test("replicates run the point estimate's estimator (sampled steps, noise-aware rows)", async () => {
  const { counts, spec } = blockedProblem();
  // A search takes the estimator's options; held rows take the point's rows, which are the sampled
  // estimator's already, so only the noise-aware loosening shows there.
  for (const [method, options] of [
    [SEARCH, { estimator: 'sampled' as const, sampledSteps: 20 }],
    [SEARCH, { estimator: 'noise-aware' as const, noiseZ: 1 }],
    [HELD, { estimator: 'noise-aware' as const, noiseZ: 1 }],
  ] as const) {
    const { estimate } = await estimateMixture(counts, spec, 40, {
      ...options,
      uncertainty: false,
      exportRows: true,
    });
    const b = await bootstrapMixture(
      counts,
      spec,
      40,
      { ...estimate, rows: estimate.rows ?? [] },
      { ...options, replicates: 4, seed: 2, jobs: 1, method },
    );
    b.byteShareCI.forEach(([lo, hi], i) =>
      assert.ok(lo <= estimate.byteShare[i] && estimate.byteShare[i] <= hi, `${options.estimator} ${i}`),
    );
    // The same resamples under the paper's LP give other shares: the estimator reached the replicates.
    const paper = await bootstrapMixture(
      counts,
      spec,
      40,
      { ...estimate, rows: estimate.rows ?? [] },
      { replicates: 4, seed: 2, jobs: 1, method },
    );
    assert.notDeepEqual(paper.byteShareReplicates, b.byteShareReplicates, options.estimator);
  }
});

test('held rows give the point back on its own counts, characters outside the vocabulary included; resamples move', async () => {
  const { counts, spec } = blockedProblem();
  const { estimate, transcripts } = await estimateMixture(counts, spec, 40, {
    uncertainty: false,
    exportRows: true,
  });
  const rows = estimate.rows ?? [];
  assert.ok(rows.length > 0);
  // 40 merges leave characters outside the vocabulary: rows on their pairs must reach the held LP too.
  assert.ok(transcripts.some((t) => t.extraSymbols.length > 0));
  assert.ok(
    rows.some((r) => r.left < 0 || r.right < 0),
    'rows naming a character outside the vocabulary',
  );
  const held = await solveHeldRows(transcripts, { mergeList: spec.mergeList, warmStart: rows });
  assert.ok(
    Math.abs(held.objective - estimate.objective) <= 1e-9 * estimate.objective,
    `${held.objective} against ${estimate.objective}`,
  );
  held.byteShare.forEach((share, i) =>
    assert.ok(Math.abs(share - estimate.byteShare[i]) < 1e-6, `category ${i}`),
  );
  const resampled = await bootstrapMixture(
    counts,
    spec,
    40,
    { ...estimate, rows },
    { replicates: 2, seed: 5, jobs: 1, method: HELD },
  );
  assert.notDeepEqual(resampled.byteShareReplicates[0], resampled.byteShareReplicates[1]);
});

test('a held-rows replicate that lands further than HELD_ROWS_REACH from the point is searched again', async () => {
  const { counts, spec } = blockedProblem();
  const { estimate } = await estimateMixture(counts, spec, 40, { uncertainty: false, exportRows: true });
  const rows = estimate.rows ?? [];
  const replicates = async (method: IntervalMethod, byteShare = estimate.byteShare) =>
    (
      await bootstrapMixture(
        counts,
        spec,
        40,
        { ...estimate, byteShare, rows },
        {
          replicates: 3,
          seed: 6,
          jobs: 1,
          method,
        },
      )
    ).byteShareReplicates;
  const searched = await replicates(SEARCH);
  const held = await replicates(HELD);
  // Near the point, held rows answer (their own LP, not the search's optimum).
  assert.notDeepEqual(held, searched);
  for (const shares of held) {
    const distance = shares.reduce((sum, v, i) => sum + Math.abs(v - estimate.byteShare[i]), 0);
    assert.ok(distance <= HELD_ROWS_REACH, `${distance}`);
  }
  // Seen from a point at a corner, every held answer is too far: each replicate is the search's.
  const corner = estimate.byteShare.map((_, i) => (i === 0 ? 1 : 0));
  assert.deepEqual(await replicates(HELD, corner), searched);
});

test('held rows give the point back when every symbol is in the vocabulary (a shifted problem)', async () => {
  const train = [0, 1, 2].map((k) => syntheticLanguage(k + 1, ALPHABETS[k], 400, 60));
  const other = [0, 1, 2].map((k) => syntheticLanguage(k + 1, ALPHABETS[k], 400, 60, 777 + k));
  const { mergeList, transcripts } = mixtureProblem(train, [0.5, 0.3, 0.2], 40, other);
  assert.ok(transcripts.every((t) => t.extraSymbols.length === 0));
  const point = await solveMixture(transcripts, { mergeList, exportRows: true, uncertainty: false });
  assert.ok(point.certified && point.objective > 0, 'a shifted problem needs slack');
  const held = await solveHeldRows(transcripts, { mergeList, warmStart: point.rows ?? [] });
  assert.ok(Math.abs(held.objective - point.objective) <= 1e-9 * point.objective);
  held.byteShare.forEach((share, i) =>
    assert.ok(Math.abs(share - point.byteShare[i]) < 1e-9, `category ${i}`),
  );
});
