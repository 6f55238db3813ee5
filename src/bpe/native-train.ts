// Training with the native Hugging Face `tokenizers` package (the ground truth our trainer must
// equal): an empty BPE tokenizer.json with the given normalizer and pre-tokenizer, `.train(files)`.
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Merge, TokenizerSpec } from '../tokenizer/spec.js';
import { UserError } from '../common/errors.js';
import { ownedTempDir, removeOwnedTempDir, trackChild } from '../common/process-cleanup.js';
import { NATIVE_VOCAB_SIZE } from './train.js';
import { textOnlyTokenizerJson } from '../tokenizer/formats/hf-json.js';

export type NativeTextSpec = Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;

/** Native merges come back as `[left, right]` pairs or as `"left right"` strings (older files). */
export function parseHfMerges(merges: unknown[]): Merge[] {
  return merges.map((m) => {
    if (Array.isArray(m)) return [String(m[0]), String(m[1])] as const;
    const s = String(m);
    const space = s.indexOf(' ', 1);
    return [s.slice(0, space), s.slice(space + 1)] as const;
  });
}

export interface NativeTrainResult {
  mergeList: Merge[];
  /** Set when the native run produced fewer merges than asked. */
  note?: string;
}

/**
 * Trains with the native package's default BpeTrainer (vocabulary 30,000: its Node binding takes
 * no trainer options) on `files` — each line, newline included, one sequence — and returns the
 * first `numMerges` merges it wrote.
 */
export async function trainNative(
  files: string[],
  text: NativeTextSpec,
  numMerges: number,
): Promise<Merge[]> {
  return (await trainNativeRun(files, text, numMerges)).mergeList;
}

export async function trainNativeRun(
  files: string[],
  text: NativeTextSpec,
  numMerges: number,
): Promise<NativeTrainResult> {
  for (const file of files) {
    if (!existsSync(file)) throw new UserError(`${file}: no such training file; check the path`, file);
  }
  const dir = ownedTempDir('native');
  try {
    const path = join(dir, 'tokenizer.json');
    const jobPath = join(dir, 'job.json');
    const job = {
      tokenizerJson: textOnlyTokenizerJson(text),
      files: files.map((f) => resolve(f)),
      out: path,
    };
    writeFileSync(jobPath, JSON.stringify(job));
    await runWorker(jobPath);
    if (!existsSync(`${path}.done`)) throw new Error('native training ended without writing its tokenizer');
    const json = JSON.parse(readFileSync(path, 'utf8')) as { model: { merges: unknown[] } };
    const all = parseHfMerges(json.model.merges);
    const mergeList = all.slice(0, numMerges);
    const note =
      all.length < numMerges
        ? `the native trainer made only ${all.length} merges (vocabulary ${NATIVE_VOCAB_SIZE}, or the text ran out of pairs); asked for ${numMerges}`
        : undefined;
    return { mergeList, note };
  } finally {
    removeOwnedTempDir(dir);
  }
}

/** Runs the native trainer in a child process with its stdout discarded; rejects with its stderr. */
function runWorker(jobPath: string): Promise<void> {
  const worker = fileURLToPath(new URL('./native-train-worker.js', import.meta.url));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [worker, jobPath, String(process.pid)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    trackChild(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) done();
      else
        fail(
          new Error(
            `native training failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`,
          ),
        );
    });
  });
}
