// The one way tests run the tokmix CLI: bin/run.js of the same compiled tree the test runs from
// (TOKMIX_DIST), synchronously or not, and the check every refused run must pass.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled tree this file runs from (e.g. dist) and the repository root above it. */
const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoRoot = dirname(distRoot);
export const distName = basename(distRoot);

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to the environment (TOKMIX_DIST is always set). */
  env?: Record<string, string>;
  input?: string;
  /** Milliseconds before the run is killed (default 10 minutes). */
  timeout?: number;
}

function childEnv(options: CliOptions): NodeJS.ProcessEnv {
  return { ...process.env, TOKMIX_DIST: distName, ...options.env };
}

/** Runs `tokmix ...args` and waits for it. */
export function tokmix(args: string[], options: CliOptions = {}): CliRun {
  const run = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: childEnv(options),
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeout ?? 600_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same without blocking, so independent runs can go two at a time (two cores). */
export function tokmixAsync(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: childEnv(options),
      timeout: options.timeout ?? 600_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/** A refused run: exit 2 and exactly one `tokmix:` line on stderr matching `pattern`, no stack. */
export function assertUserError(run: CliRun, pattern: RegExp, context = ''): void {
  const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
  assert.equal(run.status, 2, `${context} exit code (stderr: ${run.stderr})`);
  assert.equal(lines.length, 1, `${context} one line on stderr, got: ${run.stderr}`);
  assert.match(lines[0], /^tokmix: /, context);
  assert.match(lines[0], pattern, context);
  assert.doesNotMatch(run.stderr, /\n\s+at |Error:|RangeError/, `${context} no stack or raw error`);
}
