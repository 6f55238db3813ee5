// Arguments and flags several commands share (the tokenizer argument, the pre-tokenizer preset,
// how category samples are read), defined once so their names and help read the same everywhere.
import { Args, Flags } from '@oclif/core';
import { availableParallelism } from 'node:os';
import { parseByteSize } from './byte-size.js';
import { PRE_TOKENIZER_PRESETS, parsePreTokenizerPreset } from '../tokenizer/presets.js';
import type { PreTokenizerPreset } from '../tokenizer/presets.js';

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
