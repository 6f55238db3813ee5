// A controlled trial's tokenizer: its training text built from the drawn mixture and trained, cached
// apart from the estimate (stage `trial-train`), so runs that differ only in how they estimate
// (estimators, --omit, methods) train once. Its own module so the stage's cache key covers the
// training code and not the solver's.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CategorySpec } from '../corpus/types.js';
import type { Merge } from '../tokenizer/spec.js';
import { hostTag } from '../common/fs-checks.js';
import { trainOnFile } from './train-tokenizer.js';
import { buildMixture } from './mixture.js';
import type { TrialContext, TrialSettings } from './trial.js';

/**
 * Builds the trial's training text and trains its tokenizer, cached by what determines them (the
 * training files, weights, size, seed, pre-tokenization, merges, trainer): runs that differ only
 * in the estimate (estimators, --omit, methods) reuse the tokenizer.
 */
export async function trainTrialTokenizer(
  trainSpecs: CategorySpec[],
  weights: number[],
  seed: number,
  settings: TrialSettings,
  context: TrialContext,
  report: (detail: string) => void,
): Promise<{ mergeList: Merge[]; bytes: Record<string, number> }> {
  const key = {
    stage: 'trial-train',
    train: trainSpecs.map((c) => ({
      name: c.name,
      files: c.files.map((f) => {
        const s = statSync(f);
        return [f, s.size, Math.round(s.mtimeMs)];
      }),
    })),
    weights,
    totalBytes: settings.totalBytes,
    seed,
    text: settings.text,
    merges: settings.merges,
    trainer: settings.trainer,
  };
  const cached = context.cache?.readJson<{ mergeList: Merge[]; bytes: Record<string, number> }>(
    'trial-train',
    key,
  );
  if (cached) return cached;
  report(`n=${settings.n} trial ${settings.trial}: training text`);
  // Named by pid and host: the stale-folder sweep must tell this machine's dead runs from live
  // runs on other nodes sharing the cache.
  const trialDir = join(context.workDir, `trial-${seed}-${process.pid}-${hostTag()}`);
  mkdirSync(trialDir, { recursive: true });
  try {
    const textFile = join(trialDir, 'mixture.txt');
    const weightByName = Object.fromEntries(trainSpecs.map((c, i) => [c.name, weights[i]]));
    const built = await buildMixture(trainSpecs, weightByName, settings.totalBytes, seed, textFile);
    report(`n=${settings.n} trial ${settings.trial}: training (${settings.trainer})`);
    const { mergeList } = await trainOnFile(textFile, settings.text, settings.merges, settings.trainer, {
      jobs: context.countJobs ?? 1,
    });
    const trained = { mergeList, bytes: built.bytes };
    context.cache?.writeJson('trial-train', key, trained);
    return trained;
  } finally {
    rmSync(trialDir, { recursive: true, force: true });
  }
}
