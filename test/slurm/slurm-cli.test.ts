// `--slurm` without a cluster: --dry-run writes the scripts, and running them by hand (bash, one
// task id after another, then the final one) gives the local run's result.json with every stage
// cached by the array; --slurm without sbatch, and bad resources, end in one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokmix, userErrorLine, withoutTimings, writeCategories } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'tokmix-slurm-cli-'));
test.after(() => rmSync(work, { recursive: true, force: true }));
writeCategories(join(work, 'cats'));
const infer = ['infer', 'gpt2', '--categories', 'cats', '--merges', '50', '--allow-unconstrained'];

test('the dry-run scripts, run by hand, fill the cache and give the local result', () => {
  const cache = join(work, 'cache-array');
  const dry = tokmix(work, [...infer, '--cache-dir', cache, '--out', 'out-array', '--slurm', '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /Slurm scripts written to .*out-array\/slurm; submit them with: bash .*submit\.sh/,
  );
  const dir = join(work, 'out-array', 'slurm');
  assert.deepEqual(readdirSync(dir).sort(), ['final.sbatch', 'plan.json', 'stage.sbatch', 'submit.sh']);
  assert.equal(existsSync(join(work, 'out-array', 'result.json')), false);

  // The array's tasks as Slurm would run them (sbatch --chdir is the submitting folder).
  for (const task of ['0', '1', '2']) {
    const run = spawnSync('bash', [join(dir, 'stage.sbatch')], {
      cwd: work,
      env: { ...process.env, SLURM_ARRAY_TASK_ID: task },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /1 categories replayed over 50 merges of gpt2/);
    assert.equal(readFileSync(join(dir, `task-${task}.status`), 'utf8'), '0\n');
  }
  const entries = () => ['count', 'replay'].map((stage) => readdirSync(join(cache, stage)).length);
  assert.deepEqual(entries(), [3, 3]);
  const final = spawnSync('bash', [join(dir, 'final.sbatch')], { cwd: work, encoding: 'utf8' });
  assert.equal(final.status, 0, final.stderr);
  // The final run found every count and transcript: it added no entry of its own.
  assert.deepEqual(entries(), [3, 3]);

  const local = tokmix(work, [...infer, '--cache-dir', join(work, 'cache-local'), '--out', 'out-local']);
  assert.equal(local.status, 0, local.stderr);
  const result = (out: string) => JSON.parse(readFileSync(join(work, out, 'result.json'), 'utf8')) as unknown;
  assert.deepEqual(withoutTimings(result('out-array')), withoutTimings(result('out-local')));
});

test('the final job stops at a failed array task, naming its log', () => {
  const dry = tokmix(work, [
    ...infer,
    '--cache-dir',
    join(work, 'cache-fail'),
    '--out',
    'out-fail',
    '--slurm',
    '--dry-run',
  ]);
  assert.equal(dry.status, 0, dry.stderr);
  const dir = join(work, 'out-fail', 'slurm');
  const final = spawnSync('bash', [join(dir, 'final.sbatch')], { cwd: work, encoding: 'utf8' });
  assert.equal(final.status, 2);
  assert.equal(
    userErrorLine({ ...final, status: final.status }),
    `tokmix: Slurm array task 0 of 3 (alpha) did not finish (cancelled, or stopped at its time or memory limit); see its log ${join(dir, 'task-0.log')} (2 more tasks failed too)`,
  );
  assert.equal(readFileSync(join(dir, 'final.status'), 'utf8'), '2\n');
  assert.equal(existsSync(join(work, 'out-fail', 'result.json')), false);
});

test('validate --slurm --dry-run: an array of trials, and validate --shard runs its part only', () => {
  const args = [
    'validate',
    '--set',
    'cats',
    '--n',
    '2',
    '--trials',
    '3',
    '--merges',
    '30',
    '--total-bytes',
    '20KB',
  ];
  const dry = tokmix(work, [
    ...args,
    '--methods',
    'uniform',
    '--cache-dir',
    join(work, 'vcache'),
    '--out',
    'vout',
    '--slurm',
    '--dry-run',
  ]);
  assert.equal(dry.status, 0, dry.stderr);
  const stage = readFileSync(join(work, 'vout', 'slurm', 'stage.sbatch'), 'utf8');
  assert.match(stage, /#SBATCH --array=0-2\n/);
  assert.match(
    stage,
    / validate --set cats --n 2 --trials 3 --merges 30 --total-bytes 20KB .*--shard "\$\(\(SLURM_ARRAY_TASK_ID \+ 1\)\)\/3"/,
  );
  const plan = JSON.parse(readFileSync(join(work, 'vout', 'slurm', 'plan.json'), 'utf8')) as {
    tasks: string[];
  };
  assert.deepEqual(plan.tasks, ['n=2 trial 0', 'n=2 trial 1', 'n=2 trial 2']);

  const shard = tokmix(work, [
    ...args,
    '--methods',
    'uniform',
    '--cache-dir',
    join(work, 'vcache'),
    '--shard',
    '2/3',
    '--json',
  ]);
  assert.equal(shard.status, 0, shard.stderr);
  const part = JSON.parse(shard.stdout) as { trials: { n: number; trial: number }[] };
  assert.deepEqual(
    part.trials.map((t) => [t.n, t.trial]),
    [[2, 1]],
  );
  assert.equal(readdirSync(join(work, 'vcache', 'validate-trial')).length, 1);
});

test('--slurm without sbatch, and bad --slurm flags, end in one line, exit 2, nothing written', () => {
  const out = join(work, 'out-refused');
  const cache = ['--cache-dir', join(work, 'cache-refused')];
  const noSbatch = tokmix(work, [...infer, ...cache, '--out', out, '--slurm'], {
    PATH: join(work, 'empty-path'),
  });
  assert.equal(noSbatch.status, 2, noSbatch.stderr);
  assert.equal(
    userErrorLine(noSbatch),
    'tokmix: --slurm: sbatch not found on PATH; run tokmix where Slurm is installed (a login node), or add --dry-run to only write the scripts',
  );
  for (const [flags, pattern] of [
    [['--slurm', '--dry-run', '--time', 'soon'], /^tokmix: --time soon: expected Slurm's time format/],
    [['--slurm', '--dry-run', '--mem', '8 GB'], /^tokmix: --mem 8 GB: expected a size/],
    [['--dry-run'], /^tokmix: .*--dry-run.*--slurm/],
  ] as const) {
    const run = tokmix(work, [...infer, ...cache, '--out', out, ...flags]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(userErrorLine(run), pattern);
  }
  assert.equal(existsSync(out), false);
});
