// The batch scripts of a run spread over a Slurm cluster: a job array whose task i runs shard i+1/N
// of the per-category (or per-trial) stage into the shared cache, and a final job that runs the
// whole command again after it, finding every stage cached. Pure text: nothing here runs Slurm.
import { UserError } from '../common/errors.js';
import { inShard } from '../common/shard.js';

/** Stands in the stage's arguments for the shard of the running array task (`i/N`). */
export const SHARD_PLACEHOLDER = '\u0000shard';

/** Where each job writes: names inside the run's slurm folder. */
export const SLURM_FILES = {
  stageScript: 'stage.sbatch',
  finalScript: 'final.sbatch',
  submitScript: 'submit.sh',
  plan: 'plan.json',
  taskLog: (task: number | string) => `task-${task}.log`,
  taskStatus: (task: number | string) => `task-${task}.status`,
  finalLog: 'final.log',
  finalStatus: 'final.status',
} as const;

export interface SlurmResources {
  partition?: string;
  /** Slurm's time format: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  time?: string;
  /** Memory per job, Slurm's format: a whole number with an optional K, M, G or T suffix. */
  mem?: string;
}

/** The run as Slurm jobs: what the stage and final jobs run, and where. */
export interface SlurmRunSpec {
  command: 'infer' | 'validate';
  /** Absolute folder that receives the scripts, logs and status files. */
  dir: string;
  /** Absolute working folder of the jobs (where relative paths in the arguments are read). */
  workDir: string;
  /** How a job starts this tokmix: the Node binary and bin/run.js, absolute. */
  tokmix: readonly string[];
  /** Environment the jobs need set as here (e.g. TOKMIX_DIST). */
  env: Readonly<Record<string, string>>;
  /** The stage's tokmix arguments, with SHARD_PLACEHOLDER where the task's `i/N` goes. */
  stageArgs: readonly string[];
  /** The final job's tokmix arguments. */
  finalArgs: readonly string[];
  /** What each array task runs, for messages (its length is the array's size). */
  tasks: readonly string[];
  resources: SlurmResources;
}

/** The record of a submission that the final job and `--wait` read back. */
export interface SlurmPlanFile {
  kind: 'tokmix-slurm-plan';
  command: 'infer' | 'validate';
  tasks: string[];
}

/** Checks the resource flags: each goes into a `#SBATCH` line, so only Slurm's own syntax passes. */
export function checkSlurmResources(resources: SlurmResources): SlurmResources {
  const { partition, time, mem } = resources;
  // A value with a newline or another control character is shown escaped, on the one line.
  const shown = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : JSON.stringify(value));
  if (partition !== undefined && !/^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/.test(partition)) {
    throw new UserError(
      `--partition ${shown(partition)}: expected a partition name (letters, digits, _ . -), or several comma-separated`,
      '--partition',
    );
  }
  if (
    time !== undefined &&
    !/^(\d+|\d+:\d\d|\d+:\d\d:\d\d|\d+-\d+|\d+-\d+:\d\d|\d+-\d+:\d\d:\d\d)$/.test(time)
  ) {
    throw new UserError(
      `--time ${shown(time)}: expected Slurm's time format, e.g. 30 (minutes), 2:00:00 or 1-12:00:00`,
      '--time',
    );
  }
  if (mem !== undefined && !/^[1-9]\d*[KMGT]?$/i.test(mem)) {
    throw new UserError(
      `--mem ${shown(mem)}: expected a size in Slurm's format, e.g. 4000 (MB), 8G`,
      '--mem',
    );
  }
  return resources;
}

/** A word for a POSIX shell: single-quoted unless it is plainly safe. */
export function shellQuote(word: string): string {
  if (word.includes('\u0000')) throw new Error('shellQuote: NUL in an argument');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function directives(spec: SlurmRunSpec, name: string, log: string, extra: string[]): string[] {
  const { partition, time, mem } = spec.resources;
  return [
    `#SBATCH --job-name=${name}`,
    ...extra,
    `#SBATCH --output=${spec.dir}/${log}`,
    `#SBATCH --chdir=${spec.workDir}`,
    ...(partition !== undefined ? [`#SBATCH --partition=${partition}`] : []),
    ...(time !== undefined ? [`#SBATCH --time=${time}`] : []),
    ...(mem !== undefined ? [`#SBATCH --mem=${mem}`] : []),
  ];
}

/** Runs tokmix, then records its exit code by rename, so a reader sees a whole status or none. */
function body(spec: SlurmRunSpec, args: readonly string[], status: string): string[] {
  const count = spec.tasks.length;
  const words = [...spec.tokmix, ...args].map((word) =>
    word === SHARD_PLACEHOLDER ? `"$((SLURM_ARRAY_TASK_ID + 1))/${count}"` : shellQuote(word),
  );
  // #SBATCH lines must come before the first command, so paths with spaces are refused earlier.
  return [
    'set -u',
    ...Object.entries(spec.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    words.join(' '),
    'rc=$?',
    `status=${shellQuote(`${spec.dir}/`)}"${status}"`,
    'printf \'%s\\n\' "$rc" > "$status.$(hostname).$$.tmp" && mv -f "$status.$(hostname).$$.tmp" "$status"',
    'exit "$rc"',
  ];
}

/** Paths go into `#SBATCH` lines unquoted (Slurm reads them to the end of the line). */
function checkDirectivePath(path: string, what: string): void {
  if (/[\s\\'"$`%]/.test(path)) {
    throw new UserError(
      `${path}: Slurm batch scripts cannot name ${what} with spaces, quotes, % or $ in its path; choose another`,
      path,
    );
  }
}

/** The files written into the run's slurm folder: both batch scripts, submit.sh and plan.json. */
export function slurmFiles(spec: SlurmRunSpec): Record<string, string> {
  checkDirectivePath(spec.dir, 'an output folder');
  checkDirectivePath(spec.workDir, 'a working folder');
  const count = spec.tasks.length;
  if (count < 1) throw new Error('slurmFiles: no array tasks');
  const what = spec.command === 'infer' ? 'categories' : 'trials';
  const stage = [
    '#!/bin/bash',
    `# tokmix ${spec.command}, the array: task i runs shard i+1 of ${count} of the ${what} into the shared cache.`,
    `# Written by \`tokmix ${spec.command} --slurm\`; submit.sh submits it with the final job.`,
    ...directives(spec, `tokmix-${spec.command}-stage`, SLURM_FILES.taskLog('%a'), [
      `#SBATCH --array=0-${count - 1}`,
    ]),
    ...body(spec, spec.stageArgs, SLURM_FILES.taskStatus('$SLURM_ARRAY_TASK_ID')),
  ];
  const final = [
    '#!/bin/bash',
    `# tokmix ${spec.command}, the final job: runs after the array, checks that every task succeeded,`,
    '# then runs the whole command, which finds every stage in the shared cache and writes the result.',
    ...directives(spec, `tokmix-${spec.command}-final`, SLURM_FILES.finalLog, []),
    ...body(spec, spec.finalArgs, SLURM_FILES.finalStatus),
  ];
  const submit = [
    '#!/usr/bin/env bash',
    `# Submits this run as \`tokmix ${spec.command} --slurm\` does: the array, then the final job after it`,
    '# (afterany, so the final job reports a failed task with its log). Status files of an earlier',
    '# submission are removed first.',
    'set -euo pipefail',
    `cd ${shellQuote(spec.dir)}`,
    `rm -f task-*.status ${SLURM_FILES.finalStatus}`,
    `stage=$(sbatch --parsable ${SLURM_FILES.stageScript})`,
    'stage=${stage%%;*}',
    `final=$(sbatch --parsable --dependency=afterany:"$stage" ${SLURM_FILES.finalScript})`,
    'echo "array job $stage, final job ${final%%;*}"',
  ];
  const plan: SlurmPlanFile = { kind: 'tokmix-slurm-plan', command: spec.command, tasks: [...spec.tasks] };
  return {
    [SLURM_FILES.stageScript]: `${stage.join('\n')}\n`,
    [SLURM_FILES.finalScript]: `${final.join('\n')}\n`,
    [SLURM_FILES.submitScript]: `${submit.join('\n')}\n`,
    [SLURM_FILES.plan]: `${JSON.stringify(plan, null, 2)}\n`,
  };
}

/** Flags as they were given, turned back into arguments for the jobs (unset and false ones left out). */
export function flagArgs(flags: Readonly<Record<string, unknown>>, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const value = flags[name];
    if (value === undefined || value === false) continue;
    out.push(`--${name}`);
    if (value !== true) out.push(String(value));
  }
  return out;
}

/** Labels of the array tasks: task i holds the items of shard i+1/N, round-robin. */
export function taskLabels(items: readonly string[], tasks: number): string[] {
  const labels: string[] = [];
  for (let t = 0; t < tasks; t++) {
    const mine = items.filter((_, i) => inShard(i, { index: t + 1, count: tasks }));
    const text = mine.join(', ');
    labels.push(text.length > 80 ? `${text.slice(0, 77)}...` : text);
  }
  return labels;
}
