// The whole `tokmix train` stage as a library call: the training text (the categories' samples,
// or a seeded mixture of them), our trainer or the native one, and the tokenizer.json it yields.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { CategorySpec } from '../corpus/types.js';
import { countCategories } from '../count/count.js';
import { readSequences } from '../corpus/read.js';
import type { Merge, TokenizerSpec } from '../tokenizer/spec.js';
import { toTokenizerJsonText } from '../tokenizer/formats/hf-json.js';
import type { Cache } from '../common/cache.js';
import { ownedTempDir, removeOwnedTempDir } from '../common/process-cleanup.js';
import type { ProgressCallback } from '../common/progress.js';
import { UserError } from '../common/errors.js';
import { buildMixture } from './mixture.js';
import { trainBpeRun, type TrainRun } from '../bpe/train.js';
import { trainNativeRun } from '../bpe/native-train.js';

export type TrainerName = 'tokmix' | 'native';

export interface TrainTokenizerOptions {
  numMerges: number;
  text: Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;
  trainer: TrainerName;
  /** Mixture shares by category name; absent = the samples as they are. */
  weights?: Record<string, number>;
  /** Mixture size in bytes (with `weights`). */
  totalBytes?: number;
  /** Mixture draws (with `weights`), or which sequences a capped sample takes (with `bytes`). */
  seed?: number;
  /** Cap on each category's sample when there are no weights. */
  bytes?: number;
  /**
   * Merges of a base tokenizer to continue from (`train --extend`): applied first, then
   * `numMerges` more are learned on the text as they leave it (our trainer only).
   */
  initialMerges?: readonly Merge[];
  cache?: Cache;
  jobs?: number;
  textField?: string;
  textColumn?: string;
  onProgress?: ProgressCallback;
}

/** `mixture.json`: what the tokenizer was trained on. */
export interface MixtureRecord {
  trainer: TrainerName;
  merges: number;
  seed: number;
  totalBytes: number;
  /** The requested shares, or null when the samples were used as they are. */
  weights: Record<string, number> | null;
  /** True bytes and byte share per category, in the categories' order. */
  categories: { name: string; bytes: number; byteShare: number }[];
}

export interface TrainedTokenizer {
  mergeList: Merge[];
  tokenizerJson: string;
  mixture: MixtureRecord;
  notes: string[];
}

/** Writes each category's sample (as `count` reads it) to one training file; returns bytes per category. */
async function writeSamples(
  categories: CategorySpec[],
  options: TrainTokenizerOptions,
  outFile: string,
): Promise<Record<string, number>> {
  const out = createWriteStream(outFile);
  const bytes: Record<string, number> = {};
  try {
    for (const category of categories) {
      let total = 0;
      for await (const sequence of readSequences(category, {
        bytes: options.bytes,
        seed: options.seed,
        textField: options.textField,
        textColumn: options.textColumn,
      })) {
        const line = sequence.endsWith('\n') ? sequence : `${sequence}\n`;
        total += Buffer.byteLength(line);
        if (!out.write(line)) await once(out, 'drain');
      }
      bytes[category.name] = total;
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return bytes;
}

/** The note a run of our trainer gets when the text ran out of pairs before `numMerges`. */
function exhaustedNote(run: TrainRun, numMerges: number, initialMerges = 0): string[] {
  const learned = run.mergeList.length - initialMerges;
  return run.exhausted && learned < numMerges
    ? [`the training text ran out of pairs after ${learned} merges; asked for ${numMerges}`]
    : [];
}

/**
 * Trains `numMerges` merges on one text file, line by line as Hugging Face's trainer reads it:
 * the native trainer, or ours over the file's counts. `train` (mixtures, native) and every
 * validation trial train through here.
 */
export async function trainOnFile(
  file: string,
  text: TrainTokenizerOptions['text'],
  numMerges: number,
  trainer: TrainerName,
  options: { jobs?: number; onProgress?: ProgressCallback; initialMerges?: readonly Merge[] } = {},
): Promise<{ mergeList: Merge[]; notes: string[] }> {
  if (trainer === 'native') {
    const run = await trainNativeRun([file], text, numMerges);
    return { mergeList: run.mergeList, notes: run.note ? [run.note] : [] };
  }
  const counts = await countCategories([{ name: 'mixture', kind: 'other', files: [file] }], text, {
    jobs: options.jobs,
    onProgress: options.onProgress,
  });
  const run = trainBpeRun(counts, numMerges, {
    onProgress: options.onProgress,
    initialMerges: options.initialMerges,
  });
  return {
    mergeList: run.mergeList,
    notes: exhaustedNote(run, numMerges, options.initialMerges?.length),
  };
}

export async function trainTokenizer(
  categories: CategorySpec[],
  options: TrainTokenizerOptions,
): Promise<TrainedTokenizer> {
  const { numMerges, text, trainer } = options;
  if (!Number.isInteger(numMerges) || numMerges < 1) {
    throw new UserError(`--merges ${numMerges}: give a whole number of merges, 1 or more`);
  }
  if (options.initialMerges && trainer !== 'tokmix') {
    throw new UserError('--extend needs --trainer tokmix: the native trainer cannot continue from merges');
  }
  if (options.weights && options.totalBytes === undefined) {
    throw new UserError('--weights needs --total-bytes: give the mixture size, e.g. --total-bytes 50MB');
  }
  const seed = options.seed ?? 0;
  const notes: string[] = [];
  const work = ownedTempDir('train');
  try {
    let bytes: Record<string, number>;
    let mergeList: Merge[];
    const trainFile = join(work, 'training.txt');
    if (options.weights) {
      bytes = (
        await buildMixture(categories, options.weights, options.totalBytes!, seed, trainFile, {
          textField: options.textField,
          textColumn: options.textColumn,
          onProgress: options.onProgress,
        })
      ).bytes;
    } else if (trainer === 'native') {
      bytes = await writeSamples(categories, options, trainFile);
    } else {
      bytes = {};
    }

    if (options.weights || trainer === 'native') {
      const run = await trainOnFile(trainFile, text, numMerges, trainer, {
        jobs: options.jobs,
        onProgress: options.onProgress,
        initialMerges: options.initialMerges,
      });
      notes.push(...run.notes);
      mergeList = run.mergeList;
    } else {
      // Our trainer on the samples: counted exactly as `count` counts them (and cached alike).
      const counts = await countCategories(categories, text, {
        bytes: options.bytes,
        seed,
        cache: options.cache,
        jobs: options.jobs,
        textField: options.textField,
        textColumn: options.textColumn,
        onProgress: options.onProgress,
      });
      for (const c of counts) bytes[c.category.name] = c.stats.bytes;
      const run = trainBpeRun(counts, numMerges, {
        onProgress: options.onProgress,
        initialMerges: options.initialMerges,
      });
      notes.push(...exhaustedNote(run, numMerges, options.initialMerges?.length));
      mergeList = run.mergeList;
    }
    const totalBytes = Object.values(bytes).reduce((a, b) => a + b, 0);
    const mixture: MixtureRecord = {
      trainer,
      merges: mergeList.length,
      seed,
      totalBytes,
      weights: options.weights ?? null,
      categories: categories.map((c) => ({
        name: c.name,
        bytes: bytes[c.name] ?? 0,
        byteShare: totalBytes > 0 ? (bytes[c.name] ?? 0) / totalBytes : 0,
      })),
    };
    const tokenizerJson = toTokenizerJsonText({
      alphabet: text.alphabet,
      mergeList,
      normalizer: text.normalizer,
      preTokenizer: text.preTokenizer,
    });
    return { mergeList, tokenizerJson, mixture, notes };
  } finally {
    removeOwnedTempDir(work);
  }
}
