// Input helpers for the tokenizer commands that are library logic, not wiring: reading the text
// to pre-tokenize from a file or stdin, and pre-tokenizing it as one sequence.
import { readFileSync } from 'node:fs';
import { describeFsError, UserError } from '../common/errors.js';
import type { TokenizerSpec } from './spec.js';
import { createPipeline } from './pipeline.js';

/** The text of `file`, or of stdin when no file is given (UserError when stdin is a terminal). */
export async function readInputText(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw describeFsError(error, file);
    }
  }
  if (process.stdin.isTTY) throw new UserError('no input: give --file F or pipe text on stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The text normalized and pre-tokenized as one sequence, in the spec's alphabet. */
export function preTokenizeText(spec: TokenizerSpec, text: string): string[] {
  const pipeline = createPipeline(spec);
  return pipeline.preTokenize(pipeline.normalize(text));
}
