// Bounded work on hostile input: a backtracking tokenizer regex stops the counting workers after the
// task budget with one UserError naming the pattern and the category; the run's deadline stops
// counting and replay; worker threads never outnumber the cores.
// @tag slow: waits out the counting watchdog (left out by npm run test:unit)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { countCategories, workerCount } from '../../src/count/count.js';
import { taskBudgetMs } from '../../src/count/worker-pool.js';
import { preTokenizeText } from '../../src/cli/pretokenize-input.js';
import { replayCategories } from '../../src/bpe/replay-categories.js';
import { Deadline } from '../../src/common/deadline.js';
import { isUserError } from '../../src/common/errors.js';
import type { CategorySpec } from '../../src/corpus/types.js';
import type { TokenizerSpec } from '../../src/tokenizer/spec.js';
import { tempDir } from '../corpus/helpers.js';
import { tokmix as runCli, type CliRun } from '../helpers/cli.js';

const dir = tempDir('bounds');
after(() => rmSync(dir, { recursive: true, force: true }));

function category(name: string, text: string, folder = 'cats'): CategorySpec {
  mkdirSync(join(dir, folder, name), { recursive: true });
  const path = join(dir, folder, name, 'sample.txt');
  writeFileSync(path, text);
  return { name, kind: 'other', files: [path] };
}

/** V8 backtracks exponentially on `(a+)+$` over a run of a's that does not end the text. */
const EVIL = 'a'.repeat(30_000) + '!\n';
const evilSpec: Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'> & { source: string } = {
  source: 'evil/tokenizer.json',
  alphabet: 'byte-level',
  normalizer: null,
  preTokenizer: {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  },
};
const benign = category('plain', 'hello world\n');
const evil = category('evil', EVIL);
category('plain', 'hello world\n', 'good');

function rejectsWithin(promise: Promise<unknown>, ms: number, pattern: RegExp): Promise<void> {
  const started = performance.now();
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(isUserError(error), `not a UserError: ${String(error)}`);
    const message = (error as Error).message;
    assert.match(message, pattern);
    assert.ok(!message.includes('\n'));
    assert.ok(performance.now() - started < ms, `took ${performance.now() - started} ms`);
    return true;
  });
}

test('a catastrophically backtracking Split regex ends counting after the task budget', async () => {
  await rejectsWithin(
    countCategories([benign, evil], evilSpec, { jobs: 2, taskBudgetMs: 500 }),
    10_000,
    /^evil\/tokenizer\.json pre_tokenizer Split regex "\(a\+\)\+\$": took more than 500 ms on one task of category evil \(.*sample\.txt\); the pattern backtracks catastrophically/,
  );
});

test('the same pattern over benign text counts normally under the same budget', async () => {
  const [counts] = await countCategories([benign], evilSpec, { jobs: 1, taskBudgetMs: 500 });
  assert.equal(counts!.stats.sequences, 1);
  assert.ok(counts!.words.length > 0);
});

test('pretokenize runs on a worker under the budget too', async () => {
  assert.deepEqual(await preTokenizeText(evilSpec, 'hello'), ['hello']);
  await rejectsWithin(
    preTokenizeText(evilSpec, EVIL, { taskBudgetMs: 500 }),
    10_000,
    /Split regex "\(a\+\)\+\$": took more than 500 ms on the input text/,
  );
});

test('the run deadline stops counting, naming the stage', async () => {
  // Default task budget (30 s): only the deadline can end this.
  await rejectsWithin(
    countCategories([evil], evilSpec, { jobs: 1, deadline: new Deadline(1) }),
    10_000,
    /time limit of 1 s \(--time-limit\) ran out while counting the category samples; raise --time-limit/,
  );
});

test('the run deadline stops replay', async () => {
  const words = ['ab', 'abc', 'bc'];
  const counts = [
    {
      category: { name: 'c', kind: 'other' as const },
      words,
      counts: new Float64Array([3, 2, 1]),
      stats: {
        bytes: 9,
        characters: 9,
        sequences: 1,
        preTokens: 6,
        distinctPreTokens: 3,
        replacedInvalid: 0,
      },
    },
  ];
  const spec = {
    alphabet: 'characters' as const,
    mergeList: [
      ['a', 'b'],
      ['ab', 'c'],
    ] as const as [string, string][],
  };
  await assert.rejects(
    replayCategories(counts, spec, 2, { deadline: new Deadline(0) }),
    /ran out while replaying the merges/,
  );
  const [transcript] = await replayCategories(counts, spec, 2, { deadline: new Deadline(60) });
  assert.equal(transcript!.totals.absentSteps, 0);
});

test('the task budget grows with the bytes and can be fixed', () => {
  assert.equal(taskBudgetMs(0), 30_000);
  assert.equal(taskBudgetMs(1 << 20), 45_000);
  assert.equal(taskBudgetMs(8 << 20, 250), 250);
});

test('worker threads are capped at the cores', () => {
  const cores = availableParallelism();
  assert.equal(workerCount(1000), cores);
  assert.equal(workerCount(undefined), cores);
  assert.equal(workerCount(1), 1);
});

function tokmix(args: string[], env: Record<string, string> = {}): CliRun {
  return runCli(args, { cwd: dir, env: { TOKMIX_CACHE: join(dir, 'cache'), ...env } });
}
const tokenizerPath = join(dir, 'evil.json');
writeFileSync(
  tokenizerPath,
  JSON.stringify({
    version: '1.0',
    normalizer: null,
    pre_tokenizer: evilSpec.preTokenizer,
    model: { type: 'BPE', merges: ['a a', 'aa a'] },
  }),
);

function assertOneLine(run: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(run.status, 2, run.stderr);
  assert.doesNotMatch(run.stderr, /Error:|RangeError|at .*\.js:\d+/);
  const lines = run.stderr.split('\n').filter((line) => line.length > 0);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], pattern);
}

test('CLI count: a backtracking regex ends in exit 2 and one line, within seconds', () => {
  const started = performance.now();
  const run = tokmix(['count', tokenizerPath, '--categories', join(dir, 'cats'), '--json'], {
    TOKMIX_TASK_BUDGET_MS: '500',
  });
  assertOneLine(run, /^tokmix: .*evil\.json pre_tokenizer Split regex "\(a\+\)\+\$": took more than 500 ms/);
  assert.ok(performance.now() - started < 20_000);
});

test('CLI pretokenize: a backtracking regex ends in exit 2 and one line', () => {
  const run = tokmix(
    ['tokenizers', 'pretokenize', tokenizerPath, '--file', join(dir, 'cats', 'evil', 'sample.txt')],
    {
      TOKMIX_TASK_BUDGET_MS: '500',
    },
  );
  assertOneLine(run, /^tokmix: .*took more than 500 ms on the input text/);
});

test('CLI infer: --time-limit covers counting', () => {
  const run = tokmix([
    'infer',
    tokenizerPath,
    '--categories',
    join(dir, 'cats'),
    '--time-limit',
    '1',
    '--json',
  ]);
  assertOneLine(
    run,
    /^tokmix: time limit of 1 s \(--time-limit\) ran out while counting the category samples/,
  );
});

test('CLI: --jobs above the cores gets a note and the cores', () => {
  const run = tokmix(['count', 'gpt2', '--categories', join(dir, 'good'), '--jobs', '1000', '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`--jobs 1000 is more than the ${availableParallelism()} cores; using`));
  assert.match(run.stdout, /"plain"/);
});

test('CLI: an invalid TOKMIX_TASK_BUDGET_MS is one line', () => {
  const run = tokmix(['count', 'gpt2', '--categories', join(dir, 'good'), '--json'], {
    TOKMIX_TASK_BUDGET_MS: 'soon',
  });
  assertOneLine(run, /^tokmix: TOKMIX_TASK_BUDGET_MS=soon: expected a positive number of milliseconds$/);
});
