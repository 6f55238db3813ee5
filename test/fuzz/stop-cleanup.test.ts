// Nothing outlives a stopped run: `train --trainer native`, `validate --trainer native` and
// `infer --bootstrap`, stopped with SIGTERM or killed with SIGKILL in the middle of their work,
// leave no process running and, once the next run has started, no temporary folder. Each run
// gets its own TMPDIR, so what is left there is the run's alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRng } from '../../src/common/random.js';
import { distName, repoRoot, tokmix } from '../helpers/cli.js';
import { tempFolder } from '../helpers/temp.js';

/** Synthetic words for category `k`: enough text that native training takes a moment. */
function words(k: number, lines: number): string {
  const rng = createRng(k + 1);
  // English letter pairs, so gpt2's first merges occur in the text.
  const syllables = [
    ['th', 'he', 'in', 'er', 'an', 're', 'on', 'at', 'en', 'nd', 'ti', 'es'],
    ['st', 'or', 'te', 'of', 'ed', 'is', 'it', 'al', 'ar', 'ng', 'se', 'ha'],
  ][k];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const line = Array.from({ length: 12 }, () =>
      Array.from({ length: 1 + rng.int(4) }, () => syllables[rng.int(syllables.length)]).join(''),
    );
    out.push(line.join(' '));
  }
  return out.join('\n') + '\n';
}

/** Processes whose command line mentions `marker` (the run's own folder), from /proc. */
function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.[0];
      if (state === 'Z') continue; // exited, waiting to be reaped: runs nothing
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline.trim()}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

interface Case {
  name: string;
  args: (dir: string) => string[];
  /** Whether the run is in the middle of the work the case is about. */
  started: (tmp: string, stderr: string) => boolean;
}

const CASES: Case[] = [
  {
    name: 'train --trainer native',
    args: (dir) => ['train', '--categories', join(dir, 'cats'), '--merges', '3000', '--trainer', 'native'],
    started: (tmp) => readdirSync(tmp).some((name) => name.startsWith('tokmix-native-')),
  },
  {
    name: 'validate --trainer native',
    args: (dir) => [
      'validate',
      '--set',
      join(dir, 'cats'),
      '--n',
      '2',
      '--trials',
      '1',
      '--merges',
      '300',
      '--total-bytes',
      '2MB',
      '--trainer',
      'native',
      '--jobs',
      '1',
    ],
    started: (tmp) => readdirSync(tmp).some((name) => name.startsWith('tokmix-native-')),
  },
  {
    name: 'infer --bootstrap',
    args: (dir) => [
      'infer',
      'gpt2',
      '--categories',
      join(dir, 'cats'),
      '--merges',
      '200',
      '--bytes',
      '200KB',
      '--bootstrap',
      '1000',
      '--allow-unconstrained',
      '--jobs',
      '1',
    ],
    // Counting and replay are done: the point solve and the replicates' worker threads run.
    started: (_tmp, stderr) => /tokmix: replay:/.test(stderr),
  },
];

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  for (const c of CASES) {
    test(`${c.name}, ${signal} in the middle: no process left, no temp folder after the next run`, async (t) => {
      const dir = tempFolder(t, 'stop');
      const tmp = join(dir, 'tmp');
      mkdirSync(tmp);
      for (let k = 0; k < 2; k++) {
        mkdirSync(join(dir, 'cats', `c${k}`), { recursive: true });
        writeFileSync(join(dir, 'cats', `c${k}`, 'a.txt'), words(k, 12_000));
      }
      const env = { ...process.env, TOKMIX_DIST: distName, TMPDIR: tmp };
      const args = [...c.args(dir), '--out', join(dir, 'out'), '--cache-dir', join(dir, 'cache')];
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('close', (_code, by) => resolve(by)),
      );
      let done = false;
      void exited.then(() => (done = true));
      const reached = await until(() => done || c.started(tmp, stderr), 300_000);
      assert.ok(reached && !done, `the run ended before its work began: ${stderr.slice(-400)}`);
      await sleep(300); // well inside the work (the native child, the replicates' workers)
      child.kill(signal);
      assert.equal(await exited, signal, `the run ended before the ${signal}: ${stderr.slice(-400)}`);
      assert.ok(!existsSync(join(dir, 'out')), 'a stopped run wrote no result');
      // A killed parent's native child notices within its watchdog's poll (200 ms).
      const gone = await until(() => processesMentioning(dir).length === 0, 10_000);
      assert.ok(gone, `left running: ${processesMentioning(dir).join('; ')}`);
      // The next run (any command) sweeps the temporary folders of dead tokmix processes.
      const next = tokmix(['corpora'], { env: { TMPDIR: tmp } });
      assert.equal(next.status, 0, next.stderr);
      assert.deepEqual(readdirSync(tmp), [], `left in TMPDIR after ${signal}`);
      t.diagnostic(`${c.name}: ${signal} after "${stderr.trim().split('\n').at(-1) ?? ''}"`);
    });
  }
}
