// `tokmix tokenizers export <name|path> --format merges.txt|tokenizer.json [--out F]`: the merge
// list as merges.txt, or a tokenizer.json the native `tokenizers` package loads.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { tokenizerArg, pretokenizerFlag } from '../../cli/flags.js';
import { rawWrite } from '../../cli/terminal-text.js';
import { assertOutputFileUsable } from '../../common/fs-checks.js';
import { writeFileAtomic } from '../../common/atomic.js';
import { loadTokenizer, toMergesTxt, toTokenizerJson } from '../../tokenizer/index.js';

export default class TokenizersExport extends BaseCommand {
  static override description = 'Write a tokenizer as merges.txt or as a Hugging Face tokenizer.json';

  static override examples = [
    '<%= config.bin %> tokenizers export gpt2 --format merges.txt > merges.txt',
    '<%= config.bin %> tokenizers export claude --format tokenizer.json --out claude.tokenizer.json',
  ];

  static override args = { tokenizer: tokenizerArg };

  static override flags = {
    format: Flags.string({
      description: 'what to write',
      options: ['merges.txt', 'tokenizer.json'],
      required: true,
    }),
    out: Flags.string({ description: 'file to write (default: stdout)' }),
    force: Flags.boolean({ description: 'overwrite --out if it exists', default: false }),
    pretokenizer: pretokenizerFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TokenizersExport);
    if (flags.out !== undefined) {
      assertOutputFileUsable(flags.out, { force: flags.force, inputs: [args.tokenizer] });
    }
    const spec = await loadTokenizer(args.tokenizer, {
      preTokenizer: flags.pretokenizer,
      cache: this.cache(flags['cache-dir']),
    });
    const text = flags.format === 'merges.txt' ? toMergesTxt(spec) : toTokenizerJson(spec);
    if (flags.out === undefined) {
      rawWrite('stdout')(text); // the file itself, byte for byte: not terminal text
      return;
    }
    writeFileAtomic(flags.out, text);
    if (flags.json)
      this.printJson({
        tokenizer: spec.name,
        format: flags.format,
        merges: spec.mergeList.length,
        out: flags.out,
      });
    else this.log(`wrote ${spec.mergeList.length} merges of ${spec.name} to ${flags.out} (${flags.format})`);
  }
}
