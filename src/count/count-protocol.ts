// The messages between countCategories and its worker threads (plain data: structured-clonable).
import type { PipelineTextSpec } from './pipeline-loader.js';
import type { ReadTask, SampleOptions } from '../corpus/sample-reader.js';

export type WorkerRequest = { id: number } & (
  | { type: 'init'; text: PipelineTextSpec; pipelineModule: string }
  | { type: 'scan'; task: ReadTask; options: SampleOptions }
  | {
      type: 'count';
      category: number;
      task: ReadTask;
      options: SampleOptions;
      blocks?: boolean;
      /** The read's place among the category's reads: orders its blocks whichever worker took it. */
      order?: number;
    }
  | {
      type: 'texts';
      category: number;
      texts: { text: string; bytes: number }[];
      blocks?: number;
      order?: number;
    }
  | { type: 'flush'; category: number; sorted?: boolean }
  | { type: 'preTokenize'; text: string }
);

export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; input?: string; stack?: string } };
