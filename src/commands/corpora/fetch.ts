// `tokmix corpora fetch <set> --out <folder>`: reads a category set now (Hub categories fetched up to
// --bytes each) and writes it as a self-contained folder with a manifest.json, for offline runs.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { resolveCategories } from '../../corpus/resolve.js';
import { writeCategoryFolder } from '../../corpus/category-folder.js';
import { formatBytes, parseByteSize } from '../../cli/byte-size.js';
import { DEFAULT_BYTES_PER_CATEGORY } from '../../infer.js';
import { statSync } from 'node:fs';

export default class CorporaFetch extends BaseCommand {
  static override description =
    'Fetch a category set (Hub datasets up to --bytes per category) into a folder for offline use';

  static override examples = [
    '<%= config.bin %> corpora fetch paper --bytes 100MB --out paper-100MB',
    '<%= config.bin %> corpora fetch my-manifest.json --out local-copy',
  ];

  static override args = {
    set: Args.string({
      description: 'a category set: paper, a manifest .json, hf:datasets/org/name/path, or a built-in set',
      required: true,
    }),
  };

  static override flags = {
    out: Flags.string({ description: 'the folder to write (new or empty)', required: true }),
    bytes: Flags.string({
      description: 'text per Hub category (e.g. 100MB)',
      default: String(DEFAULT_BYTES_PER_CATEGORY),
    }),
    'text-field': Flags.string({
      description: 'the field the written samples carry their text in',
      default: 'text',
    }),
    'text-column': Flags.string({
      description: "the Hub files' text column or field when a category names none",
      default: 'text',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CorporaFetch);
    const progress = this.progress(flags.json);
    const categories = await resolveCategories(args.set, {
      cacheDir: flags['cache-dir'],
      bytes: parseByteSize(flags.bytes),
      textField: flags['text-field'],
      textColumn: flags['text-column'],
      onProgress: progress.callback,
    });
    const manifest = writeCategoryFolder(categories, flags.out, args.set);
    progress.stop();
    const bytes = categories.reduce((sum, c) => sum + c.files.reduce((s, f) => s + statSync(f).size, 0), 0);
    if (flags.json) {
      this.printJson({ set: args.set, manifest, categories: categories.length, bytes });
      return;
    }
    this.log(`${categories.length} categories, ${formatBytes(bytes)} on disk: --categories ${manifest}`);
  }
}
