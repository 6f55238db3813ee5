// Where counting gets its text pipeline: the tokenizer module's createPipeline by default, or any
// module exporting the same function (tests and benchmarks pass the native reference,
// test/oracles/native-pipeline.ts, this way).
import type { TextPipeline, TokenizerSpec } from '../tokenizer/spec.js';

export type PipelineTextSpec = Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;

export const DEFAULT_PIPELINE_MODULE = new URL('../tokenizer/pipeline.js', import.meta.url).href;

/** Loads `createPipeline` from a module URL and compiles the text spec with it. */
export async function loadPipeline(
  text: PipelineTextSpec,
  moduleUrl = DEFAULT_PIPELINE_MODULE,
): Promise<TextPipeline> {
  const module = (await import(moduleUrl)) as { createPipeline: (text: PipelineTextSpec) => TextPipeline };
  return module.createPipeline(text);
}
