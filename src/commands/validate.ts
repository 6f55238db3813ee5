// `tokmix validate`: the paper's controlled experiment (Table 1) in one command — tokenizers
// trained on known random mixtures, inferred back, scored by MSE against the baselines.
import { Flags } from '@oclif/core';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BaseCommand } from '../cli/base.js';
import { slug } from '../cli/slug.js';
import { capJobs } from '../cli/flags.js';
import { UserError } from '../common/errors.js';
import { writeOutputDir } from '../common/atomic.js';
import { assertOutputDirUsable } from '../common/fs-checks.js';
import { VALIDATION_FILE_NAMES, resultFiles } from '../report/result-files.js';
import { parseByteSize } from '../cli/byte-size.js';
import { parsePreTokenizerPreset, preTokenizerPreset } from '../tokenizer/presets.js';
import { isSolverBackend } from '../solve/backends/index.js';
import { parseMethods, parseCounts, runValidation, validationTable } from '../experiment/validate.js';

export default class Validate extends BaseCommand {
  static override description =
    'Train tokenizers on known random mixtures, infer them back, and score tokmix and the baselines (paper Table 1)';

  static override examples = [
    '<%= config.bin %> validate --set languages --n 5,10,30 --trials 10 --merges 3000',
    '<%= config.bin %> validate --set languages --n 10 --trials 10 --merges 3000 --shift',
    '<%= config.bin %> validate --set code --n 5 --trials 5 --merges 1000 --omit 1 --json',
  ];

  static override flags = {
    set: Flags.string({
      description:
        'category set: a built-in set (languages, code, domains, default), a folder or a manifest .json',
      required: true,
    }),
    n: Flags.string({
      description: 'numbers of categories per mixture, comma-separated (e.g. 5,10,30,112)',
      default: '5,10',
    }),
    trials: Flags.integer({ description: 'trials per n', default: 10 }),
    merges: Flags.integer({
      description: 'merges T each tokenizer is trained with and inferred from',
      default: 3000,
    }),
    'total-bytes': Flags.string({ description: 'size of each training text (e.g. 10MB)', default: '10MB' }),
    'sample-bytes': Flags.string({
      description: "cap on each category's estimation sample (default: the whole category)",
    }),
    seed: Flags.integer({ description: 'base seed: the same seed gives the same trials', default: 0 }),
    trainer: Flags.string({
      description: 'trainer of the mixture tokenizers: the native HF tokenizers package or tokmix’s own',
      options: ['native', 'tokmix'],
      default: 'native',
    }),
    shift: Flags.boolean({
      description: 'distribution shift: train on one half of each category, estimate from the other',
      default: false,
    }),
    omit: Flags.integer({ description: 'leave this many true categories out of the candidates', default: 0 }),
    jobs: Flags.integer({ description: 'trials run at once in worker threads (default: min(2, cores))' }),
    pretokenizer: Flags.string({
      description:
        'pre-tokenization of the trained tokenizers (gpt2, digits+gpt2, cl100k, o200k, sentencepiece)',
      default: 'digits+gpt2',
    }),
    solver: Flags.string({ description: 'LP backend', options: ['highs', 'glpk', 'jsl'], default: 'highs' }),
    methods: Flags.string({
      description: 'methods to score, comma-separated (tokmix, tee, tc, random, uniform)',
      default: 'tokmix,tee,tc,random,uniform',
    }),
    bootstrap: Flags.string({
      description: "bootstrap replicates per trial: reports the coverage of tokmix's intervals (e.g. 20)",
    }),
    ci: Flags.string({ description: 'interval level with --bootstrap, between 0 and 1 (default 0.9)' }),
    out: Flags.string({ description: 'output folder (default results/validate-<set>-<date>)' }),
    force: Flags.boolean({
      description: "replace tokmix's result files in an existing --out folder (other files are kept)",
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    const progress = this.progress(flags.json);
    if (!isSolverBackend(flags.solver)) {
      throw new UserError(`--solver ${flags.solver}: unknown backend; use highs, glpk or jsl`, '--solver');
    }
    const preset = parsePreTokenizerPreset(flags.pretokenizer);
    const date = new Date().toISOString().slice(0, 10);
    const out = flags.out ?? join('results', `validate-${slug(flags.set)}-${date}`);
    const outCheck = { force: flags.force, inputs: [flags.set] };
    assertOutputDirUsable(out, { ...outCheck, names: VALIDATION_FILE_NAMES });

    const cache = this.cache(flags['cache-dir']);
    const result = await runValidation(
      {
        set: flags.set,
        ns: parseCounts(flags.n),
        trials: flags.trials,
        merges: flags.merges,
        totalBytes: parseByteSize(flags['total-bytes'], '--total-bytes'),
        sampleBytes:
          flags['sample-bytes'] === undefined
            ? undefined
            : parseByteSize(flags['sample-bytes'], '--sample-bytes'),
        seed: flags.seed,
        trainer: flags.trainer as 'native' | 'tokmix',
        shift: flags.shift,
        omit: flags.omit,
        jobs: flags.jobs === undefined ? Math.min(2, availableParallelism()) : capJobs(flags.jobs),
        text: preTokenizerPreset(preset),
        textLabel: preset,
        backend: flags.solver,
        methods: parseMethods(flags.methods),
        bootstrap: flags.bootstrap === undefined ? undefined : Number(flags.bootstrap),
        ci: flags.ci === undefined ? undefined : Number(flags.ci),
      },
      { cache, onProgress: progress.callback },
    );
    writeOutputDir(out, await resultFiles(result), outCheck);
    progress.stop();
    if (flags.json) {
      this.printJson(result);
      return;
    }
    this.log(validationTable(result));
    this.log(`results written to ${out}`);
  }
}
