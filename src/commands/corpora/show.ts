// `tokmix corpora show <set>`: the categories of a built-in set with kind, language, script,
// size, source and licence (materializing the set first if needed).
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { BUILTIN_SET_NAMES, type BuiltinSetName, materializeSet } from '../../corpus/index.js';
import { resolveManifest } from '../../corpus/resolve.js';
import { HUB_SET_NAMES, type HubSetName, hubSetManifest, isHubSetName } from '../../corpus/hub-sets.js';
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
    // A Hub set is listed from its manifest alone: no network, nothing fetched.
    const hub = isHubSetName(args.set);
    const progress = this.progress(flags.json);
    const categories = hub
      ? resolveManifest(hubSetManifest(args.set as HubSetName)).map((c) => ({
          ...c,
          dataset: c.hub?.reference ?? '',
        }))
      : await materializeSet(args.set as BuiltinSetName, {
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
      'dataset' in c ? c.dataset : formatBytes(c.bytes),
      ...(hub ? [] : [c.source ?? '']),
      c.license ?? '',
    ]);
    const header = [
      'category',
      'kind',
      'language',
      'script',
      hub ? 'dataset' : 'bytes',
      ...(hub ? [] : ['source']),
      'licence',
    ];
    this.log(formatTable([header, ...rows], hub ? [] : [4]));
    if (hub) {
      this.log(
        `${categories.length} categories on the Hub, each read up to --bytes when used (or now: tokmix corpora fetch ${args.set} --out DIR)`,
      );
      return;
    }
    const total = categories.reduce((sum, c) => sum + ('bytes' in c ? c.bytes : 0), 0);
    this.log(`${categories.length} categories, ${formatBytes(total)}`);
  }
}
