// The --slurm path on a real Slurm: a one-node cluster on loopback (scripts/slurm-local.sh) takes
// an infer and a validate as job arrays, whose results must equal the local runs' apart from
// timings; an array task cancelled on the cluster is reported in one line with its log path.
// Skips, saying why, where Slurm is not installed (CI installs it) or cannot be started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from '../../src/slurm/jobs.js';
import { root, tokmix, tokmixAsync, userErrorLine, withoutTimings, writeCategories } from './helpers.js';

const daemonPath = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
function skipReason(): string | undefined {
  if (findOnPath('sbatch') === undefined) {
    return 'sbatch not found: the Slurm test needs Slurm (apt-get install -y slurm-wlm munge; .ci/run installs it)';
  }
  const missing = ['munged', 'slurmctld', 'slurmd'].filter((d) => findOnPath(d, daemonPath) === undefined);
  if (missing.length > 0)
    return `${missing.join(', ')} not found: the Slurm test starts its own one-node cluster`;
  if (process.getuid?.() !== 0)
    return 'the one-node test cluster needs root (slurmd runs jobs as their user)';
  return undefined;
}

test(
  'infer and validate as Slurm job arrays give the local results',
  { skip: skipReason() ?? false, timeout: 900_000 },
  async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'tokmix-slurm-cluster-'));
    const cluster = join(work, 'cluster');
    const script = join(root, 'scripts', 'slurm-local.sh');
    t.after(() => {
      spawnSync('bash', [script, 'stop', cluster], { timeout: 60_000 });
      rmSync(work, { recursive: true, force: true });
    });
    const started = spawnSync('bash', [script, 'start', cluster], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(started.status, 0, `the test cluster did not start:\n${started.stderr}`);
    const env = { SLURM_CONF: join(cluster, 'slurm.conf') };
    process.env.SLURM_CONF = env.SLURM_CONF; // for tokmixAsync and scontrol below
    t.after(() => delete process.env.SLURM_CONF);
    writeCategories(join(work, 'cats'));
    const read = (path: string) => withoutTimings(JSON.parse(readFileSync(join(work, path), 'utf8')));

    // infer: one array task per category, then the final solve.
    const infer = ['infer', 'gpt2', '--categories', 'cats', '--merges', '50', '--allow-unconstrained'];
    const onCluster = tokmix(
      work,
      [...infer, '--cache-dir', 'cache', '--out', 'out-slurm', '--slurm', '--wait'],
      env,
    );
    assert.equal(onCluster.status, 0, onCluster.stderr);
    assert.match(onCluster.stdout, /submitted array job \d+ \(3 tasks\) and final job \d+/);
    const local = tokmix(work, [...infer, '--cache-dir', 'cache-local', '--out', 'out-local']);
    assert.equal(local.status, 0, local.stderr);
    assert.deepEqual(read('out-slurm/result.json'), read('out-local/result.json'));

    // validate: one array task per trial, then the summary.
    const validate = ['validate', '--set', 'cats', '--n', '2', '--trials', '2', '--merges', '30'];
    const small = ['--total-bytes', '20KB', '--methods', 'tokmix,uniform'];
    const trialsOnCluster = tokmix(
      work,
      [...validate, ...small, '--cache-dir', 'cache', '--out', 'vout-slurm', '--slurm', '--wait'],
      env,
    );
    assert.equal(trialsOnCluster.status, 0, trialsOnCluster.stderr);
    assert.match(trialsOnCluster.stdout, /submitted array job \d+ \(2 tasks\)/);
    const trialsLocal = tokmix(work, [
      ...validate,
      ...small,
      '--cache-dir',
      'cache-local',
      '--out',
      'vout-local',
    ]);
    assert.equal(trialsLocal.status, 0, trialsLocal.stderr);
    assert.deepEqual(read('vout-slurm/validation.json'), read('vout-local/validation.json'));

    // A task cancelled on the cluster: the partition is held down so the task can be cancelled
    // before it starts; --wait then ends in one line naming that task's log.
    const scontrol = (...args: string[]) =>
      assert.equal(spawnSync('scontrol', args, { encoding: 'utf8', timeout: 60_000 }).status, 0);
    scontrol('update', 'PartitionName=debug', 'State=DOWN');
    let cancelled = false;
    const failing = await tokmixAsync(
      work,
      [...infer, '--cache-dir', 'cache', '--out', 'out-cancelled', '--slurm', '--wait'],
      (stdout) => {
        const match = /submitted array job (\d+)/.exec(stdout);
        if (!match || cancelled) return;
        cancelled = true;
        assert.equal(spawnSync('scancel', [`${match[1]}_1`], { timeout: 60_000 }).status, 0);
        scontrol('update', 'PartitionName=debug', 'State=UP');
      },
      300_000,
    );
    assert.ok(cancelled, failing.stderr);
    assert.equal(failing.status, 2, failing.stderr);
    const log = join(work, 'out-cancelled', 'slurm', 'task-1.log');
    assert.equal(
      userErrorLine(failing),
      `tokmix: Slurm array task 1 of 3 (beta) did not finish (cancelled, or stopped at its time or memory limit); see its log ${log}`,
    );
  },
);
