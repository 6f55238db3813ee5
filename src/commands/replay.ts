// `tokmix replay <tokenizer> --categories …`: the replay stage alone — each category's transcript
// (cached), with steps applied and absent, recorded changes and transcript size per category.
// It takes infer's merge range (`--skip-merges`, `--merges`), so it builds the transcripts infer uses.
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
import { replayCategories, transcriptByteSize } from '../bpe/index.js';
import { lineageLine, parseSkipMerges, planMergeRange } from '../merge-range.js';
import { oneLine } from '../cli/terminal-text.js';

export default class Replay extends BaseCommand {
  static override description =
    "Replay a tokenizer's first N+T merges over each category's sample and record the transcripts";

  static override examples = [
    '<%= config.bin %> replay gpt2 --categories domains --merges 3000',
    '<%= config.bin %> replay runs/mix/tokenizer.json --categories languages --merges 30000 --json',
    '<%= config.bin %> replay llama3 --categories default --merges 1000',
  ];

  static override args = { tokenizer: tokenizerArg };

  static override flags = {
    ...sampleFlags,
    ...partFlags,
    categories: Flags.string({
      description: 'a folder (each sub-folder a category), a manifest .json, or a built-in set',
      required: true,
    }),
    merges: Flags.integer({
      description: 'merges to replay after the skipped ones (default: all that are left)',
      min: 0,
    }),
    'skip-merges': Flags.string({
      description:
        'merges replayed before the --merges ones but left out of the applied/absent counts, as infer skips them: a number, or auto (default, those shared with the built-in the tokenizer extends)',
    }),
    'keep-hand-added': Flags.boolean({
      description:
        'count hand-added merges (runs of one whitespace symbol) among the --merges ones, as infer --keep-hand-added does',
      default: false,
    }),
    pretokenizer: pretokenizerFlag,
    bytes: Flags.string({ description: "cap on each category's sample (e.g. 10MB)" }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Replay);
    const progress = this.progress(flags.json);
    const tokenizer = await loadTokenizer(args.tokenizer, {
      cache: this.cache(flags['cache-dir']),
      preTokenizer: flags.pretokenizer,
    });
    const range = await planMergeRange(tokenizer, {
      merges: flags.merges,
      skipMerges: flags['skip-merges'] === undefined ? undefined : parseSkipMerges(flags['skip-merges']),
      keepHandAdded: flags['keep-hand-added'],
      cache: this.cache(flags['cache-dir']),
    });
    const { skip, steps } = range;
    if (range.lineage)
      process.stderr.write(`tokmix: note: ${oneLine(lineageLine(tokenizer.name, range.lineage, skip))}\n`);
    const sample = sampleOptions(flags);
    const categories = await resolveCategories(flags.categories, {
      ...sample,
      cacheDir: flags['cache-dir'],
      onProgress: progress.callback,
      select: (all) => selectCategories(all, flags), // before Hub categories are fetched
    });
    const cache = this.cache(flags['cache-dir']);
    const counts = await countCategories(categories, tokenizer, {
      ...sample,
      cache,
      onProgress: progress.callback,
    });
    const transcripts = await replayCategories(counts, tokenizer, steps, {
      cache,
      onProgress: progress.callback,
    });
    progress.stop();
    const rows = transcripts.map((t, i) => {
      // Applied and absent count the steps after the skipped ones (all steps when none is skipped).
      let absent = 0;
      const excluded = range.excluded?.mask;
      for (let s = skip; s < steps; s++) if (t.mergePair[s] < 0 && excluded?.[s] !== 1) absent++;
      return {
        category: counts[i].category.name,
        stepsApplied: range.merges - absent,
        stepsAbsent: absent,
        recordedChanges: t.changePair.length,
        pairs: t.pairLeft.length,
        initialPairCount: t.totals.pairs,
        bytes: t.totals.bytes,
        transcriptBytes: transcriptByteSize(t),
      };
    });
    if (flags.json) {
      this.printJson({
        tokenizer: { name: tokenizer.name, source: tokenizer.source },
        merges: range.merges,
        skipMerges: skip,
        stepsReplayed: steps,
        cache: { hits: cache.stats.hits, misses: cache.stats.misses },
        categories: rows,
      });
      return;
    }
    const header = ['category', 'applied', 'absent', 'changes', 'pairs', 'transcript'];
    const table = rows.map((r) => [
      r.category,
      String(r.stepsApplied),
      String(r.stepsAbsent),
      String(r.recordedChanges),
      String(r.pairs),
      formatBytes(r.transcriptBytes),
    ]);
    this.log(formatTable([header, ...table], [1, 2, 3, 4, 5]));
    const skipped = skip > 0 ? ` (applied/absent count the ${range.merges} after the first ${skip})` : '';
    this.log(
      `${rows.length} categories replayed over ${steps} merges of ${tokenizer.name}${skipped} (${cache.stats.hits} cache hits)`,
    );
  }
}
