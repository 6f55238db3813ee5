// Arguments and flags several commands share (the tokenizer argument, the pre-tokenizer preset,
// how category samples are read), defined once so their names and help read the same everywhere.
import { Args, Flags } from '@oclif/core';
import { availableParallelism } from 'node:os';
import { parseByteSize } from './byte-size.js';
import { PRE_TOKENIZER_PRESETS, parsePreTokenizerPreset } from '../tokenizer/presets.js';
import type { PreTokenizerPreset } from '../tokenizer/presets.js';
import { UserError } from '../common/errors.js';
import { inShard, parseShard } from '../common/shard.js';

export const tokenizerArg = Args.string({
  description:
    'built-in tokenizer name or alias, or a tokenizer file/folder (tokenizer.json, merges.txt, .tiktoken)',
  required: true,
});

/** Parsed into the preset's type here, so commands hand `flags.pretokenizer` on as it is. */
export const pretokenizerFlag = Flags.custom<PreTokenizerPreset>({
  description: 'pre-tokenizer preset for files that carry none (merges.txt, .tiktoken), or to override one',
  options: [...PRE_TOKENIZER_PRESETS],
  parse: async (input) => parsePreTokenizerPreset(input),
})();

/** How each category's sample is read: which sequences a cap takes, workers, record fields. */
export const sampleFlags = {
  seed: Flags.integer({ description: 'which sequences a capped sample takes', default: 0 }),
  jobs: Flags.integer({ description: 'worker threads for counting (default: the cores)', min: 1 }),
  'text-field': Flags.string({ description: 'JSON Lines: the field holding the text', default: 'text' }),
  'text-column': Flags.string({
    description: 'CSV/TSV and Parquet: the column holding the text (other columns are ignored)',
    default: 'text',
  }),
};

/** The sample flags (with `--bytes`) as the options `resolveCategories` and `countCategories` take. */
export function sampleOptions(flags: {
  bytes?: string;
  seed: number;
  jobs?: number;
  'text-field': string;
  'text-column': string;
}): { bytes?: number; seed: number; jobs: number; textField: string; textColumn: string } {
  return {
    bytes: flags.bytes === undefined ? undefined : parseByteSize(flags.bytes),
    seed: flags.seed,
    jobs: capJobs(flags.jobs),
    textField: flags['text-field'],
    textColumn: flags['text-column'],
  };
}

/** `--jobs` capped at the machine's cores (more threads only slow each other down), with a note. */
export function capJobs(jobs: number | undefined): number {
  const cores = availableParallelism();
  if (jobs === undefined) return cores;
  if (jobs > cores) {
    process.stderr.write(`tokmix: note: --jobs ${jobs} is more than the ${cores} cores; using ${cores}\n`);
    return cores;
  }
  return jobs;
}

/** Running a command over a Slurm cluster (infer, validate); every flag but --slurm needs --slurm. */
export const slurmFlags = {
  slurm: Flags.boolean({
    description:
      'run on a Slurm cluster: write batch scripts into <out>/slurm, submit the per-category (per-trial) array and the final job after it, print their ids',
    // No default: a flag that depends on it must see it unset when it was not given.
  }),
  partition: Flags.string({ description: 'Slurm partition of the jobs', dependsOn: ['slurm'] }),
  time: Flags.string({
    description: 'Slurm time limit of each job (e.g. 30, 2:00:00)',
    dependsOn: ['slurm'],
  }),
  mem: Flags.string({ description: 'Slurm memory of each job (e.g. 8G)', dependsOn: ['slurm'] }),
  tasks: Flags.integer({
    description: 'tasks of the Slurm array (default: one per category, or per trial)',
    min: 1,
    dependsOn: ['slurm'],
  }),
  'dry-run': Flags.boolean({
    description: 'with --slurm: only write the scripts (submit them with <out>/slurm/submit.sh)',
    dependsOn: ['slurm'],
  }),
  wait: Flags.boolean({
    description:
      'with --slurm: wait for the final job and print its result (exit 2 naming the log of a failed job)',
    dependsOn: ['slurm'],
  }),
  // The final job's own flag: the array tasks of this slurm folder must all have succeeded.
  'after-slurm': Flags.string({
    hidden: true,
    description: 'check the Slurm array tasks of this folder first',
  }),
};

/** Parts of a category set for one job of a cluster array (count, replay). */
export const partFlags = {
  only: Flags.string({
    description: 'only these categories (comma-separated names), e.g. one category per cluster job',
    exclusive: ['shard'],
  }),
  shard: Flags.string({
    description: 'only part i of N (i/N): every N-th category from the i-th, e.g. one job of a cluster array',
  }),
};

/** The categories `--only` or `--shard` select (all without either), in their order. */
export function selectCategories<T extends { name: string }>(
  categories: readonly T[],
  flags: { only?: string; shard?: string },
): T[] {
  if (flags.shard !== undefined) {
    const shard = parseShard(flags.shard);
    return categories.filter((_, i) => inShard(i, shard));
  }
  if (flags.only === undefined) return [...categories];
  const names = flags.only
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UserError('--only: give category names, e.g. --only en,fr', '--only');
  for (const name of names) {
    if (!categories.some((c) => c.name === name)) {
      const known = categories.map((c) => c.name);
      const shown = known.slice(0, 12).join(', ') + (known.length > 12 ? `, … (${known.length} in all)` : '');
      throw new UserError(`--only ${name}: no category of that name; the categories are ${shown}`, '--only');
    }
  }
  return categories.filter((c) => names.includes(c.name));
}

/** A number typed for `flag` (range checks are the option's own); UserError naming the text. */
export function parseNumber(text: string, flag: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UserError(`${flag} ${text}: expected a number`, flag);
  }
  return value;
}

/** Flags a Slurm job must not repeat: the cluster's own, and those the scripts set themselves. */
const NOT_FORWARDED = new Set(['out', 'json', 'cache-dir', 'only', 'shard', 'force']);

/**
 * The names of a command's flags that decide its result, for the commands a Slurm job runs:
 * every flag it declares but the cluster's own (slurmFlags) and the output/cache/part flags the
 * scripts set. Derived from the declarations, so a new option is never silently dropped.
 */
export function runFlagNames(flags: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(flags).filter((name) => !(name in slurmFlags) && !NOT_FORWARDED.has(name));
}
