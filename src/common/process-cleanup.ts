// Nothing of a run outlives it: child processes are killed when the run is stopped (SIGTERM,
// SIGINT, SIGHUP) and notice on their own when it is killed outright (SIGKILL); temporary folders
// carry the owner's host and pid, are removed on a stop, and are swept by the next run once that
// pid is dead.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { hostTag } from './fs-checks.js';

const children = new Set<ChildProcess>();
const folders = new Set<string>();

/** `tokmix-<stem>-<host>-<pid>-<6 random>`: the sweep reads the owner from the name. */
const TEMP_NAME = /^tokmix-([a-z]+)-(.+)-(\d+)-[A-Za-z0-9]{6}$/;

/** A new temporary folder of this process (in the system's temp folder), removed on a stop. */
export function ownedTempDir(stem: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tokmix-${stem}-${hostTag()}-${process.pid}-`));
  folders.add(dir);
  return dir;
}

/** Removes a folder made by ownedTempDir. */
export function removeOwnedTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  folders.delete(dir);
}

/** Whether process `pid` of this host is alive (EPERM: alive, another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary folders of tokmix processes of this host that are no longer running. */
export function sweepStaleTempDirs(dir = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match || match[2] !== hostTag()) continue;
    const pid = Number(match[3]);
    if (pid === process.pid || isAlive(pid)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Keeps `child` to kill on a stop; it is forgotten once it exits. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
let installed = false;

/**
 * On SIGTERM, SIGINT or SIGHUP: kills the tracked children, removes the owned temporary folders,
 * then dies of the same signal. A signal another listener handles (infer's Ctrl-C, which stops the
 * solve and writes the best shares) is left to it. Idempotent.
 */
export function cleanUpOnStop(): void {
  if (installed) return;
  installed = true;
  for (const signal of STOP_SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      for (const child of children) child.kill('SIGKILL');
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * For a child process whose main thread blocks in native code (the native trainer): a watchdog
 * thread that kills the process as soon as its parent `parent` (the pid the parent passed, since
 * it may be gone before this runs) is gone: the child is re-parented, so its ppid changes. An
 * event-loop timer or an IPC disconnect would only be seen after the block.
 */
export function exitWithParent(parent: number, pollMs = 200): void {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  new Worker(
    `setInterval(() => { if (process.ppid !== ${parent}) process.kill(process.pid, 'SIGKILL'); }, ${pollMs});`,
    { eval: true },
  ).unref();
}
