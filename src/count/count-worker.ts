// The counting worker thread: rebuilds the tokenizer's text pipeline from its JSON spec, then
// reads tasks (files or byte ranges), normalizes and pre-tokenizes each sequence, and keeps a
// pre-token count map per category until the main thread asks for it (or pre-tokenizes one text).
import { parentPort } from 'node:worker_threads';
import type { TextPipeline } from '../tokenizer/spec.js';
import type { CategoryStats } from '../corpus/types.js';
import { type ReadTask, type SampleOptions, readTask, scanTask } from '../corpus/sample-reader.js';
import { WordTable, packSorted } from './word-table.js';
import { BlockBuilder, BlockSink, sequencesPerBlock } from './block-counts.js';
import { codePointCount } from '../corpus/utf8.js';
import type { WorkerReply, WorkerRequest } from './count-protocol.js';
import type { PipelineTextSpec } from './pipeline-loader.js';

interface CategoryTally {
  counts: WordTable;
  /** Closed blocks, when the bootstrap asked for block counts. */
  blocks?: BlockSink;
  stats: Omit<CategoryStats, 'distinctPreTokens' | 'replacedInvalid'>;
}

let pipeline: TextPipeline | undefined;
const tallies = new Map<number, CategoryTally>();

function tallyOf(category: number): CategoryTally {
  let tally = tallies.get(category);
  if (!tally) {
    tally = { counts: new WordTable(), stats: { bytes: 0, characters: 0, sequences: 0, preTokens: 0 } };
    tallies.set(category, tally);
  }
  return tally;
}

/** Counts one sequence into a category's tally: the hot path. */
function countSequence(tally: CategoryTally, text: string, bytes: number, block?: BlockBuilder): void {
  const p = pipeline as TextPipeline;
  const stats = tally.stats;
  stats.bytes += bytes;
  stats.characters += codePointCount(text, bytes);
  stats.sequences++;
  const preTokens = p.preTokenize(p.normalize(text));
  stats.preTokens += preTokens.length;
  const counts = tally.counts;
  if (!block) {
    for (let i = 0; i < preTokens.length; i++) counts.add(preTokens[i]);
    return;
  }
  for (let i = 0; i < preTokens.length; i++) block.word(counts.add(preTokens[i]));
  block.endSequence(bytes);
}

/** A block builder for one read of a category (blocks never span two reads). */
function blocksFor(
  tally: CategoryTally,
  wanted: boolean | undefined,
  perBlock: number,
  order: number | undefined,
): BlockBuilder | undefined {
  if (!wanted) return undefined;
  tally.blocks ??= new BlockSink();
  if (order !== undefined) tally.blocks.beginRead(order);
  return new BlockBuilder(tally.blocks, perBlock);
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'init': {
      const module = (await import(request.pipelineModule)) as {
        createPipeline: (text: PipelineTextSpec) => TextPipeline;
      };
      pipeline = module.createPipeline(request.text);
      return null;
    }
    case 'scan':
      return scanTask(request.task as ReadTask, request.options as SampleOptions);
    case 'count': {
      const tally = tallyOf(request.category);
      const task = request.task as ReadTask;
      const block = blocksFor(tally, request.blocks, sequencesPerBlock(task.file.format), request.order);
      const result = await readTask(task, request.options as SampleOptions, (text, bytes) =>
        countSequence(tally, text, bytes, block),
      );
      block?.flush();
      return result;
    }
    case 'texts': {
      const tally = tallyOf(request.category);
      const block = blocksFor(tally, request.blocks !== undefined, request.blocks ?? 1, request.order);
      for (const { text, bytes } of request.texts) countSequence(tally, text, bytes, block);
      block?.flush();
      return null;
    }
    case 'preTokenize': {
      const p = pipeline as TextPipeline;
      return p.preTokenize(p.normalize(request.text));
    }
    case 'flush': {
      const tally = tallies.get(request.category);
      tallies.delete(request.category);
      if (!tally) return null;
      const blocks = tally.blocks?.finish();
      // Sorted here, in parallel with the other workers, so the main thread only merges sorted lists.
      if (request.sorted) return { ...packSorted(tally.counts), stats: tally.stats, blocks };
      return { packed: tally.counts.pack(), stats: tally.stats, blocks };
    }
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, ok: true, result } satisfies WorkerReply),
    (error: unknown) => {
      const e = error as Error & { input?: string };
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        error: {
          name: e?.name ?? 'Error',
          message: e?.message ?? String(error),
          input: e?.input,
          stack: e?.stack,
        },
      } satisfies WorkerReply);
    },
  );
});
