// A plain `tokmix infer` always ends: without --time-limit it runs under the default budget, says
// so on stderr and in --help, and a bad --time-limit is one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_INFER_TIME_LIMIT } from '../../src/infer.js';
import { writeGpt2Problem } from '../helpers/gpt2-problem.js';
import { assertUserError, tokmix, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const work = tempDir('time-budget-cli');
const run = (...args: string[]): CliRun =>
  tokmix([...args, '--cache-dir', join(work, 'cache')], { cwd: work });

test('--help shows the default budget and how to lift it', () => {
  const help = tokmix(['infer', '--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(
    help.stdout.replace(/\s+/g, ' '),
    new RegExp(`default ${DEFAULT_INFER_TIME_LIMIT}; 0: no limit`),
  );
});

test('a bad --time-limit is one line and exit 2', () => {
  for (const value of ['-1', 'soon', '2.5']) {
    assertUserError(run('infer', 'gpt2', '--time-limit', value, '--out', join(work, 'bad')), /--time-limit/);
  }
});

test('a plain infer states its budget and ends with an answer; --time-limit 0 lifts the budget', async () => {
  const { tokenizerPath, categories } = await writeGpt2Problem(work);
  const args = [tokenizerPath, '--categories', categories, '--merges', '200', '--allow-unconstrained'];
  const plain = run('infer', ...args, '--out', join(work, 'plain'));
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stderr, new RegExp(`time budget ${DEFAULT_INFER_TIME_LIMIT} s for the whole run`));
  assert.match(plain.stdout, /c0/);
  const unlimited = run('infer', ...args, '--time-limit', '0', '--out', join(work, 'unlimited'));
  assert.equal(unlimited.status, 0, unlimited.stderr);
  assert.doesNotMatch(unlimited.stderr, /time budget/);
});
