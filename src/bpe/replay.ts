// Replay (paper §3): apply a tokenizer's first T merges to one category's pre-token counts and
// record the transcript — every pair's count at step 0, then per step the pairs whose count changed.
import type { WordCounts } from '../corpus/types.js';
import type { TokenizerSpec } from '../tokenizer/spec.js';
import type { Transcript } from './types.js';
import { UserError } from '../common/errors.js';
import type { ProgressCallback } from '../common/progress.js';
import { BpeEngine } from './engine.js';
import { MergeHorizon } from './merge-horizon.js';
import { buildSymbolTable, type SymbolTable } from './symbol-table.js';
import { buildWordStore } from './word-store.js';
import { ChangeLog } from './change-log.js';

export type ReplaySpec = Pick<TokenizerSpec, 'alphabet' | 'mergeList'>;

/** Throws a UserError when `steps` is not a whole number within the merge list. */
export function checkSteps(spec: ReplaySpec, steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new UserError(`--merges ${steps}: expected a whole number of merges, 0 or more`);
  }
  if (steps > spec.mergeList.length) {
    throw new UserError(
      `--merges ${steps}: the tokenizer has only ${spec.mergeList.length} merges; pass --merges ${spec.mergeList.length} or fewer`,
    );
  }
}

/** Replays the first `steps` merges of `spec` over one category's counts. */
export function replay(
  counts: WordCounts,
  spec: ReplaySpec,
  steps: number,
  options: {
    onProgress?: ProgressCallback;
    table?: SymbolTable;
    /** False keeps every pair's word list (more memory, same transcript): the reference the
     *  pruning is tested against. */
    pruneWordLists?: boolean;
  } = {},
): Transcript {
  checkSteps(spec, steps);
  const table = options.table ?? buildSymbolTable(spec.alphabet, spec.mergeList, steps);
  const extraSymbols: string[] = [];
  const extraIds = new Map<string, number>();
  const symbolOf = (char: string): number => {
    const id = table.ids.get(char);
    if (id !== undefined) return id;
    let extra = extraIds.get(char);
    if (extra === undefined) {
      extra = table.vocabSize + extraSymbols.length;
      extraIds.set(char, extra);
      extraSymbols.push(char);
    }
    return extra;
  };
  const words = buildWordStore([{ words: counts.words, counts: counts.counts }], symbolOf);
  // The engine keeps word lists only for pairs the remaining merges join.
  const horizon = options.pruneWordLists === false ? undefined : new MergeHorizon(table, steps);
  const engine = new BpeEngine(words, { trueCounts: true, chainChunks: true, horizon });
  engine.countInitialPairs();
  const initialPairs = engine.pairs.size;
  const initial = engine.pairCount.slice(0, initialPairs);
  let totalPairs = 0;
  for (let p = 0; p < initialPairs; p++) totalPairs += initial[p];

  const stepOffsets = new Uint32Array(steps + 1);
  const mergePair = new Int32Array(steps);
  const changes = new ChangeLog();
  let absentSteps = 0;
  const report = options.onProgress;
  const every = Math.max(1, Math.floor(steps / 100));
  const detail = counts.category.name;

  for (let t = 0; t < steps; t++) {
    stepOffsets[t] = changes.size;
    const left = table.mergeLeft[t];
    const right = table.mergeRight[t];
    const p = engine.pairs.get(left, right);
    if (p < 0 || !(engine.pairCount[p] > 0)) {
      // An absent step: the pair does not occur (now) in this category; nothing changes.
      mergePair[t] = -1;
      absentSteps++;
    } else {
      mergePair[t] = p;
      engine.mergeIndex = t;
      engine.beginStep();
      engine.mergePairEverywhere(p, left, right, table.mergeResult[t]);
      engine.endStep(false);
      const touched = engine.touched;
      const n = engine.numTouched;
      for (let k = 0; k < n; k++) {
        const q = touched[k];
        const count = engine.pairCount[q];
        if (count !== engine.countBeforeStep(k)) changes.push(q, count);
      }
    }
    if (report && (t % every === 0 || t === steps - 1)) {
      report({ stage: 'replay', done: t + 1, total: steps, unit: 'steps', detail });
    }
  }
  stepOffsets[steps] = changes.size;
  const numPairs = engine.pairs.size;
  const initialCounts = new Float64Array(numPairs);
  initialCounts.set(initial);
  return {
    steps,
    vocabSize: table.vocabSize,
    extraSymbols,
    pairLeft: engine.pairs.left.slice(0, numPairs),
    pairRight: engine.pairs.right.slice(0, numPairs),
    initialCounts,
    stepOffsets,
    ...changes.take(),
    mergePair,
    totals: { pairs: totalPairs, bytes: counts.stats.bytes, absentSteps },
  };
}
