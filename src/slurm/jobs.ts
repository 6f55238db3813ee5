// Running a run's scripts on Slurm: submitting them with sbatch, checking the array's tasks from
// the final job, and waiting for the final job (`--wait`). It needs no accounting database: the
// jobs leave a status file each (written by rename), and squeue tells a job that ended without one.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../common/errors.js';
import { writeOutputDir } from '../common/atomic.js';
import {
  SHARD_PLACEHOLDER,
  SLURM_FILES,
  checkSlurmResources,
  slurmFiles,
  taskLabels,
  type SlurmPlanFile,
  type SlurmResources,
  type SlurmRunSpec,
} from './scripts.js';

/** The program's full path when an executable of that name is on `path`. */
export function findOnPath(program: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** How a job starts this very tokmix: this Node and this package's bin/run.js (shared file system). */
export function tokmixInvocation(): { tokmix: string[]; env: Record<string, string> } {
  // This file is <root>/<dist>/src/slurm/jobs.js.
  const runJs = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
  const env: Record<string, string> = {};
  if (process.env.TOKMIX_DIST) env.TOKMIX_DIST = process.env.TOKMIX_DIST;
  return { tokmix: [process.execPath, runJs], env };
}

/** A job's exit code as its status file holds it, or undefined when it wrote none. */
function readStatus(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return /^\d+\s*$/.test(text) ? Number(text) : undefined;
}

/** Removes the status files of an earlier submission into `dir` (files only tokmix's jobs write). */
function clearStatuses(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (/^task-\d+\.status$/.test(name) || name === SLURM_FILES.finalStatus) rmSync(join(dir, name));
  }
}

function sbatch(args: string[], script: string): string {
  const run = spawnSync('sbatch', ['--parsable', ...args, script], { encoding: 'utf8', timeout: 120_000 });
  if (run.error) throw new UserError(`sbatch ${script}: ${run.error.message}`, script);
  if (run.status !== 0) {
    const why =
      run.stderr
        .split('\n')
        .map((line) => line.replace(/^sbatch:\s*(error:\s*)?/, '').trim())
        .find(Boolean) ?? `exit code ${run.status}`;
    throw new UserError(`sbatch refused ${script}: ${why}; check --partition, --time and --mem`, script);
  }
  const id = run.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(id))
    throw new UserError(`sbatch ${script}: no job id in its answer "${run.stdout.trim()}"`);
  return id;
}

export interface SlurmJobs {
  arrayJob: string;
  finalJob: string;
}

/** Submits the array, then the final job after it (afterany: it runs even when a task failed, to say so). */
export function submitRun(dir: string): SlurmJobs {
  clearStatuses(dir);
  const arrayJob = sbatch([], join(dir, SLURM_FILES.stageScript));
  try {
    const finalJob = sbatch([`--dependency=afterany:${arrayJob}`], join(dir, SLURM_FILES.finalScript));
    return { arrayJob, finalJob };
  } catch (error) {
    // Without its final job the array would only fill the cache: take back what this run submitted.
    spawnSync('scancel', [arrayJob], { timeout: 60_000 });
    throw error;
  }
}

function readPlan(dir: string): SlurmPlanFile {
  const path = join(dir, SLURM_FILES.plan);
  let plan: SlurmPlanFile | undefined;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as SlurmPlanFile;
  } catch {
    plan = undefined;
  }
  if (plan?.kind !== 'tokmix-slurm-plan' || !Array.isArray(plan.tasks)) {
    throw new UserError(
      `${path}: no tokmix Slurm plan there; --after-slurm takes the slurm folder that --slurm wrote`,
      path,
    );
  }
  return plan;
}

/**
 * Fails, naming the first failed task and its log, unless every array task of the run in `dir`
 * wrote status 0. The final job calls this before any work.
 */
export function checkArrayTasks(dir: string): void {
  const plan = readPlan(dir);
  const failures: string[] = [];
  plan.tasks.forEach((label, task) => {
    const status = readStatus(join(dir, SLURM_FILES.taskStatus(task)));
    if (status === 0) return;
    const what = `Slurm array task ${task} of ${plan.tasks.length} (${label})`;
    const log = join(dir, SLURM_FILES.taskLog(task));
    failures.push(
      status === undefined
        ? `${what} did not finish (cancelled, or stopped at its time or memory limit); see its log ${log}`
        : `${what} failed with exit code ${status}; see its log ${log}`,
    );
  });
  if (failures.length > 0) {
    const more = failures.length > 1 ? ` (${failures.length - 1} more tasks failed too)` : '';
    throw new UserError(`${failures[0]}${more}`);
  }
}

/** The last `tokmix:` line of a log (its last 64 KiB), without the prefix. */
function lastTokmixLine(path: string): string | undefined {
  let text: string;
  try {
    const size = statSync(path).size;
    const length = Math.min(size, 1 << 16);
    const buffer = Buffer.alloc(length);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    text = buffer.toString('utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((line) => line.startsWith('tokmix: '));
  return lines.at(-1)?.slice('tokmix: '.length).trim();
}

/** Slurm's state of a job, or undefined once squeue no longer knows it (or cannot be asked). */
function jobState(job: string): string | undefined {
  const run = spawnSync('squeue', ['-h', '-j', job, '-t', 'all', '-o', '%T'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) return undefined;
  return run.stdout.trim().split('\n')[0] || undefined;
}

const RUNNING_STATES = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED']);

/**
 * Waits until the final job of the run in `dir` has finished: returns when it succeeded, fails
 * with one line naming the log to read when it (or an array task before it) failed.
 */
export async function waitForFinalJob(dir: string, finalJob: string, pollMs = 2000): Promise<void> {
  const log = join(dir, SLURM_FILES.finalLog);
  let endedAt: number | undefined;
  for (;;) {
    const status = readStatus(join(dir, SLURM_FILES.finalStatus));
    if (status === 0) return;
    if (status !== undefined) {
      const line = lastTokmixLine(log);
      if (line === undefined)
        throw new UserError(`Slurm job ${finalJob} failed with exit code ${status}; see its log ${log}`);
      throw new UserError(
        line.includes('see its log') ? line : `${line} (Slurm job ${finalJob}, log ${log})`,
      );
    }
    const state = jobState(finalJob);
    if (state === undefined || !RUNNING_STATES.has(state)) {
      // The status file can show up late on a shared file system: allow it some seconds.
      endedAt ??= Date.now();
      if (Date.now() - endedAt > 15_000) {
        throw new UserError(
          `Slurm job ${finalJob} ended (${state ?? 'no longer listed by squeue'}) without finishing; see its log ${log}`,
        );
      }
    }
    await sleep(pollMs);
  }
}

/** The outermost folder of `path` (itself or an ancestor) that does not exist yet, if any. */
function firstMissing(path: string): string | undefined {
  let missing: string | undefined;
  for (let p = resolve(path); !existsSync(p); p = dirname(p)) missing = p;
  return missing;
}

export interface SlurmSubmitOptions {
  /** Only write the scripts. */
  dryRun: boolean;
  /** Wait for the final job. */
  wait: boolean;
  /** Replace the scripts of an earlier submission into the same folder. */
  force: boolean;
  /** The run's input paths, which the scripts' folder must keep apart from. */
  inputs: readonly string[];
  /** Told each step in one line. */
  log: (line: string) => void;
}

/**
 * The whole `--slurm` path: checks the flags and that sbatch is there, writes the scripts, submits
 * them (unless a dry run) and waits (with `wait`). Nothing is written when a check fails.
 */
export async function submitSpec(
  spec: SlurmRunSpec,
  options: SlurmSubmitOptions,
): Promise<SlurmJobs | undefined> {
  checkSlurmResources(spec.resources);
  if (!options.dryRun && findOnPath('sbatch') === undefined) {
    throw new UserError(
      '--slurm: sbatch not found on PATH; run tokmix where Slurm is installed (a login node), or add --dry-run to only write the scripts',
      '--slurm',
    );
  }
  const created = firstMissing(spec.dir);
  writeOutputDir(spec.dir, slurmFiles(spec), { force: options.force, inputs: options.inputs });
  if (options.dryRun) {
    options.log(
      `Slurm scripts written to ${spec.dir}; submit them with: bash ${join(spec.dir, SLURM_FILES.submitScript)}`,
    );
    return undefined;
  }
  let jobs: SlurmJobs;
  try {
    jobs = submitRun(spec.dir);
  } catch (error) {
    // Nothing runs: take back the folders this call made (only its scripts are in them).
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
    throw error;
  }
  options.log(
    `submitted array job ${jobs.arrayJob} (${spec.tasks.length} tasks) and final job ${jobs.finalJob}; ` +
      `logs in ${spec.dir}`,
  );
  if (options.wait) await waitForFinalJob(spec.dir, jobs.finalJob);
  return jobs;
}

export interface SlurmRunRequest {
  command: 'infer' | 'validate';
  /** The run's --out folder as given; the scripts go into its `slurm` sub-folder. */
  out: string;
  /** The shared cache folder both job kinds use. */
  cacheDir: string;
  /** The stage's arguments (its --cache-dir and --shard are added). */
  stageArgs: readonly string[];
  /** The final run's arguments (its --cache-dir, --out and --after-slurm are added). */
  finalArgs: readonly string[];
  /** The items the array splits (category names, trial labels), in the order --shard counts them. */
  items: readonly string[];
  /** Array tasks wanted (default: one per item; never more than the items). */
  tasks?: number;
  resources: SlurmResources;
}

/** The jobs of a run: both commands, with the shared cache and the slurm folder, absolute. */
export function slurmRunSpec(request: SlurmRunRequest): SlurmRunSpec {
  const dir = resolve(request.out, 'slurm');
  const cacheDir = resolve(request.cacheDir);
  const tasks = Math.min(request.tasks ?? request.items.length, request.items.length);
  return {
    command: request.command,
    dir,
    workDir: process.cwd(),
    ...tokmixInvocation(),
    stageArgs: [...request.stageArgs, '--cache-dir', cacheDir, '--shard', SHARD_PLACEHOLDER],
    finalArgs: [...request.finalArgs, '--cache-dir', cacheDir, '--out', request.out, '--after-slurm', dir],
    tasks: taskLabels(request.items, tasks),
    resources: request.resources,
  };
}

/** The `--slurm` flags as a command parses them (see slurmFlags in cli/flags.ts). */
export interface SlurmFlagValues {
  partition?: string;
  time?: string;
  mem?: string;
  tasks?: number;
  'dry-run'?: boolean;
  wait?: boolean;
  force: boolean;
}

/** A command's `--slurm` run: the jobs made from its flags, written, submitted and (with --wait) waited for. */
export async function runOnSlurm(
  request: Omit<SlurmRunRequest, 'tasks' | 'resources'>,
  flags: SlurmFlagValues,
  inputs: readonly string[],
  log: (line: string) => void,
): Promise<{ dir: string; jobs?: SlurmJobs }> {
  const spec = slurmRunSpec({
    ...request,
    tasks: flags.tasks,
    resources: { partition: flags.partition, time: flags.time, mem: flags.mem },
  });
  const jobs = await submitSpec(spec, {
    dryRun: flags['dry-run'] === true,
    wait: flags.wait === true,
    force: flags.force,
    inputs,
    log,
  });
  return { dir: spec.dir, ...(jobs ? { jobs } : {}) };
}
