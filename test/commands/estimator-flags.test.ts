// --estimator and --sampled-steps through the CLI: a sampled infer records its estimator and says
// how many merges it constrained; bad values end in one `tokmix:` line and exit 2 for infer and
// validate alike, before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeGpt2Problem } from '../helpers/gpt2-problem.js';
import { assertUserError as assertRefused, tokmix, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const work = tempDir('estimator-cli');
const cacheDir = join(work, 'cache');
const run = (...args: string[]): CliRun => tokmix([...args, '--cache-dir', cacheDir], { cwd: work });

test('bad --estimator / --sampled-steps: one line, exit 2, nothing written (infer and validate)', () => {
  const out = join(work, 'out-bad');
  for (const command of [
    ['infer', 'gpt2'],
    ['validate', '--set', 'languages'],
  ]) {
    assertRefused(
      run(...command, '--estimator', 'exact', '--out', out),
      /^tokmix: --estimator exact: unknown estimator/,
    );
    for (const value of ['0', '2.5', 'many']) {
      assertRefused(
        run(...command, '--estimator', 'sampled', '--sampled-steps', value, '--out', out),
        new RegExp(`^tokmix: --sampled-steps ${value.replace('.', '\\.')}: expected a positive whole number`),
      );
    }
    assertRefused(
      run(...command, '--sampled-steps', '300', '--out', out),
      /^tokmix: --sampled-steps 300: only the sampled estimator samples steps; add --estimator sampled$/,
    );
  }
  assert.equal(existsSync(out), false);
});

test('validate --bootstrap 0 means no intervals, as in infer: with --ci it is the same refusal', () => {
  const out = join(work, 'out-bootstrap-0');
  assertRefused(
    run('validate', '--set', 'languages', '--bootstrap', '0', '--ci', '0.8', '--out', out),
    /^tokmix: --ci 0\.8: intervals need --bootstrap/,
  );
  assertRefused(
    run('validate', '--set', 'languages', '--bootstrap', '-1', '--out', out),
    /^tokmix: --bootstrap -1: expected a whole number of replicates/,
  );
  assert.equal(existsSync(out), false);
});

test('the likelihood estimator: a z or a step count for it, or an unknown --methods name, is one line and exit 2', () => {
  const out = join(work, 'out-likelihood');
  for (const command of [
    ['infer', 'gpt2'],
    ['validate', '--set', 'languages'],
  ]) {
    assertRefused(
      run(...command, '--estimator', 'likelihood', '--noise-z', '1', '--out', out),
      /^tokmix: --noise-z 1: only the noise-aware estimator takes it; add --estimator noise-aware$/,
    );
    assertRefused(
      run(...command, '--estimator', 'likelihood', '--sampled-steps', '10', '--out', out),
      /^tokmix: --sampled-steps 10: only the sampled estimator samples steps; add --estimator sampled$/,
    );
  }
  assertRefused(
    run('validate', '--set', 'languages', '--methods', 'paper,likelyhood', '--out', out),
    /^tokmix: --methods: unknown method "likelyhood"; use tokmix, tee, tc, random, uniform, paper, sampled, noise-aware, likelihood$/,
  );
  assert.equal(existsSync(out), false);
});

test('infer --estimator sampled records the estimator and the merges it constrained', async () => {
  const { tokenizerPath, categories } = await writeGpt2Problem(work);
  const out = join(work, 'out-sampled');
  const args = [tokenizerPath, '--categories', categories, '--merges', '200', '--allow-unconstrained'];
  const sampled = run('infer', ...args, '--estimator', 'sampled', '--sampled-steps', '50', '--out', out);
  assert.equal(sampled.status, 0, sampled.stderr);
  assert.match(
    sampled.stdout,
    /estimator sampled: 50 of the 200 attacked merges constrained \(all applied\)/,
  );
  assert.doesNotMatch(sampled.stdout, /hand-added/);
  const json = run(
    'infer',
    ...args,
    '--estimator',
    'sampled',
    '--sampled-steps',
    '50',
    '--out',
    out,
    '--force',
    '--json',
  );
  const result = JSON.parse(json.stdout);
  assert.equal(result.options.estimator, 'sampled');
  assert.equal(result.options.sampledSteps, 50);
  assert.equal(result.tokenizer.mergesUsed, 200);
  for (const m of result.solver.unexplainedMerges)
    assert.equal(m.step % 4, 0, `step ${m.step} was not sampled`);
  const paper = JSON.parse(run('infer', ...args, '--out', join(work, 'out-paper'), '--json').stdout);
  assert.equal(paper.options.estimator, 'paper');
  assert.equal(paper.options.sampledSteps, undefined);
});
