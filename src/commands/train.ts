// `tokmix train`: trains a BPE tokenizer on categories' samples or on a seeded mixture of them,
// with our trainer or the native one; writes tokenizer.json and mixture.json (the true bytes).
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { capJobs } from '../cli/flags.js';
import { writeOutputDir } from '../common/atomic.js';
import { assertOutputDirUsable } from '../common/fs-checks.js';
import { TRAIN_FILE_NAMES } from '../report/result-files.js';
import { resolveCategories } from '../corpus/index.js';
import { parseByteSize, formatBytes } from '../cli/byte-size.js';
import { formatTable } from '../cli/table.js';
import { preTokenizerPreset, parsePreTokenizerPreset, PRE_TOKENIZER_PRESETS } from '../tokenizer/presets.js';
import { parseWeights, validateWeights } from '../experiment/mixture.js';
import { trainTokenizer, type TrainerName } from '../experiment/train-tokenizer.js';
import { loadTokenizer, type TokenizerSpec } from '../tokenizer/index.js';
import { UserError } from '../common/errors.js';
import { oneLine } from '../cli/terminal-text.js';

export default class Train extends BaseCommand {
  static override description =
    "Train a BPE tokenizer (Hugging Face's BpeTrainer, merge for merge) on category samples or a controlled mixture";

  static override examples = [
    '<%= config.bin %> train --categories ./categories --merges 5000 --out runs/tok',
    '<%= config.bin %> train --categories languages --weights en=0.6,fr=0.3,de=0.1 --total-bytes 50MB --seed 1 --merges 30000 --out runs/mix',
    '<%= config.bin %> train --categories code --merges 2000 --trainer native --pretokenizer digits+gpt2 --out runs/native',
  ];

  static override flags = {
    categories: Flags.string({
      description: 'a folder (each sub-folder a category), a manifest .json, or a built-in set',
      required: true,
    }),
    weights: Flags.string({ description: 'mixture shares, name=share,… summing to 1 (needs --total-bytes)' }),
    'total-bytes': Flags.string({ description: 'mixture size, e.g. 50MB (with --weights)' }),
    bytes: Flags.string({ description: "without --weights: cap on each category's sample (e.g. 10MB)" }),
    seed: Flags.integer({ description: 'seed of the mixture draws (or of the capped samples)', default: 0 }),
    merges: Flags.integer({ description: 'number of merges to learn', required: true, min: 1 }),
    pretokenizer: Flags.string({
      description: `pre-tokenizer preset: ${PRE_TOKENIZER_PRESETS.join(', ')} (default gpt2)`,
    }),
    extend: Flags.string({
      description:
        'a tokenizer (built-in name or file) to extend: its merges come first and training continues from them on this text, with its own normalizer and pre-tokenizer (our trainer)',
    }),
    trainer: Flags.string({
      description: 'tokmix (ours) or native (the Hugging Face tokenizers package)',
      options: ['tokmix', 'native'],
      default: 'tokmix',
    }),
    out: Flags.string({ description: 'output folder for tokenizer.json and mixture.json', required: true }),
    force: Flags.boolean({
      description:
        'replace tokenizer.json and mixture.json in an existing --out folder (other files are kept)',
      default: false,
    }),
    jobs: Flags.integer({ description: 'worker threads for counting (default: the cores)', min: 1 }),
    'text-field': Flags.string({ description: 'JSON Lines: the field holding the text', default: 'text' }),
    'text-column': Flags.string({ description: 'CSV/TSV: the column holding the text', default: 'text' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Train);
    const outCheck = {
      force: flags.force,
      inputs: [flags.categories, ...(flags.extend === undefined ? [] : [flags.extend])],
      cacheDir: this.cacheDir(flags['cache-dir']),
    };
    assertOutputDirUsable(flags.out, { ...outCheck, names: TRAIN_FILE_NAMES });
    const progress = this.progress(flags.json);
    if (flags.extend !== undefined && flags.pretokenizer !== undefined) {
      throw new UserError(
        `--pretokenizer cannot be combined with --extend: the extension keeps ${flags.extend}'s own pre-tokenizer`,
        '--pretokenizer',
      );
    }
    const base = flags.extend === undefined ? undefined : await loadTokenizer(flags.extend);
    const pretokenizer = base ? `${base.name}'s` : (flags.pretokenizer ?? 'gpt2');
    const text = base ?? preTokenizerPreset(parsePreTokenizerPreset(pretokenizer));
    const weights = flags.weights === undefined ? undefined : parseWeights(flags.weights);
    const totalBytes =
      flags['total-bytes'] === undefined ? undefined : parseByteSize(flags['total-bytes'], '--total-bytes');
    const categories = await resolveCategories(flags.categories, {
      textField: flags['text-field'],
      textColumn: flags['text-column'],
      cacheDir: flags['cache-dir'],
      onProgress: progress.callback,
    });
    if (weights) validateWeights(categories, weights);
    const trained = await trainTokenizer(categories, {
      numMerges: flags.merges,
      text,
      trainer: flags.trainer as TrainerName,
      initialMerges: base?.mergeList,
      weights,
      totalBytes,
      seed: flags.seed,
      bytes: flags.bytes === undefined ? undefined : parseByteSize(flags.bytes),
      cache: this.cache(flags['cache-dir']),
      jobs: capJobs(flags.jobs),
      textField: flags['text-field'],
      textColumn: flags['text-column'],
      onProgress: progress.callback,
    });
    writeOutputDir(
      flags.out,
      {
        'tokenizer.json': trained.tokenizerJson,
        'mixture.json': `${JSON.stringify({ ...trained.mixture, pretokenizer, ...extendsOf(base) }, null, 2)}\n`,
      },
      outCheck,
    );
    progress.stop();
    if (flags.json) {
      this.printJson({
        out: flags.out,
        ...trained.mixture,
        pretokenizer,
        ...extendsOf(base),
        notes: trained.notes,
      });
      return;
    }
    for (const note of trained.notes) process.stderr.write(`tokmix: note: ${oneLine(note)}\n`);
    const rows = trained.mixture.categories.map((c) => [
      c.name,
      formatBytes(c.bytes),
      c.byteShare.toFixed(4),
    ]);
    this.log(formatTable([['category', 'bytes', 'byte share'], ...rows], [1, 2]));
    this.log(
      `${trained.mergeList.length} merges (${base ? `${base.mergeList.length} of ${base.name}'s, then ` : ''}${flags.trainer} trainer, ${pretokenizer}) on ${formatBytes(trained.mixture.totalBytes)} → ${flags.out}/tokenizer.json, ${flags.out}/mixture.json`,
    );
  }
}

/** mixture.json's record of the tokenizer an extension continues from. */
function extendsOf(base: TokenizerSpec | undefined): { extends?: { tokenizer: string; merges: number } } {
  return base ? { extends: { tokenizer: base.name, merges: base.mergeList.length } } : {};
}
