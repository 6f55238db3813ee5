// `tokmix count <tokenizer> --categories …`: the counting stage alone — each category's sample
// normalized and pre-tokenized as the tokenizer does, with its per-category figures.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import {
  tokenizerArg,
  partFlags,
  pretokenizerFlag,
  sampleFlags,
  sampleOptions,
  selectCategories,
} from '../cli/flags.js';
import { loadTokenizer } from '../tokenizer/load.js';
import { resolveCategories } from '../corpus/index.js';
import { countCategories } from '../count/index.js';
import { formatBytes } from '../cli/byte-size.js';
import { formatTable } from '../cli/table.js';
import { oneLine } from '../cli/terminal-text.js';

export default class Count extends BaseCommand {
  static override description =
    "Count pre-tokens of each category's sample under a tokenizer's normalizer and pre-tokenizer";

  static override examples = [
    '<%= config.bin %> count gpt2 --categories domains',
    '<%= config.bin %> count gpt-4o --categories ./my-categories --bytes 10MB --json',
  ];

  static override args = { tokenizer: tokenizerArg };

  static override flags = {
    ...sampleFlags,
    ...partFlags,
    categories: Flags.string({
      description:
        'a folder (each sub-folder a category), a manifest .json, or a built-in set (languages, code, domains, default)',
      required: true,
    }),
    bytes: Flags.string({ description: "cap on each category's sample (e.g. 200000, 10MB, 1GiB)" }),
    pretokenizer: pretokenizerFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Count);
    const progress = this.progress(flags.json);
    const sample = sampleOptions(flags);
    const categories = await resolveCategories(flags.categories, {
      ...sample,
      cacheDir: flags['cache-dir'],
      onProgress: progress.callback,
      select: (all) => selectCategories(all, flags), // before Hub categories are fetched
    });
    const tokenizer = await loadTokenizer(args.tokenizer, {
      cache: this.cache(flags['cache-dir']),
      preTokenizer: flags.pretokenizer,
    });
    const cache = this.cache(flags['cache-dir']);
    const counts = await countCategories(categories, tokenizer, {
      ...sample,
      cache,
      onProgress: progress.callback,
    });
    progress.stop();
    const notes = counts.flatMap((c) => c.notes ?? []);
    if (flags.json) {
      this.printJson({
        tokenizer: { name: tokenizer.name, source: tokenizer.source },
        options: { bytes: sample.bytes ?? null, seed: sample.seed, jobs: sample.jobs },
        cache: { hits: cache.stats.hits, misses: cache.stats.misses },
        categories: counts.map((c) => ({ ...c.category, ...c.stats, notes: c.notes ?? [] })),
      });
      return;
    }
    for (const note of notes) process.stderr.write(`tokmix: note: ${oneLine(note)}\n`);
    const header = [
      'category',
      'kind',
      'bytes',
      'characters',
      'sequences',
      'pre-tokens',
      'distinct',
      'invalid',
    ];
    const rows = counts.map((c) => [
      c.category.name,
      c.category.kind,
      formatBytes(c.stats.bytes),
      String(c.stats.characters),
      String(c.stats.sequences),
      String(c.stats.preTokens),
      String(c.stats.distinctPreTokens),
      String(c.stats.replacedInvalid),
    ]);
    this.log(formatTable([header, ...rows], [2, 3, 4, 5, 6, 7]));
    this.log(
      `${counts.length} categories counted with ${tokenizer.name} (${cache.stats.hits} from cache, ${cache.stats.misses} counted)`,
    );
  }
}
