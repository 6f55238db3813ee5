// `tokmix validate`: the paper's controlled experiment (Table 1) in one command — tokenizers
// trained on known random mixtures, inferred back, scored by MSE against the baselines.
import { Flags, type Interfaces } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { BaseCommand } from '../cli/base.js';
import { slug } from '../cli/slug.js';
import { freshOutputDir } from '../cli/default-out.js';
import { parseNumber, capJobs, runFlagNames, slurmFlags } from '../cli/flags.js';
import { UserError } from '../common/errors.js';
import { writeOutputDir } from '../common/atomic.js';
import { assertOutputDirUsable } from '../common/fs-checks.js';
import { VALIDATION_FILE_NAMES, resultFiles } from '../report/result-files.js';
import { parseByteSize } from '../cli/byte-size.js';
import { parsePreTokenizerPreset, preTokenizerPreset } from '../tokenizer/presets.js';
import { checkSolverInstalled, isSolverBackend } from '../solve/backends/index.js';
import {
  listValidationTrials,
  parseMethods,
  parseCounts,
  runValidation,
  validationTable,
  type ValidateOptions,
} from '../experiment/validate.js';
import { parseShard } from '../common/shard.js';
import { estimatorFlags, estimatorOptions } from '../cli/estimator-flags.js';
import { checkArrayTasks, runOnSlurm } from '../slurm/jobs.js';
import { flagArgs } from '../slurm/scripts.js';
import type { Cache } from '../common/cache.js';
import type { ValidationResult } from '../report/result.js';

/** The flags that define the trials: the array tasks and the final job get them as given. */

export default class Validate extends BaseCommand {
  static override description =
    'Train tokenizers on known random mixtures, infer them back, and score tokmix and the baselines (paper Table 1)';

  static override examples = [
    '<%= config.bin %> validate --set languages --n 5,10,30 --trials 10 --merges 3000',
    '<%= config.bin %> validate --set languages --n 10 --trials 10 --merges 3000 --shift',
    '<%= config.bin %> validate --set code --n 5 --trials 5 --merges 1000 --omit 1 --json',
    '<%= config.bin %> validate --set languages --n 5,10 --trials 10 --slurm --time 2:00:00 --mem 8G',
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
    // 100MB: the mixture-drawing noise falls about as 1/size, and below 100MB languages n = 5, 10
    // miss the paper's Table 1 (bench/README.md, "Controlled validation").
    'total-bytes': Flags.string({
      description: 'size of each training text (e.g. 30MB; smaller is faster and noisier)',
      default: '100MB',
    }),
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
    'time-limit': Flags.integer({
      description:
        "seconds each trial's tokmix solve may take (default: to its certificate); a solve cut short is scored with its best shares and its gap is recorded (trials[].tokmixGap)",
      min: 1,
    }),
    solver: Flags.string({
      description: 'LP backend',
      options: ['highs', 'glpk', 'jsl', 'clp'],
      default: 'highs',
    }),
    ...estimatorFlags,
    methods: Flags.string({
      description:
        'methods to score, comma-separated (tokmix, tee, tc, random, uniform, or an estimator by name: paper, sampled, noise-aware, likelihood)',
      default: 'tokmix,tee,tc,random,uniform',
    }),
    bootstrap: Flags.string({
      description:
        "bootstrap replicates per trial: reports the coverage of tokmix's intervals (e.g. 8; 0 or none: no intervals)",
    }),
    ci: Flags.string({ description: 'interval level with --bootstrap, between 0 and 1 (default 0.9)' }),
    out: Flags.string({ description: 'output folder (default results/validate-<set>-<date>)' }),
    force: Flags.boolean({
      description: "replace tokmix's result files in an existing --out folder (other files are kept)",
      default: false,
    }),
    shard: Flags.string({
      description: 'only part i of N of the trials (i/N), cached for the whole run; writes no result files',
      exclusive: ['slurm'],
    }),
    ...slurmFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    // The final job of a --slurm run: stop at once, naming the log, when an array task failed.
    if (flags['after-slurm'] !== undefined) checkArrayTasks(resolve(flags['after-slurm']));
    const progress = this.progress(flags.json);
    if (!isSolverBackend(flags.solver)) {
      throw new UserError(
        `--solver ${flags.solver}: unknown backend; use highs, glpk, jsl or clp`,
        '--solver',
      );
    }
    checkSolverInstalled(flags.solver);
    const preset = parsePreTokenizerPreset(flags.pretokenizer);
    const date = new Date().toISOString().slice(0, 10);
    const defaultOut = join('results', `validate-${slug(flags.set)}-${date}`);
    // A shard writes no result files: it keeps the plain default name its final run is given.
    const out =
      flags.out ??
      (flags.shard === undefined ? freshOutputDir(defaultOut, VALIDATION_FILE_NAMES) : defaultOut);
    const outCheck = { force: flags.force, inputs: [flags.set], cacheDir: this.cacheDir(flags['cache-dir']) };
    // A shard writes no result files, so the --out folder is not its concern.
    if (flags.shard === undefined) assertOutputDirUsable(out, { ...outCheck, names: VALIDATION_FILE_NAMES });

    const cache = this.cache(flags['cache-dir']);
    const options: ValidateOptions = {
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
      ...estimatorOptions(flags),
      methods: parseMethods(flags.methods),
      solveTimeLimit: flags['time-limit'],
      bootstrap: flags.bootstrap === undefined ? undefined : parseNumber(flags.bootstrap, '--bootstrap'),
      ci: flags.ci === undefined ? undefined : parseNumber(flags.ci, '--ci'),
      ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
    };
    if (flags.slurm) {
      await this.runOnSlurm(flags, options, cache, out, outCheck.inputs);
      return;
    }
    const result = await runValidation(options, { cache, onProgress: progress.callback });
    if (flags.shard !== undefined) {
      // One part of the trials: they are cached for the run without --shard, which writes the files.
      progress.stop();
      if (flags.json) this.printJson(result);
      else
        this.log(
          `${validationTable(result)}\nshard ${flags.shard}: ${result.trials.length} trials done and cached`,
        );
      return;
    }
    writeOutputDir(out, await resultFiles(result), outCheck);
    progress.stop();
    if (flags.json) {
      this.printJson(result);
      return;
    }
    this.log(validationTable(result));
    this.log(`results written to ${out}`);
  }

  /** --slurm: an array running shards of the trials, then the final validate that summarizes. */
  private async runOnSlurm(
    flags: Interfaces.InferredFlags<typeof Validate.flags & typeof BaseCommand.baseFlags>,
    options: ValidateOptions,
    cache: Cache,
    out: string,
    inputs: string[],
  ): Promise<void> {
    const progress = this.progress(flags.json);
    const trials = await listValidationTrials(options, { cache, onProgress: progress.callback });
    progress.stop();
    const { dir, jobs } = await runOnSlurm(
      {
        command: 'validate',
        out,
        cacheDir: cache.dir,
        stageArgs: ['validate', ...flagArgs(flags, runFlagNames(Validate.flags))],
        finalArgs: ['validate', ...flagArgs(flags, [...runFlagNames(Validate.flags), 'force'])],
        items: trials,
      },
      flags,
      inputs,
      (line) => (flags.json ? process.stderr.write(`${line}\n`) : this.log(line)),
    );
    if (flags.wait) {
      const result = JSON.parse(readFileSync(join(out, 'validation.json'), 'utf8')) as ValidationResult;
      if (flags.json) this.printJson(result);
      else this.log(`${validationTable(result)}\nresults written to ${out}`);
    } else if (flags.json) {
      this.printJson({ slurm: dir, ...jobs });
    }
  }
}
