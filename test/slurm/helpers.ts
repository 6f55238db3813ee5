// Shared by the Slurm tests: the tokmix CLI as a child process, a small category folder, and
// results compared apart from their timings.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// This file runs from <root>/<dist>/test/slurm: the CLI must load the same <dist>.
export const root = resolve(here, '..', '..', '..');
const dist = relative(root, resolve(here, '..', '..'));

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs tokmix in `cwd`, bounded by `timeoutMs`. */
export function tokmix(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): Run {
  const run = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
    cwd,
    env: { ...process.env, TOKMIX_DIST: dist, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs tokmix without blocking; `onStdout` sees its output as it comes. */
export function tokmixAsync(
  cwd: string,
  args: string[],
  onStdout: (text: string) => void,
  timeoutMs = 300_000,
): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
      cwd,
      env: { ...process.env, TOKMIX_DIST: dist },
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      onStdout(stdout);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Three small categories of made-up words over different syllables (deterministic). */
export function writeCategories(dir: string): string {
  const syllables: Record<string, string[]> = {
    alpha: ['ka', 'ri', 'to', 'mu'],
    beta: ['zo', 'pe', 'la', 'ni', 'qua'],
    gamma: ['sh', 'ee', 'oo', 'br'],
  };
  let state = 12345;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  for (const [name, parts] of Object.entries(syllables)) {
    const lines: string[] = [];
    for (let l = 0; l < 300; l++) {
      const words: string[] = [];
      for (let w = 0; w < 6; w++) {
        let word = '';
        for (let s = 0, length = 1 + next(3); s < length; s++) word += parts[next(parts.length)];
        words.push(word);
      }
      lines.push(words.join(' '));
    }
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'text.txt'), `${lines.join('\n')}\n`);
  }
  return dir;
}

/** A result record without what differs between two runs of the same inputs: timings and dates. */
export function withoutTimings(record: unknown): unknown {
  return JSON.parse(
    JSON.stringify(record, (key, value: unknown) =>
      /seconds|createdAt|memory/i.test(key) ? undefined : value,
    ),
  );
}

/** The one `tokmix:` line a refused run prints (progress lines left aside). */
export function userErrorLine(run: Run): string {
  const lines = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('tokmix: ') && !/^tokmix: (count|replay|solve|validate):/.test(l));
  if (lines.length !== 1) throw new Error(`expected one error line, got:\n${run.stderr}`);
  return lines[0];
}
