// `tokmix plot <result.json …>`: draws one run's proportions, compares several runs by group, or
// draws a validation's error curves, as PNG or SVG (the --out extension decides).
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { plotResultFiles } from '../report/plot.js';

export default class Plot extends BaseCommand {
  static override description =
    'Chart tokmix results: one result.json → bars per category; several → grouped bars per tokenizer; a validation.json → log10 MSE by n';

  static override strict = false;

  /** Plot reads result files only. */
  static override usesCache = false;

  static override examples = [
    '<%= config.bin %> plot results/gpt2/result.json --out gpt2.png --top 15',
    '<%= config.bin %> plot results/gpt2/result.json results/llama3/result.json --group paper --out cmp.svg',
    '<%= config.bin %> plot results/validate/validation.json --out mse.png',
  ];

  static override args = {
    results: Args.string({ description: 'result.json or validation.json files', required: true }),
  };

  static override flags = {
    out: Flags.string({ description: 'output file, .png or .svg', default: 'plot.png' }),
    top: Flags.integer({
      description: 'bars before the rest is folded into "other" (0 = all)',
      default: 20,
      min: 0,
    }),
    group: Flags.string({
      description:
        'comparison groups: paper (English / code / Latin-Cyrillic / other languages), kind, or a mapping .json {"category": "group"}',
      default: 'paper',
    }),
    share: Flags.string({
      description:
        'which share to plot (default: byte, or pair for an extension, whose byte share is ill-conditioned)',
      options: ['byte', 'pair'],
    }),
    force: Flags.boolean({ description: 'overwrite --out if it exists', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Plot);
    const outcome = await plotResultFiles(argv as string[], {
      out: flags.out,
      top: flags.top,
      group: flags.group,
      share: flags.share as 'byte' | 'pair' | undefined,
      force: flags.force,
    });
    if (flags.json) this.printJson(outcome);
    else
      this.log(
        `wrote ${outcome.out} (${outcome.chart} chart of ${outcome.inputs} file${outcome.inputs === 1 ? '' : 's'})`,
      );
  }
}
