// The validate trial a bench draws, trains and counts exactly as `tokmix validate` does: one place
// for turning the benches' common flags into TrialSettings (native trainer, digits+gpt2, HiGHS).
import { join } from 'node:path';
import { parseByteSize } from '../src/cli/byte-size.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import type { Cache } from '../src/common/cache.js';
import type { CategorySpec } from '../src/corpus/types.js';
import { trialProblem, type TrialProblem, type TrialSettings } from '../src/experiment/trial.js';
import type { ReplaySpec } from '../src/bpe/replay.js';

/** parseArgs options of the flags every trial bench takes, with the bench's own defaults. */
export function trialFlagOptions(defaults: { set: string; n: string; trials: string }) {
  return {
    set: { type: 'string', default: defaults.set },
    n: { type: 'string', default: defaults.n },
    trials: { type: 'string', default: defaults.trials },
    shift: { type: 'boolean', default: false },
    omit: { type: 'string', default: '0' },
    merges: { type: 'string', default: '3000' },
    'total-bytes': { type: 'string', default: '10MB' },
    seed: { type: 'string', default: '1' },
  } as const;
}

/** The flags (as parseArgs strings) every trial bench takes. */
export interface TrialFlags {
  n?: string;
  seed?: string;
  merges?: string;
  'total-bytes'?: string;
  shift?: boolean;
  omit?: string;
}

export function benchTrialSettings(
  flags: TrialFlags,
  trial: number,
  extra: Partial<TrialSettings> & Pick<TrialSettings, 'methods'>,
): TrialSettings {
  return {
    n: Number(flags.n),
    trial,
    seed: Number(flags.seed),
    merges: Number(flags.merges),
    totalBytes: parseByteSize(flags['total-bytes']!, '--total-bytes'),
    trainer: 'native',
    shift: flags.shift ?? false,
    omit: Number(flags.omit ?? 0),
    text: preTokenizerPreset('digits+gpt2'),
    backend: 'highs',
    ...extra,
  };
}

/** Draws, trains and counts the trial as validate does (cached in `cache`), with its replay spec. */
export async function benchTrialProblem(
  settings: TrialSettings,
  categories: CategorySpec[],
  cache: Cache,
): Promise<{ problem: TrialProblem; spec: ReplaySpec }> {
  const problem = await trialProblem(settings, {
    categories,
    workDir: join(cache.dir, 'experiment'),
    cache,
    countJobs: 1,
  });
  return { problem, spec: { alphabet: settings.text.alphabet, mergeList: problem.mergeList } };
}
