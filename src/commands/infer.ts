// `tokmix infer <tokenizer>`: estimate the training mixture of a tokenizer over a category set,
// print the shares and write result.json, proportions.csv and the chart (PNG, SVG) to one folder.
import { Flags, type Interfaces } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BaseCommand } from '../cli/base.js';
import {
  capJobs,
  parseNumber,
  tokenizerArg,
  pretokenizerFlag,
  sampleFlags,
  slurmFlags,
  runFlagNames,
} from '../cli/flags.js';
import { writeOutputDir } from '../common/atomic.js';
import { assertOutputDirUsable } from '../common/fs-checks.js';
import { INFER_FILE_NAMES, resultFiles } from '../report/result-files.js';
import { UserError } from '../common/errors.js';
import { Deadline } from '../common/deadline.js';
import { formatTable } from '../cli/table.js';
import { formatAmount } from '../cli/progress-display.js';
import { parseByteSize } from '../cli/byte-size.js';
import {
  DEFAULT_INFER_TIME_LIMIT,
  DEFAULT_TRAINING_SIZE_SECONDS,
  DEFAULT_BYTES_PER_CATEGORY,
  planInfer,
  runInfer,
  type InferOptions,
  type InferPlan,
} from '../infer.js';
import { resolveCategories } from '../corpus/resolve.js';
import { checkArrayTasks, runOnSlurm } from '../slurm/jobs.js';
import { flagArgs } from '../slurm/scripts.js';
import { lineageLine, parseSkipMerges } from '../merge-range.js';
import { describeHandAdded } from '../tokenizer/hand-added.js';
import { checkGap } from '../solve/solve-mixture.js';
import { decimalNumberOf, wholeNumberOf } from '../common/number-text.js';
import { describeTrainingSize } from '../cli/training-size-line.js';
import { estimatorFlags, estimatorOptions } from '../cli/estimator-flags.js';
import { slug } from '../cli/slug.js';
import { freshOutputDir } from '../cli/default-out.js';
import { formatPercent, rankShares } from '../report/shares.js';
import type { InferResult } from '../report/result.js';
import { describeIntervals } from '../report/interval-text.js';
import { formatInterval, PRINTED_MOVEMENT, stabilitySummary } from '../report/stability.js';
import { oneLine } from '../cli/terminal-text.js';

function parseGap(text: string): number {
  const gap = decimalNumberOf(text);
  checkGap(gap, text.trim());
  return gap;
}

function parsePositiveInteger(text: string, flag: string): number {
  const value = wholeNumberOf(text);
  if (!(value > 0)) throw new UserError(`${flag} ${text}: expected a positive whole number`, flag);
  return value;
}

export default class Infer extends BaseCommand {
  static override description =
    'Estimate the training-data mixture of a BPE tokenizer from its merge list (Hayase et al., NeurIPS 2024)';

  static override examples = [
    '<%= config.bin %> infer gpt-4o',
    '<%= config.bin %> infer ./tokenizer.json --categories ./my-categories --merges 3000',
    '<%= config.bin %> infer llama3 --categories languages --solver glpk --json',
    "<%= config.bin %> infer llama3 --skip-merges 0            # attack from the first merge (gpt-3.5's)",
    '<%= config.bin %> infer ./models/tokenizer.json --name my-model --keep-hand-added',
    '<%= config.bin %> infer gpt-4o --categories ./my-categories --slurm --partition cpu --time 1:00:00 --mem 8G',
  ];

  static override args = { tokenizer: tokenizerArg };

  static override flags = {
    ...sampleFlags,
    categories: Flags.string({
      description:
        'a built-in set (languages, code, domains, default), a folder of category folders, or a manifest .json',
      default: 'default',
    }),
    merges: Flags.string({
      description: 'merges to attack, after the skipped ones (default 1000, or all that are left when fewer)',
    }),
    'skip-merges': Flags.string({
      description:
        "merges applied but not attacked, before the attacked ones: a number, or auto (default) for those shared with the built-in the tokenizer extends (llama3: gpt-3.5's 100000)",
    }),
    'normalize-at': Flags.string({
      description:
        "pair totals that normalize each category's counts when merges are skipped: first-step (default: after the skipped merges) or step-0 (before any merge)",
      options: ['first-step', 'step-0'],
      default: 'first-step',
    }),
    'keep-hand-added': Flags.boolean({
      description:
        'attack hand-added merges (runs of one whitespace symbol BPE did not learn) too; by default they are applied but not attacked',
      default: false,
    }),
    'training-size': Flags.boolean({
      description:
        'infer how much text the tokenizer was trained on from its tie-break order (Hugging Face-trained lists; replays the whole list)',
      default: true,
      allowNo: true,
    }),
    'allow-unconstrained': Flags.boolean({
      description:
        "solve even when most attacked merges occur in no category's sample (the answer is then arbitrary)",
      default: false,
    }),
    name: Flags.string({
      description:
        "the tokenizer's name in the result (default: the folder naming the model, else the file name)",
    }),
    bytes: Flags.string({ description: "cap on each category's sample (e.g. 1MB; default 1MB)" }),
    solver: Flags.string({
      description:
        'LP backend: highs (default), glpk, jsl (small problems only) or clp (when the clp executable is installed)',
      default: 'highs',
    }),
    pretokenizer: pretokenizerFlag,
    'time-limit': Flags.integer({
      description: `seconds allowed for the whole run (loading, counting, replay, solve); a solve cut short returns its best shares and their gap (default ${DEFAULT_INFER_TIME_LIMIT}; 0: no limit, solve to the certificate)`,
      min: 0,
    }),
    gap: Flags.string({
      description:
        'stop the solve once its shares are within this relative gap of the optimum, e.g. 0.01 (default: solve to a certified optimum)',
    }),
    ...estimatorFlags,
    resume: Flags.string({
      description:
        "resume the solve from this checkpoint file (e.g. copied from another machine's cache); by default a solve resumes from its problem's checkpoint in the cache",
      exclusive: ['no-resume'],
    }),
    'no-resume': Flags.boolean({
      description: "start the solve over, ignoring the problem's checkpoint in the cache",
      default: false,
    }),
    out: Flags.string({ description: 'output folder (default results/<tokenizer>-<categories>-<date>)' }),
    bootstrap: Flags.string({
      description:
        'bootstrap replicates for share intervals (e.g. 8; default none): each resamples 20 chunks of every sample twice and solves again; widths calibrated on validate --shift; cached with the estimate',
    }),
    ci: Flags.string({ description: 'interval level with --bootstrap, between 0 and 1 (default 0.9)' }),
    force: Flags.boolean({
      description: "replace tokmix's result files in an existing --out folder (other files are kept)",
      default: false,
    }),
    ...slurmFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Infer);
    // The final job of a --slurm run: stop at once, naming the log, when an array task failed.
    if (flags['after-slurm'] !== undefined) checkArrayTasks(resolve(flags['after-slurm']));
    // A plain run always ends: without --time-limit it gets the default budget (0 lifts it).
    const timeLimit = flags['time-limit'] ?? DEFAULT_INFER_TIME_LIMIT;
    const timeLimitSeconds = timeLimit === 0 ? undefined : timeLimit;
    const deadline = new Deadline(timeLimitSeconds);
    const progress = this.progress(flags.json);
    // Ctrl-C during the solve stops it with the best shares so far (a second Ctrl-C quits); before
    // the solve it quits as usual.
    const interrupt = new AbortController();
    const onInterrupt = () => {
      interrupt.abort();
      process.stderr.write('\nstopping the solve: writing the best shares so far (Ctrl-C again to quit)\n');
      process.once('SIGINT', () => process.exit(130));
    };
    let solving = false;
    const onProgress: typeof progress.callback = (event) => {
      if (event.stage === 'solve' && !solving) {
        solving = true;
        process.once('SIGINT', onInterrupt);
      }
      progress.callback(event);
    };
    const options: InferOptions = {
      categories: flags.categories,
      merges: flags.merges === undefined ? undefined : parsePositiveInteger(flags.merges, '--merges'),
      skipMerges: flags['skip-merges'] === undefined ? undefined : parseSkipMerges(flags['skip-merges']),
      keepHandAdded: flags['keep-hand-added'],
      normalizeAt: flags['normalize-at'] as InferOptions['normalizeAt'],
      allowUnconstrained: flags['allow-unconstrained'],
      trainingSize: flags['training-size'],
      // Under the default budget the whole-list replay gets a minute; --time-limit gives it the rest.
      ...(flags['time-limit'] === undefined ? { trainingSizeSeconds: DEFAULT_TRAINING_SIZE_SECONDS } : {}),
      name: flags.name,
      bytes: flags.bytes === undefined ? undefined : parseByteSize(flags.bytes),
      seed: flags.seed,
      solver: flags.solver,
      cacheDir: flags['cache-dir'],
      pretokenizer: flags.pretokenizer,
      textField: flags['text-field'],
      textColumn: flags['text-column'],
      timeLimitSeconds,
      deadline,
      jobs: capJobs(flags.jobs),
      onProgress,
      bootstrap: flags.bootstrap === undefined ? undefined : parseNumber(flags.bootstrap, '--bootstrap'),
      ci: flags.ci === undefined ? undefined : parseNumber(flags.ci, '--ci'),
      gap: flags.gap === undefined ? undefined : parseGap(flags.gap),
      ...estimatorOptions(flags),
      signal: interrupt.signal,
      resume: flags.resume !== undefined ? { file: flags.resume } : flags['no-resume'] ? 'fresh' : 'auto',
      onResume: (r) =>
        process.stderr.write(
          `tokmix: note: resuming from checkpoint ${oneLine(r.file)}: ${r.rows} rows, previous gap ${(100 * r.previousGap).toPrecision(3)}% (--no-resume starts over)\n`,
        ),
    };
    const plan = await planInfer(args.tokenizer, options);
    const date = new Date().toISOString().slice(0, 10);
    const out =
      flags.out ??
      freshOutputDir(
        join('results', `${slug(plan.tokenizer.name)}-${slug(flags.categories)}-${date}`),
        INFER_FILE_NAMES,
      );
    const outCheck = {
      force: flags.force,
      inputs: [args.tokenizer, flags.categories],
      cacheDir: plan.cacheDir,
    };
    assertOutputDirUsable(out, { ...outCheck, names: INFER_FILE_NAMES });
    // What the run attacks, before the long work (the summary repeats it).
    for (const note of [plan.lineageNote, plan.excludedNote])
      if (note) process.stderr.write(`tokmix: note: ${oneLine(note)}\n`);
    if (flags['time-limit'] === undefined && !flags.slurm) {
      process.stderr.write(
        `tokmix: note: time budget ${DEFAULT_INFER_TIME_LIMIT} s for the whole run; a solve still open then ends with its best shares and their gap (--time-limit SEC to change, 0 for none)\n`,
      );
    }
    if (flags.slurm) {
      await this.runOnSlurm(args.tokenizer, flags, plan, out);
      return;
    }

    let result: InferResult;
    try {
      result = await runInfer(plan);
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
    writeOutputDir(out, await resultFiles(result), outCheck);
    progress.stop();
    if (flags.json) {
      // Named only once written: a run that fails says one line, not where it meant to write.
      if (flags.out === undefined) process.stderr.write(`tokmix: results written to ${oneLine(out)}\n`);
      this.printJson(result);
      return;
    }
    this.log(summary(result, out));
  }

  /** --slurm: an array replaying shards of the categories, then the final infer that solves. */
  private async runOnSlurm(
    tokenizer: string,
    flags: Interfaces.InferredFlags<typeof Infer.flags & typeof BaseCommand.baseFlags>,
    plan: InferPlan,
    out: string,
  ): Promise<void> {
    const progress = this.progress(flags.json);
    const categories = await resolveCategories(plan.categorySet, {
      textField: flags['text-field'],
      textColumn: flags['text-column'],
      cacheDir: plan.cacheDir,
      onProgress: progress.callback,
    });
    progress.stop();
    // The stage names the resolved merge range and sample cap, so its cache keys are the final run's.
    const { dir, jobs } = await runOnSlurm(
      {
        command: 'infer',
        out,
        cacheDir: plan.cacheDir,
        stageArgs: [
          'replay',
          tokenizer,
          '--categories',
          flags.categories,
          '--merges',
          String(plan.range.merges),
          '--skip-merges',
          String(plan.range.skip),
          '--bytes',
          String(plan.options.bytes ?? DEFAULT_BYTES_PER_CATEGORY),
          ...flagArgs(flags, ['seed', 'jobs', 'text-field', 'text-column', 'pretokenizer']),
        ],
        finalArgs: ['infer', tokenizer, ...flagArgs(flags, [...runFlagNames(Infer.flags), 'force'])],
        items: categories.map((c) => c.name),
      },
      flags,
      [tokenizer, flags.categories],
      (line) => (flags.json ? process.stderr.write(`${line}\n`) : this.log(line)),
    );
    if (flags.wait) {
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as InferResult;
      if (flags.json) this.printJson(result);
      else this.log(summary(result, out));
    } else if (flags.json) {
      this.printJson({ slurm: dir, ...jobs });
    }
  }
}

function summary(result: InferResult, out: string): string {
  const { top } = rankShares(result.categories, 'byte');
  const ranged = top.some((c) => c.byteShareRange);
  const level = result.bootstrap ? `${Math.round(result.bootstrap.level * 1000) / 10}% interval` : undefined;
  const header = [
    'category',
    'kind',
    'byte share',
    ...(level ? [level] : []),
    'pair share',
    ...(ranged ? ['byte share range'] : []),
  ];
  const rows = top.map((c) => [
    c.name,
    c.kind,
    formatPercent(c.byteShare),
    ...(level ? [c.byteShareCI ? formatInterval(c.byteShareCI) : ''] : []),
    formatPercent(c.pairShare),
    ...(ranged && c.byteShareRange
      ? [`${formatPercent(c.byteShareRange[0])} – ${formatPercent(c.byteShareRange[1])}`]
      : ranged
        ? ['']
        : []),
  ]);
  const s = result.solver;
  const t = result.tokenizer;
  const skipped = t.firstStep ? ` (steps ${t.firstStep}–${t.lastStep}, after ${t.firstStep} skipped)` : '';
  const lines = [
    `${oneLine(t.name)}: ${t.mergesUsed} of ${t.mergesAvailable} merges${skipped}, ` +
      `${result.categories.length} categories (${oneLine(result.categorySet)})`,
    ...(t.lineage ? [`lineage: ${lineageLine(t.name, t.lineage, t.firstStep ?? 0)}`] : []),
    ...(t.excludedMerges
      ? [
          `excluded: ${t.excludedMerges.count} hand-added merges, applied but not attacked: ${describeHandAdded(t.excludedMerges.blocks)}`,
        ]
      : []),
    ...cautions(result).map((c) => `caution: ${c}`),
    ...(t.firstStep && result.options.normalizeAt !== 'step-0'
      ? [
          `shares: pair share = share of the pairs left after the ${t.firstStep} skipped merges; byte share = pair share x bytes / those pairs, so a category they already compress can take a large byte share from a small pair share`,
        ]
      : []),
    '',
    formatTable([header, ...rows], level ? [2, 3, 4] : [2, 3]),
    '',
    `solver ${s.backend}: objective ${s.objective.toExponential(3)}, ${s.rounds} rounds, ${s.constraints} constraints, ` +
      `${s.seconds.toFixed(1)} s (LP ${s.lpSeconds.toFixed(1)} s)${s.cached === true ? ', from the cache (the first solve took that; this run read it)' : ''}`,
  ];
  if (result.options.estimator === 'sampled') {
    lines.push(
      `estimator sampled: ${String(result.options.sampledSteps)} of the ${t.mergesUsed} attacked merges constrained (all applied)`,
    );
  }
  if (s.certified === false) {
    lines.push(
      `not certified (${s.stopped ?? 'stopped'}): objective ${s.objective.toExponential(3)}, lower bound ${(s.lowerBound ?? 0).toExponential(3)}, gap ${(100 * (s.gap ?? 1)).toPrecision(3)}%`,
    );
  }
  if (s.resumed) {
    lines.push(
      `resumed from a checkpoint of ${s.resumed.rows} rows (previous gap ${(100 * s.resumed.previousGap).toPrecision(3)}%)`,
    );
  }
  if (s.checkpoint) {
    lines.push(
      `checkpoint: ${s.checkpoint} (${formatAmount(s.checkpointBytes ?? 0, 'bytes')}); the same command resumes from it (--no-resume starts over)`,
    );
  }
  if (s.note) lines.push(`note: ${s.note}`);
  if (result.trainingSize) lines.push(describeTrainingSize(result.trainingSize));
  if (result.bootstrap) {
    const b = result.bootstrap;
    lines.push(`intervals: ${describeIntervals(b)}`);
    lines.push(...stabilitySummary(result));
  }
  if (s.unexplainedMerges.length > 0) {
    const worst = s.unexplainedMerges
      .slice(0, 5)
      .map((m) => `#${m.step} ${JSON.stringify(m.merge[0] + m.merge[1])}`)
      .join(', ');
    lines.push(`worst-explained merges: ${worst}`);
  }
  lines.push(`results written to ${out}`);
  return lines.join('\n');
}

/** Share of attacked merges without any occurrence above which the table opens with a caution. */
const UNCONSTRAINED_CAUTION = 0.1;

/** What the table's first lines must say when the data barely constrain the answer. */
export function cautions(result: InferResult): string[] {
  const out: string[] = [];
  const s = result.solver;
  const u = s.unconstrainedMerges ?? 0;
  if (u > UNCONSTRAINED_CAUTION * result.tokenizer.mergesUsed) {
    out.push(
      `${u} of the ${result.tokenizer.mergesUsed} attacked merges occur in no category's sample and constrain nothing; the shares rest on the other ${result.tokenizer.mergesUsed - u}`,
    );
  }
  if (!s.unique) {
    const m = s.faceMovement;
    const everyRange = result.categories.every((c) => c.byteShareRange);
    if (m === undefined) {
      out.push(
        'the optimum could not be checked for uniqueness (time limit or solver failure): shares may move at optimal objective by more than the table shows',
      );
    } else if (m >= PRINTED_MOVEMENT && !(everyRange && result.bootstrap)) {
      // With every range computed and intervals on, each interval already holds its range.
      out.push(
        `many mixtures fit equally well: byte shares move by up to ${formatPercent(m)} at optimal objective, enough to change the printed digits; ` +
          (everyRange
            ? 'read each share with its range'
            : 'per-category ranges were not all computed, so read the shares as uncertain by that much'),
      );
    }
  }
  return out;
}
