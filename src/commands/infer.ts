// `tokmix infer <tokenizer>`: estimate the training mixture of a tokenizer over a category set,
// print the shares and write result.json, proportions.csv and the chart (PNG, SVG) to one folder.
import { Flags } from '@oclif/core';
import { join } from 'node:path';
import { BaseCommand } from '../cli/base.js';
import { capJobs, tokenizerArg, pretokenizerFlag, sampleFlags } from '../cli/flags.js';
import { writeOutputDir } from '../common/atomic.js';
import { assertOutputDirUsable } from '../common/fs-checks.js';
import { INFER_FILE_NAMES, resultFiles } from '../report/result-files.js';
import { UserError } from '../common/errors.js';
import { Deadline } from '../common/deadline.js';
import { formatTable } from '../cli/table.js';
import { parseByteSize } from '../cli/byte-size.js';
import { planInfer, runInfer, type InferOptions } from '../infer.js';
import { checkGap } from '../solve/solve-mixture.js';
import { parseSkipMerges } from '../merge-range.js';
import { slug } from '../cli/slug.js';
import { formatPercent, rankShares } from '../report/shares.js';
import type { InferResult } from '../report/result.js';

function parseGap(text: string): number {
  const gap = /^\s*[0-9.eE+-]+\s*$/.test(text) ? Number(text) : Number.NaN;
  checkGap(gap, text.trim());
  return gap;
}

function parsePositiveInteger(text: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) <= 0) {
    throw new UserError(`${flag} ${text}: expected a positive whole number`, flag);
  }
  return Number(text);
}

export default class Infer extends BaseCommand {
  static override description =
    'Estimate the training-data mixture of a BPE tokenizer from its merge list (Hayase et al., NeurIPS 2024)';

  static override examples = [
    '<%= config.bin %> infer gpt-4o',
    '<%= config.bin %> infer ./tokenizer.json --categories ./my-categories --merges 3000',
    '<%= config.bin %> infer llama3 --categories languages --solver glpk --json',
    '<%= config.bin %> infer llama3 --skip-merges 100000 --merges 1000',
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
        "merges applied but not attacked, before the attacked ones (default 0; llama3's first 100000 are gpt-3.5's)",
    }),
    bytes: Flags.string({ description: "cap on each category's sample (e.g. 1MB; default 1MB)" }),
    solver: Flags.string({
      description: 'LP backend: highs (default), glpk or jsl (small problems only)',
      default: 'highs',
    }),
    pretokenizer: pretokenizerFlag,
    'time-limit': Flags.integer({
      description:
        'seconds allowed for the whole run (loading, counting, replay, solve); a solve cut short returns its best shares and their gap',
      min: 1,
    }),
    gap: Flags.string({
      description:
        'stop the solve once its shares are within this relative gap of the optimum, e.g. 0.01 (default: solve to a certified optimum)',
    }),
    out: Flags.string({ description: 'output folder (default results/<tokenizer>-<categories>-<date>)' }),
    force: Flags.boolean({
      description: "replace tokmix's result files in an existing --out folder (other files are kept)",
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Infer);
    const deadline = new Deadline(flags['time-limit']);
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
      bytes: flags.bytes === undefined ? undefined : parseByteSize(flags.bytes),
      seed: flags.seed,
      solver: flags.solver,
      cacheDir: flags['cache-dir'],
      pretokenizer: flags.pretokenizer,
      textField: flags['text-field'],
      textColumn: flags['text-column'],
      timeLimitSeconds: flags['time-limit'],
      deadline,
      jobs: capJobs(flags.jobs),
      onProgress,
      gap: flags.gap === undefined ? undefined : parseGap(flags.gap),
      signal: interrupt.signal,
    };
    const plan = await planInfer(args.tokenizer, options);
    const date = new Date().toISOString().slice(0, 10);
    const out =
      flags.out ?? join('results', `${slug(plan.tokenizer.name)}-${slug(flags.categories)}-${date}`);
    const outCheck = { force: flags.force, inputs: [args.tokenizer, flags.categories] };
    assertOutputDirUsable(out, { ...outCheck, names: INFER_FILE_NAMES });
    if (plan.inheritedNote)
      process.stderr.write(`${plan.inheritedNote}
`);

    let result: InferResult;
    try {
      result = await runInfer(plan);
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
    writeOutputDir(out, await resultFiles(result), outCheck);
    progress.stop();
    if (flags.json) {
      this.printJson(result);
      return;
    }
    this.log(summary(result, out));
  }
}

function summary(result: InferResult, out: string): string {
  const { top } = rankShares(result.categories, 'byte');
  const ranged = top.some((c) => c.byteShareRange);
  const header = ['category', 'kind', 'byte share', 'pair share', ...(ranged ? ['byte share range'] : [])];
  const rows = top.map((c) => [
    c.name,
    c.kind,
    formatPercent(c.byteShare),
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
    `${t.name}: ${t.mergesUsed} of ${t.mergesAvailable} merges${skipped}, ` +
      `${result.categories.length} categories (${result.categorySet})`,
    '',
    formatTable([header, ...rows], [2, 3]),
    '',
    `solver ${s.backend}: objective ${s.objective.toExponential(3)}, ${s.rounds} rounds, ${s.constraints} constraints, ` +
      `${s.seconds.toFixed(1)} s (LP ${s.lpSeconds.toFixed(1)} s)`,
  ];
  if (s.certified === false) {
    lines.push(
      `not certified (${s.stopped ?? 'stopped'}): objective ${s.objective.toExponential(3)}, lower bound ${(s.lowerBound ?? 0).toExponential(3)}, gap ${(100 * (s.gap ?? 1)).toPrecision(3)}%`,
    );
  }
  if (s.note) lines.push(`note: ${s.note}`);
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
