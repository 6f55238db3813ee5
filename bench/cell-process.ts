// Runs one cell of a bench in its own Node process (so its peak RSS is its own) and reads the JSON
// line it prints last: the scale, noise and alpha-cuts benches' shared way of running a cell.
import { spawnSync } from 'node:child_process';

/** The cell's JSON result, or why it failed (its last stderr or stdout line). */
export type CellOutcome<T> = { ok: true; cell: T } | { ok: false; error: string };

export function runCellProcess<T>(
  script: string,
  args: readonly string[],
  options: { traceStderr?: boolean } = {},
): CellOutcome<T> {
  const child = spawnSync(process.execPath, ['--max-old-space-size=4096', script, '--cell', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', options.traceStderr ? 'inherit' : 'pipe'],
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    return { ok: false, error: ((child.stderr ?? '') || line).trim().split('\n').pop() ?? '' };
  }
  return { ok: true, cell: JSON.parse(line) as T };
}
