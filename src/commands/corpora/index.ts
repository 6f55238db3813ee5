// `tokmix corpora`: lists the built-in category sets, with sizes for those already materialized.
import { BaseCommand } from '../../cli/base.js';
import { listCategorySets } from '../../corpus/index.js';
import { HUB_SET_NAMES } from '../../corpus/hub-sets.js';
import { formatBytes } from '../../cli/byte-size.js';
import { formatTable } from '../../cli/table.js';

export default class Corpora extends BaseCommand {
  static override description = 'List the built-in category sets (languages, code, domains, default)';

  static override examples = ['<%= config.bin %> corpora', '<%= config.bin %> corpora show default'];

  async run(): Promise<void> {
    const { flags } = await this.parse(Corpora);
    const sets = listCategorySets({ cacheDir: flags['cache-dir'] });
    if (flags.json) {
      this.printJson(sets);
      return;
    }
    const rows = sets.map((set) => [
      set.name,
      set.built ? String(set.categories) : '-',
      set.built ? formatBytes(set.bytes ?? 0) : 'not built',
      set.description,
    ]);
    this.log(formatTable([['set', 'categories', 'bytes', 'description'], ...rows], [1, 2]));
    if (sets.some((set) => !set.built))
      this.log('Sets not built yet are extracted on first use, or now with: tokmix corpora build');
    this.log(
      `On the Hub: ${HUB_SET_NAMES.join(', ')} (read up to --bytes per category on use; tokmix corpora show paper)`,
    );
  }
}
