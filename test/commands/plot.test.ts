import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  tokmix as runCli,
  tokmixAsync as runCliAsync,
  assertUserError as assertOneLine,
  type CliRun,
} from '../helpers/cli.js';
import { makeInferResult, makeValidationResult } from '../report/fixtures.js';
import { tempDir } from '../helpers/temp.js';

function tokmix(cwd: string, ...args: string[]): CliRun {
  return runCli(args, { cwd, timeout: 60_000 });
}

/** The same, without waiting: bad-input runs go two at a time (the machines have two cores). */
function tokmixAsync(cwd: string, ...args: string[]): Promise<CliRun> {
  return runCliAsync(args, { cwd });
}

function setUp(): string {
  const dir = tempDir('plot');
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

function assertUserError(run: CliRun, pattern: RegExp): void {
  assertOneLine(run, pattern);
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
