// `tokmix tokenizers show <name|path>`: one tokenizer, any format — where it came from, its
// merges, alphabet, normalizer and pre-tokenizer, and what loading it had to decide.
import { BaseCommand } from '../../cli/base.js';
import { tokenizerArg, pretokenizerFlag } from '../../cli/flags.js';
import { loadTokenizer, summarizeTokenizer } from '../../tokenizer/index.js';
import { tokenizerLineage } from '../../tokenizer/lineage.js';
import { describeHandAdded, detectHandAddedMerges } from '../../tokenizer/hand-added.js';

export default class TokenizersShow extends BaseCommand {
  static override description =
    'Describe one tokenizer (built-in name, or a tokenizer.json / merges.txt / .tiktoken path)';

  static override examples = [
    '<%= config.bin %> tokenizers show gpt-4o',
    '<%= config.bin %> tokenizers show ./tokenizer.json --json',
    '<%= config.bin %> tokenizers show ./merges.txt --pretokenizer digits+gpt2',
  ];

  static override args = { tokenizer: tokenizerArg };

  static override flags = {
    pretokenizer: pretokenizerFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TokenizersShow);
    const cache = this.cache(flags['cache-dir']);
    const spec = await loadTokenizer(args.tokenizer, { preTokenizer: flags.pretokenizer, cache });
    const summary = summarizeTokenizer(spec, await tokenizerLineage(spec, { cache }));
    const handAdded = detectHandAddedMerges(spec.mergeList, spec.alphabet);
    if (flags.json) {
      this.printJson({
        ...summary,
        handAddedMerges: { count: handAdded.steps.length, blocks: handAdded.blocks },
        normalizerJson: spec.normalizer,
        preTokenizerJson: spec.preTokenizer,
      });
      return;
    }
    this.log(`name:          ${summary.name}`);
    this.log(`source:        ${summary.source}`);
    this.log(`format:        ${summary.format}`);
    this.log(`alphabet:      ${summary.alphabet}`);
    this.log(`merges:        ${summary.merges}`);
    this.log(`normalizer:    ${summary.normalizer}`);
    this.log(`pre-tokenizer: ${summary.preTokenizer}`);
    if (summary.lineage) {
      const { base, sharedMerges, omittedBaseMerges } = summary.lineage;
      const omitted = omittedBaseMerges > 0 ? `, less ${omittedBaseMerges} of ${base}'s it lacks` : '';
      this.log(
        `lineage:       extends ${base}: its first ${sharedMerges} merges are ${base}'s${omitted} (infer skips them)`,
      );
    }
    if (handAdded.steps.length > 0) {
      this.log(
        `hand-added:    ${handAdded.steps.length} merges: ${describeHandAdded(handAdded.blocks)} (infer leaves them out)`,
      );
    }
    for (const note of summary.notes) this.log(`note:          ${note}`);
  }
}
