// `tokmix replay <tokenizer> --categories …`: the replay stage alone — each category's transcript
// (cached), with steps applied and absent, recorded changes and transcript size per category.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { tokenizerArg, pretokenizerFlag, sampleFlags, sampleOptions } from '../cli/flags.js';
import { loadTokenizer } from '../tokenizer/load.js';
import { countCategories, formatBytes, formatTable, resolveCategories } from '../corpus/index.js';
import { checkSteps, replayCategories, transcriptByteSize } from '../bpe/index.js';

export default class Replay extends BaseCommand {
  static override description =
    "Replay a tokenizer's first T merges over each category's sample and record the transcripts";

  static override examples = [
    '<%= config.bin %> replay gpt2 --categories domains --merges 3000',
    '<%= config.bin %> replay runs/mix/tokenizer.json --categories languages --merges 30000 --json',
  ];

  static override args = { tokenizer: tokenizerArg };

  static override flags = {
    ...sampleFlags,
    categories: Flags.string({
      description: 'a folder (each sub-folder a category), a manifest .json, or a built-in set',
      required: true,
    }),
    merges: Flags.integer({ description: 'merges to replay (default: the whole list)', min: 0 }),
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
    const steps = flags.merges ?? tokenizer.mergeList.length;
    checkSteps(tokenizer, steps);
    const sample = sampleOptions(flags);
    const categories = await resolveCategories(flags.categories, {
      ...sample,
      cacheDir: flags['cache-dir'],
      onProgress: progress.callback,
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
    const rows = transcripts.map((t, i) => ({
      category: counts[i]!.category.name,
      stepsApplied: t.steps - t.totals.absentSteps,
      stepsAbsent: t.totals.absentSteps,
      recordedChanges: t.changePair.length,
      pairs: t.pairLeft.length,
      initialPairCount: t.totals.pairs,
      bytes: t.totals.bytes,
      transcriptBytes: transcriptByteSize(t),
    }));
    if (flags.json) {
      this.printJson({
        tokenizer: { name: tokenizer.name, source: tokenizer.source },
        merges: steps,
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
    this.log(
      `${rows.length} categories replayed over ${steps} merges of ${tokenizer.name} (${cache.stats.hits} cache hits)`,
    );
  }
}
