// The Slurm scripts as text, the flags that go into them, shard selection, and the final job's
// check of the array's status files: all without Slurm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SHARD_PLACEHOLDER,
  checkSlurmResources,
  flagArgs,
  shellQuote,
  slurmFiles,
  taskLabels,
  type SlurmRunSpec,
} from '../../src/slurm/scripts.js';
import { checkArrayTasks, findOnPath } from '../../src/slurm/jobs.js';
import { inShard, parseShard } from '../../src/common/shard.js';
import { UserError } from '../../src/common/errors.js';

const spec: SlurmRunSpec = {
  command: 'infer',
  dir: '/shared/out/slurm',
  workDir: '/home/me/project',
  tokmix: ['/usr/bin/node', '/opt/tokmix/bin/run.js'],
  env: { TOKMIX_DIST: 'dist' },
  stageArgs: ['replay', "it's.json", '--merges', '50', '--shard', SHARD_PLACEHOLDER],
  finalArgs: ['infer', "it's.json", '--out', 'out'],
  tasks: ['a, d', 'b', 'c'],
  resources: { partition: 'cpu', time: '1:00:00', mem: '8G' },
};

test('the array script runs shard i+1/N per task and records its exit code by rename', () => {
  const files = slurmFiles(spec);
  assert.deepEqual(Object.keys(files).sort(), ['final.sbatch', 'plan.json', 'stage.sbatch', 'submit.sh']);
  const stage = files['stage.sbatch'];
  for (const line of [
    '#SBATCH --array=0-2',
    '#SBATCH --output=/shared/out/slurm/task-%a.log',
    '#SBATCH --chdir=/home/me/project',
    '#SBATCH --partition=cpu',
    '#SBATCH --time=1:00:00',
    '#SBATCH --mem=8G',
    'export TOKMIX_DIST=dist',
    `/usr/bin/node /opt/tokmix/bin/run.js replay 'it'\\''s.json' --merges 50 --shard "$((SLURM_ARRAY_TASK_ID + 1))/3"`,
  ]) {
    assert.ok(stage.split('\n').includes(line), `${line}\nmissing from\n${stage}`);
  }
  // Every #SBATCH line comes before the first command, or sbatch ignores it.
  const lines = stage.split('\n');
  const lastDirective = lines.map((l) => l.startsWith('#SBATCH')).lastIndexOf(true);
  const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
  assert.ok(lastDirective < firstCommand);
  const final = files['final.sbatch'];
  assert.ok(!final.includes('--array'));
  assert.ok(final.includes('#SBATCH --output=/shared/out/slurm/final.log'));
  assert.ok(final.includes(`run.js infer 'it'\\''s.json' --out out\n`));
  assert.match(files['submit.sh'], /--dependency=afterany:"\$stage" final\.sbatch/);
  assert.deepEqual(JSON.parse(files['plan.json']), {
    kind: 'tokmix-slurm-plan',
    command: 'infer',
    tasks: ['a, d', 'b', 'c'],
  });
  // Without resources, no resource lines.
  const bare = slurmFiles({ ...spec, resources: {} })['stage.sbatch'];
  assert.ok(!/--partition|--time|--mem/.test(bare));
});

test('the stage script, run by bash as task 1, runs shard 2/3 and leaves its status', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tokmix-slurm-script-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in for node that prints its arguments and fails.
  const fake = join(dir, 'fake-node');
  writeFileSync(fake, '#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\nexit 3\n');
  chmodSync(fake, 0o755);
  const files = slurmFiles({ ...spec, dir, workDir: dir, tokmix: [fake] });
  writeFileSync(join(dir, 'stage.sbatch'), files['stage.sbatch']);
  const run = spawnSync('bash', [join(dir, 'stage.sbatch')], {
    env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' },
    encoding: 'utf8',
  });
  assert.equal(run.status, 3, run.stderr);
  assert.equal(
    spawnSync('cat', [join(dir, 'args')], { encoding: 'utf8' }).stdout,
    "replay it's.json --merges 50 --shard 2/3\n",
  );
  assert.equal(spawnSync('cat', [join(dir, 'task-1.status')], { encoding: 'utf8' }).stdout, '3\n');
});

test('paths and resources that cannot go into #SBATCH lines are refused', () => {
  assert.throws(
    () => slurmFiles({ ...spec, dir: '/my out/slurm' }),
    /my out\/slurm: Slurm batch scripts cannot name an output folder with spaces/,
  );
  assert.throws(() => slurmFiles({ ...spec, workDir: '/a%b' }), UserError);
  assert.throws(
    () => checkSlurmResources({ time: '1:00\n#SBATCH --x' }),
    /--time "1:00\\n#SBATCH --x": expected/,
  );
  assert.throws(() => checkSlurmResources({ mem: '8 GB' }), /--mem 8 GB: expected/);
  assert.throws(() => checkSlurmResources({ partition: 'a b' }), /--partition a b: expected/);
  for (const time of ['30', '30:00', '2:00:00', '1-12', '1-12:00', '1-12:00:00'])
    checkSlurmResources({ time });
  for (const mem of ['4000', '8G', '512m']) checkSlurmResources({ mem });
  checkSlurmResources({ partition: 'gpu,cpu-long' });
});

test('shell quoting, flags back to arguments, labels of the tasks', () => {
  assert.equal(shellQuote('plain/path-1.json'), 'plain/path-1.json');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote('$(x)'), "'$(x)'");
  assert.equal(shellQuote(''), "''");
  assert.deepEqual(
    flagArgs({ merges: '50', shift: true, force: false, bytes: undefined, seed: 0 }, [
      'merges',
      'shift',
      'force',
      'bytes',
      'seed',
    ]),
    ['--merges', '50', '--shift', '--seed', '0'],
  );
  assert.deepEqual(taskLabels(['a', 'b', 'c', 'd', 'e'], 2), ['a, c, e', 'b, d']);
  // The labels split the items exactly as --shard does.
  const items = Array.from({ length: 11 }, (_, i) => `c${i}`);
  for (const tasks of [1, 3, 11]) {
    const seen = taskLabels(items, tasks).flatMap((label) => label.split(', '));
    assert.deepEqual([...seen].sort(), [...items].sort());
    for (let t = 0; t < tasks; t++) {
      const shard = parseShard(`${t + 1}/${tasks}`);
      assert.equal(taskLabels(items, tasks)[t], items.filter((_, i) => inShard(i, shard)).join(', '));
    }
  }
});

test('--shard i/N parses only 1 <= i <= N', () => {
  assert.deepEqual(parseShard('2/8'), { index: 2, count: 8 });
  assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/3', '1/3/4']) {
    assert.throws(() => parseShard(bad), /--shard .*: expected i\/N with 1 <= i <= N/);
  }
  assert.equal(inShard(5, undefined), true);
  assert.deepEqual(
    [0, 1, 2, 3, 4].filter((i) => inShard(i, { index: 2, count: 2 })),
    [1, 3],
  );
});

test('the final job names the first failed or unfinished task and its log', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tokmix-slurm-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => checkArrayTasks(dir), /plan\.json: no tokmix Slurm plan there/);
  writeFileSync(join(dir, 'plan.json'), slurmFiles({ ...spec, dir })['plan.json']);
  writeFileSync(join(dir, 'task-0.status'), '0\n');
  writeFileSync(join(dir, 'task-1.status'), '2\n');
  assert.throws(
    () => checkArrayTasks(dir),
    new RegExp(
      `^UserError: Slurm array task 1 of 3 \\(b\\) failed with exit code 2; see its log ${join(dir, 'task-1.log')} \\(1 more tasks failed too\\)$`,
    ),
  );
  writeFileSync(join(dir, 'task-1.status'), '0\n');
  assert.throws(
    () => checkArrayTasks(dir),
    /task 2 of 3 \(c\) did not finish \(cancelled, or stopped at its time or memory limit\); see its log .*task-2\.log$/,
  );
  writeFileSync(join(dir, 'task-2.status'), '0\n');
  checkArrayTasks(dir);
});

test('findOnPath finds executables only', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tokmix-slurm-path-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'sbatch-dir'));
  writeFileSync(join(dir, 'plain'), '');
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'tool'), 0o755);
  assert.equal(findOnPath('tool', `/nonexistent:${dir}`), join(dir, 'tool'));
  assert.equal(findOnPath('sbatch-dir', dir), undefined);
  // root may read any file, but only files with an execute bit count as programs.
  assert.equal(findOnPath('plain', dir), undefined);
  assert.equal(findOnPath('tool', ''), undefined);
});
