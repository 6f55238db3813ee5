// Input helpers for the tokenizer commands that are library logic, not wiring: reading the text
// to pre-tokenize from a file or stdin (bounded in size), and pre-tokenizing it as one sequence on
// a worker thread under the counting watchdog, so a backtracking tokenizer regex cannot hang.
import { readFileSync, statSync } from 'node:fs';
import { describeFsError, UserError } from '../common/errors.js';
import type { TokenizerSpec } from '../tokenizer/spec.js';
import { WorkerPool } from '../count/worker-pool.js';
import { countingLimits } from '../count/count.js';
import { DEFAULT_PIPELINE_MODULE } from '../count/pipeline-loader.js';

/** Largest text `tokenizers pretokenize` takes (it prints every piece; count bigger text with `tokmix count`). */
export const MAX_PRETOKENIZE_BYTES = 64 << 20;

function tooLarge(what: string): UserError {
  return new UserError(
    `${what}: more than ${MAX_PRETOKENIZE_BYTES >> 20} MB to pre-tokenize; give a smaller sample (tokmix count handles whole corpora)`,
    what,
  );
}

/** The text of `file`, or of stdin when no file is given (UserError when stdin is a terminal). */
export async function readInputText(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      if (statSync(file).size > MAX_PRETOKENIZE_BYTES) throw tooLarge(file);
      return readFileSync(file, 'utf8');
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw describeFsError(error, file);
    }
  }
  if (process.stdin.isTTY) throw new UserError('no input: give --file F or pipe text on stdin');
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_PRETOKENIZE_BYTES) throw tooLarge('stdin');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The text normalized and pre-tokenized as one sequence, in the spec's alphabet. */
export async function preTokenizeText(
  spec: Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'> & { source?: string },
  text: string,
  options: { taskBudgetMs?: number } = {},
): Promise<string[]> {
  const pool = new WorkerPool(1, countingLimits(spec, options));
  try {
    const pipeline = {
      alphabet: spec.alphabet,
      normalizer: spec.normalizer,
      preTokenizer: spec.preTokenizer,
    };
    await pool.broadcast({ type: 'init', text: pipeline, pipelineModule: DEFAULT_PIPELINE_MODULE });
    return (await pool.run(
      { type: 'preTokenize', text },
      { bytes: Buffer.byteLength(text), label: 'the input text' },
    )) as string[];
  } finally {
    await pool.close();
  }
}
