// `tokmix tokenizers pretokenize <name|path> (--file F | stdin)`: the input normalized and
// pre-tokenized as one sequence, in the tokenizer's alphabet (byte-level: `Ġhello`).
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { tokenizerArg, pretokenizerFlag } from '../../cli/flags.js';
import { loadTokenizer } from '../../tokenizer/index.js';
import { preTokenizeText, readInputText } from '../../cli/pretokenize-input.js';

export default class TokenizersPretokenize extends BaseCommand {
  static override description =
    "Pre-tokenize text as the tokenizer's trainer saw it (normalizer, then pre-tokenizer, as one sequence)";

  static override examples = [
    `echo "Hello world" | <%= config.bin %> tokenizers pretokenize gpt2 --json`,
    '<%= config.bin %> tokenizers pretokenize llama --file notes.txt',
  ];

  static override args = { tokenizer: tokenizerArg };

  static override flags = {
    file: Flags.string({ description: 'text file to pre-tokenize (default: stdin)' }),
    pretokenizer: pretokenizerFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TokenizersPretokenize);
    const spec = await loadTokenizer(args.tokenizer, {
      preTokenizer: flags.pretokenizer,
      cache: this.cache(flags['cache-dir']),
    });
    const preTokens = await preTokenizeText(spec, await readInputText(flags.file));
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(preTokens)}\n`);
      return;
    }
    for (const piece of preTokens) this.log(JSON.stringify(piece));
  }
}
