// End-to-end trials on tiny constructed categories: the estimate beats the baselines, --omit scores
// against the renormalized truth, --shift splits categories in halves, and validation resumes.
// @tag slow: runs end-to-end trials (left out by npm run test:unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Cache } from '../../src/common/cache.js';
import { UserError } from '../../src/common/errors.js';
import type { CategorySpec } from '../../src/corpus/types.js';
import { preTokenizerPreset } from '../../src/tokenizer/presets.js';
import { createRng } from '../../src/common/random.js';
import { drawTrial, runTrial, type TrialSettings } from '../../src/experiment/trial.js';
import { splitCategory } from '../../src/experiment/halves.js';
import { log10Mse, normalizeShares } from '../../src/experiment/metrics.js';
import {
  parseCounts,
  runValidation,
  summarizeTrials,
  validationTable,
  type ValidateOptions,
} from '../../src/experiment/validate.js';
import { tempDir } from '../helpers/temp.js';

const SYLLABLES = [
  ['ka', 'lo', 'mi', 'tu', 're'],
  ['sch', 'ei', 'ng', 'ach', 'un'],
  ['qu', 'ix', 'oz', 'yy', 'ep'],
  ['an', 'dro', 'pel', 'ith', 'os'],
];

/** A folder of four synthetic "languages" (distinct syllable inventories), ~12 KB each. */
function makeSet(): { dir: string; categories: CategorySpec[] } {
  const dir = tempDir('exp-set');
  const rng = createRng(99);
  const categories: CategorySpec[] = SYLLABLES.map((syllables, c) => {
    const lines: string[] = [];
    for (let l = 0; l < 300; l++) {
      const words: string[] = [];
      for (let w = 0; w < 6; w++) {
        let word = '';
        const length = 1 + rng.int(3);
        for (let s = 0; s < length; s++) word += syllables[rng.int(syllables.length)];
        words.push(word);
      }
      lines.push(`${words.join(' ')} ${rng.int(100)}.`);
    }
    const name = `lang${c}`;
    mkdirSync(join(dir, name));
    const file = join(dir, name, 'text.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return { name, kind: 'language', files: [file] };
  });
  return { dir, categories };
}

const base: TrialSettings = {
  n: 3,
  trial: 0,
  seed: 1,
  merges: 200,
  totalBytes: 120_000,
  trainer: 'tokmix',
  shift: false,
  omit: 0,
  text: preTokenizerPreset('digits+gpt2'),
  backend: 'highs',
  methods: ['tokmix', 'tee', 'tc', 'random', 'uniform'],
};

test('a trial recovers its mixture far better than the baselines (both trainers)', async () => {
  const { categories } = makeSet();
  const workDir = tempDir('exp-work');
  for (const trainer of ['tokmix', 'native'] as const) {
    const trial = await runTrial({ ...base, trainer }, { categories, workDir });
    assert.equal(trial.categories.length, 3);
    assert.deepEqual(trial.candidates, trial.categories);
    assert.ok(Math.abs(trial.truth.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    for (const method of base.methods) assert.equal(trial.estimates[method].length, 3, method);
    const ours = trial.log10Mse.tokmix;
    assert.ok(ours < -4, `${trainer}: tokmix log10 MSE ${ours}`);
    assert.ok(
      ours < trial.log10Mse.random - 2 && ours < trial.log10Mse.uniform - 2,
      JSON.stringify(trial.log10Mse),
    );
    assert.equal(trial.log10Mse.tokmix, log10Mse(trial.truth, trial.estimates.tokmix));
    assert.ok(trial.seconds.train > 0 && trial.seconds.solve > 0);
  }
});

test('estimators named in methods run on the same trial: paper is tokmix by default; the tokenizer is trained once', async () => {
  const { categories } = makeSet();
  const workDir = tempDir('exp-work');
  const cache = new Cache(tempDir('exp-cache'));
  const trial = await runTrial(
    { ...base, methods: ['tokmix', 'paper', 'likelihood', 'uniform'] },
    { categories, workDir, cache },
  );
  assert.deepEqual(trial.estimates.paper, trial.estimates.tokmix);
  assert.equal(trial.estimates.likelihood.length, 3);
  assert.equal(trial.log10Mse.likelihood, log10Mse(trial.truth, trial.estimates.likelihood));
  assert.deepEqual(Object.keys(trial.estimatorSeconds ?? {}), ['paper', 'likelihood']);
  assert.deepEqual(trial.estimatorGaps, { paper: 0, likelihood: 0 });
  // Another run that differs only in its methods reuses the trained tokenizer.
  const again = await runTrial({ ...base, methods: ['likelihood'] }, { categories, workDir, cache });
  assert.deepEqual(again.estimates.likelihood, trial.estimates.likelihood);
  assert.ok(again.seconds.train < trial.seconds.train, `${again.seconds.train} vs ${trial.seconds.train}`);
});

test('a solve time limit scores the stopped solve as is and records its gap; no limit records none', async () => {
  const { categories } = makeSet();
  const workDir = tempDir('exp-work');
  const full = await runTrial({ ...base, methods: ['tokmix'] }, { categories, workDir });
  assert.equal(full.tokmixGap, undefined);
  // A limit far below one LP solve: the answer is the anytime point with a gap, still scored.
  const limited = await runTrial(
    { ...base, methods: ['tokmix'], solveTimeLimit: 1e-6 },
    { categories, workDir },
  );
  assert.ok(limited.tokmixGap !== undefined && limited.tokmixGap > 0, String(limited.tokmixGap));
  assert.equal(limited.estimates.tokmix.length, 3);
  assert.ok(Number.isFinite(limited.log10Mse.tokmix));
});

test('--omit leaves k true categories out and scores against the renormalized truth', async () => {
  const { categories } = makeSet();
  const workDir = tempDir('exp-work');
  const settings = { ...base, n: 4, omit: 1 };
  const drawn = drawTrial(categories.length, settings);
  assert.equal(drawn.omitted.length, 1);
  const trial = await runTrial(settings, { categories, workDir });
  const omittedName = trial.categories[drawn.omitted[0]];
  assert.deepEqual(
    trial.candidates,
    trial.categories.filter((name) => name !== omittedName),
  );
  const kept = trial.categories.map((_, i) => i).filter((i) => i !== drawn.omitted[0]);
  const renormalized = normalizeShares(kept.map((i) => trial.truth[i]));
  for (const method of Object.keys(trial.estimates)) {
    assert.equal(trial.estimates[method].length, 3);
    assert.equal(trial.log10Mse[method], log10Mse(renormalized, trial.estimates[method]), method);
  }
});

test('--shift splits each category by bytes into a training half and an estimation half', async () => {
  const { categories } = makeSet();
  const dir = tempDir('exp-halves');
  const halves = await splitCategory(categories[0], dir);
  const lines = (path: string) =>
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text);
  const train = lines(halves.train.files[0]);
  const estimate = lines(halves.estimate.files[0]);
  assert.equal([...train, ...estimate].join(''), readFileSync(categories[0].files[0], 'utf8'));
  const bytes = (xs: string[]) => Buffer.byteLength(xs.join(''));
  assert.ok(Math.abs(bytes(train) - bytes(estimate)) < 200);
  const trial = await runTrial({ ...base, shift: true }, { categories, workDir: dir });
  assert.ok(trial.log10Mse.tokmix < trial.log10Mse.random, JSON.stringify(trial.log10Mse));
});

test('validation resumes after an interruption, reusing finished trials', async () => {
  const { dir } = makeSet();
  const cache = new Cache(tempDir('exp-cache'));
  const options: ValidateOptions = {
    set: dir,
    ns: [2],
    trials: 2,
    merges: 40,
    totalBytes: 60_000,
    seed: 5,
    trainer: 'tokmix',
    shift: false,
    omit: 0,
    jobs: 1,
    text: preTokenizerPreset('digits+gpt2'),
    backend: 'highs',
    methods: ['tokmix', 'uniform'],
  };
  let finished = 0;
  await assert.rejects(
    runValidation(options, {
      cache,
      onProgress: (e) => {
        if (e.stage === 'validate' && e.done === 1) throw new Error('interrupted');
        finished = e.done;
      },
    }),
    /interrupted/,
  );
  assert.equal(finished, 0);
  // A killed run leaves its training-text folder behind; the next run removes it.
  const stale = join(cache.dir, 'experiment', 'trial-1-999999999');
  mkdirSync(stale, { recursive: true });
  const details: string[] = [];
  const result = await runValidation(options, {
    cache,
    onProgress: (e) => {
      if (e.stage === 'validate' && e.detail) details.push(e.detail);
    },
  });
  assert.equal(details[0], '1 trials from the cache');
  assert.equal(existsSync(stale), false);
  assert.equal(result.trials.length, 2);
  assert.deepEqual(
    result.rows.map((r) => [r.method, r.n, r.trials]),
    [
      ['tokmix', 2, 2],
      ['uniform', 2, 2],
    ],
  );
  // A third run computes nothing.
  const again = await runValidation(options, { cache });
  assert.deepEqual(again.trials, result.trials);
  await assert.rejects(runValidation({ ...options, ns: [9] }, { cache }), UserError);
  await assert.rejects(runValidation({ ...options, omit: 2 }, { cache }), UserError);
});

test('trials on worker threads give exactly the in-thread results', async () => {
  const { dir } = makeSet();
  const options: ValidateOptions = {
    set: dir,
    ns: [2],
    trials: 2,
    merges: 40,
    totalBytes: 60_000,
    seed: 8,
    trainer: 'tokmix',
    shift: false,
    omit: 0,
    jobs: 1,
    text: preTokenizerPreset('digits+gpt2'),
    backend: 'highs',
    methods: ['tokmix', 'tee', 'tc', 'random'],
  };
  const fresh = () => new Cache(tempDir('exp-cache'));
  const inThread = await runValidation(options, { cache: fresh() });
  const inWorkers = await runValidation({ ...options, jobs: 2 }, { cache: fresh() });
  assert.deepEqual(
    inWorkers.trials.map((t) => [t.categories, t.truth, t.estimates]),
    inThread.trials.map((t) => [t.categories, t.truth, t.estimates]),
  );
});

test('rows hold mean ± sd per method and n; the table has the paper’s shape', () => {
  const trial = (n: number, tokmix: number, random: number) => ({
    n,
    trial: 0,
    seed: 0,
    categories: [],
    truth: [],
    candidates: [],
    estimates: {},
    log10Mse: { tokmix, random },
    seconds: { train: 0, count: 0, replay: 0, solve: 0, baselines: 0 },
  });
  const rows = summarizeTrials([trial(5, -7, -1), trial(5, -8, -2), trial(10, -7.5, -1.8)], [5, 10]);
  assert.deepEqual(rows[0], { method: 'tokmix', n: 5, trials: 2, meanLog10Mse: -7.5, sdLog10Mse: 0.5 });
  const table = validationTable({ rows });
  assert.match(table, /tokmix \(ours\)\s+-7\.50 ± 0\.50\s+-7\.50 ± 0\.00/);
  assert.match(table, /n = 5\s+n = 10/);
  assert.deepEqual(parseCounts('10, 5,5'), [5, 10]);
  assert.throws(() => parseCounts('5,x'), UserError);
});
