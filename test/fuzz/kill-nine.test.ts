// The kill -9 check, bounded for npm test: `train` killed with SIGKILL at random moments leaves
// --out empty or whole, and a re-run on the cache it left equals a clean run. Many more kills, and
// `infer` and `validate` (each run takes seconds more): npm run bench -- kill-nine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killNine } from './kill-nine.js';
import { fuzzSeed } from './seed.js';

const here = dirname(fileURLToPath(import.meta.url));
// This file runs from <root>/<dist>/test/fuzz: the CLI must load the same <dist>.
const root = resolve(here, '..', '..', '..');
const dist = relative(root, resolve(here, '..', '..'));

test('SIGKILLed train runs leave no half-written output and no wrong cache entry', async (t) => {
  const seed = fuzzSeed(process.env.TOKMIX_FUZZ_SEED);
  const report = await killNine({
    root,
    dist,
    commands: ['train'],
    kills: 3,
    seed,
    budgetMs: 30_000,
    log: (line) => t.diagnostic(line),
  });
  const kills = report.kills.filter((k) => k.killed).length;
  t.diagnostic(`seed ${seed}: ${kills} kills in ${report.kills.length} runs`);
  assert.ok(kills > 0, 'every run finished before its kill');
  assert.deepEqual(report.failures, []);
});
