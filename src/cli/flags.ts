// Arguments and flags several commands share (the tokenizer argument, the pre-tokenizer preset,
// how category samples are read), defined once so their names and help read the same everywhere.
import { Args, Flags } from '@oclif/core';
import { PRE_TOKENIZER_PRESETS } from '../tokenizer/presets.js';

export const tokenizerArg = Args.string({
  description:
    'built-in tokenizer name or alias, or a tokenizer file/folder (tokenizer.json, merges.txt, .tiktoken)',
  required: true,
});

export const pretokenizerFlag = Flags.string({
  description: 'pre-tokenizer preset for files that carry none (merges.txt, .tiktoken), or to override one',
  options: [...PRE_TOKENIZER_PRESETS],
});

/** How each category's sample is read: which sequences a cap takes, workers, record fields. */
export const sampleFlags = {
  seed: Flags.integer({ description: 'which sequences a capped sample takes', default: 0 }),
  jobs: Flags.integer({ description: 'worker threads for counting (default: the cores)', min: 1 }),
  'text-field': Flags.string({ description: 'JSON Lines: the field holding the text', default: 'text' }),
  'text-column': Flags.string({ description: 'CSV/TSV: the column holding the text', default: 'text' }),
};
