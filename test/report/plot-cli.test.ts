import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeInferResult, makeValidationResult } from './fixtures.js';

// This file runs as <root>/<dist>/test/report/plot-cli.test.js: the CLI runs from that same build.
const here = dirname(fileURLToPath(import.meta.url));
const distRoot = resolve(here, '..', '..');
const root = dirname(distRoot);
const dist = basename(distRoot);

function tokmix(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TOKMIX_DIST: dist },
    timeout: 60_000,
  });
}

/** The same, without waiting: bad-input runs go two at a time (the machines have two cores). */
function tokmixAsync(
  cwd: string,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
      cwd,
      env: { ...process.env, TOKMIX_DIST: dist },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

function setUp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokmix-plot-'));
  writeFileSync(join(dir, 'a.json'), JSON.stringify(makeInferResult({ tokenizer: 'GPT-2' })));
  writeFileSync(join(dir, 'b.json'), JSON.stringify(makeInferResult({ tokenizer: 'Llama 3', seed: 9 })));
  writeFileSync(join(dir, 'v.json'), JSON.stringify(makeValidationResult()));
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ hello: 'world' }));
  writeFileSync(
    join(dir, 'klingon.json'),
    JSON.stringify(makeInferResult({ tokenizer: 'x', categories: [{ name: 'klingon', kind: 'language' }] })),
  );
  return dir;
}

function assertUserError(
  run: { status: number | null; stdout: string; stderr: string },
  pattern: RegExp,
): void {
  assert.equal(run.status, 2, `exit 2, got ${run.status}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one stderr line: ${run.stderr}`);
  assert.match(lines[0], /^tokmix: /);
  assert.match(lines[0], pattern);
  assert.equal(run.stdout, '');
}

test('tokmix plot: one result, a comparison, a validation; --json; --force', { timeout: 120_000 }, () => {
  const dir = setUp();
  try {
    let run = tokmix(dir, 'plot', 'a.json', '--out', 'one.png', '--top', '8');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual([...readFileSync(join(dir, 'one.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    run = tokmix(dir, 'plot', 'a.json', 'b.json', '--group', 'paper', '--out', 'cmp.svg', '--json');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      out: 'cmp.svg',
      format: 'svg',
      chart: 'comparison',
      inputs: 2,
    });
    assert.match(readFileSync(join(dir, 'cmp.svg'), 'utf8'), /Latin\/Cyrillic languages/);
    run = tokmix(dir, 'plot', 'v.json', '--out', 'one.png', '--force');
    assert.equal(run.status, 0, run.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokmix plot: bad input exits 2 with one line and leaves no file', { timeout: 120_000 }, async () => {
  const dir = setUp();
  try {
    writeFileSync(join(dir, 'taken.png'), 'mine');
    const cases: [string[], RegExp][] = [
      [['other.json', '--out', 'x.png'], /other\.json: not a tokmix result/],
      [['missing.json', '--out', 'x.png'], /missing\.json: no such file/],
      [['a.json', 'klingon.json', '--out', 'x.png'], /no category in common/],
      [['a.json', '--out', 'a.json/x.png'], /a\.json\/x\.png: cannot be written/],
      [['a.json', '--out', 'taken.png'], /already exists; pass --force/],
    ];
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const runs = await Promise.all(batch.map(([args]) => tokmixAsync(dir, 'plot', ...args)));
      runs.forEach((run, j) => assertUserError(run, batch[j][1]));
    }
    assert.equal(readFileSync(join(dir, 'taken.png'), 'utf8'), 'mine');
    const left = readdirSync(dir).filter((name) => /^x\.png$|\.tmp$/.test(name));
    assert.deepEqual(left, [], 'no partial output');
    assert.ok(!existsSync(join(dir, 'x.png')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
