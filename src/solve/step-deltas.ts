// A transcript's changes in the two orders the lazy LP reads them: by step, as count deltas on
// global pair ids (the sweep adds them to the priorities), and by pair, as (step, new count) (a
// constraint row looks its counts up there by binary search).
import type { Transcript } from '../bpe/types.js';

/**
 * A transcript's changes twice over: by step as count differences with global ids (the sweep adds
 * them to priorities), and by pair as (step, new count) (a row looks its counts up there).
 * Changes that change nothing are left out.
 */
export interface StepDeltas {
  /** start[t]..start[t+1] index global/delta for step t. */
  start: Uint32Array;
  global: Int32Array;
  delta: Float64Array;
  /** historyStart[l]..historyStart[l+1] index historyStep/historyCount for local pair l, by step. */
  historyStart: Uint32Array;
  historyStep: Int32Array;
  historyCount: Float64Array;
}

export function stepDeltas(transcript: Transcript, localToGlobal: Int32Array): StepDeltas {
  const { stepOffsets, changePair, changeCount, steps } = transcript;
  const counts = Float64Array.from(transcript.initialCounts);
  const total = stepOffsets[steps];
  const start = new Uint32Array(steps + 1);
  const local = new Uint32Array(total);
  const global = new Int32Array(total);
  const delta = new Float64Array(total);
  const after = new Float64Array(total);
  const historyStart = new Uint32Array(counts.length + 1);
  let size = 0;
  for (let t = 0; t < steps; t++) {
    start[t] = size;
    for (let k = stepOffsets[t]; k < stepOffsets[t + 1]; k++) {
      const l = changePair[k];
      const d = changeCount[k] - counts[l];
      if (d === 0) continue;
      counts[l] = changeCount[k];
      local[size] = l;
      global[size] = localToGlobal[l];
      after[size] = changeCount[k];
      delta[size++] = d;
      historyStart[l + 1]++;
    }
  }
  start[steps] = size;
  for (let l = 0; l < counts.length; l++) historyStart[l + 1] += historyStart[l];
  const historyStep = new Int32Array(size);
  const historyCount = new Float64Array(size);
  const fill = historyStart.slice(0, counts.length);
  for (let t = 0; t < steps; t++) {
    for (let k = start[t]; k < start[t + 1]; k++) {
      const at = fill[local[k]]++;
      historyStep[at] = t;
      historyCount[at] = after[k];
    }
  }
  return {
    start,
    global: global.slice(0, size),
    delta: delta.slice(0, size),
    historyStart,
    historyStep,
    historyCount,
  };
}

/** Count of local pair l after merges 0..at-1. */
export function countBefore(deltas: StepDeltas, initialCounts: Float64Array, l: number, at: number): number {
  const { historyStart, historyStep, historyCount } = deltas;
  let lo = historyStart[l];
  let hi = historyStart[l + 1];
  // first change at a step >= at
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (historyStep[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo === historyStart[l] ? initialCounts[l] : historyCount[lo - 1];
}
