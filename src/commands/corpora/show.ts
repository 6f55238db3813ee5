// `tokmix corpora show <set>`: the categories of a built-in set with kind, language, script,
// size, source and licence (materializing the set first if needed).
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { BUILTIN_SET_NAMES, materializeSet } from '../../corpus/index.js';
import { resolveManifest } from '../../corpus/resolve.js';
import { HUB_SET_NAMES, hubSetManifest, isHubSetName } from '../../corpus/hub-sets.js';
import { formatBytes } from '../../cli/byte-size.js';
import { formatTable } from '../../cli/table.js';

export default class CorporaShow extends BaseCommand {
  static override description =
    'List the categories of a built-in set with kind, language, bytes, source and licence';

  static override examples = [
    '<%= config.bin %> corpora show default',
    '<%= config.bin %> corpora show languages --json',
  ];

  static override args = {
    set: Args.string({
      description: 'the set',
      required: true,
      options: [...BUILTIN_SET_NAMES, ...HUB_SET_NAMES],
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CorporaShow);
    if (isHubSetName(args.set)) {
      // Listed from its manifest alone: no network, nothing fetched.
      const categories = resolveManifest(hubSetManifest(args.set));
      if (flags.json) {
        this.printJson({ set: args.set, categories });
        return;
      }
      const rows = categories.map((c) => [
        c.name,
        c.kind,
        c.language ?? '',
        c.script ?? '',
        c.hub?.reference ?? '',
        c.license ?? '',
      ]);
      this.log(formatTable([['category', 'kind', 'language', 'script', 'dataset', 'licence'], ...rows], []));
      this.log(
        `${categories.length} categories on the Hub; each is read up to --bytes when used (tokmix corpora fetch ${args.set} --out DIR fetches them now)`,
      );
      return;
    }
    const progress = this.progress(flags.json);
    const categories = await materializeSet(args.set as (typeof BUILTIN_SET_NAMES)[number], {
      cacheDir: flags['cache-dir'],
      onProgress: progress.callback,
    });
    progress.stop();
    if (flags.json) {
      this.printJson({ set: args.set, categories });
      return;
    }
    const rows = categories.map((c) => [
      c.name,
      c.kind,
      c.language ?? '',
      c.script ?? '',
      formatBytes(c.bytes),
      c.source ?? '',
      c.license ?? '',
    ]);
    this.log(
      formatTable([['category', 'kind', 'language', 'script', 'bytes', 'source', 'licence'], ...rows], [4]),
    );
    const total = categories.reduce((sum, c) => sum + c.bytes, 0);
    this.log(`${categories.length} categories, ${formatBytes(total)}`);
  }
}
