// Walks a transcript step by step, keeping every pair's current count: how readers (the LP's
// constraint sweep, tests) get c_t(p) without materializing counts for all steps at once.
import type { Transcript } from './types.js';

export class TranscriptCursor {
  readonly transcript: Transcript;
  /** counts[p] is pair p's count before step `step`. */
  readonly counts: Float64Array;
  step = 0;

  constructor(transcript: Transcript) {
    this.transcript = transcript;
    this.counts = Float64Array.from(transcript.initialCounts);
  }

  /** Applies step `step`'s changes, moving to the counts before the next step. */
  advance(): void {
    const t = this.transcript;
    if (this.step >= t.steps) throw new Error('transcript cursor is past the last step');
    const end = t.stepOffsets[this.step + 1];
    for (let k = t.stepOffsets[this.step]; k < end; k++) this.counts[t.changePair[k]] = t.changeCount[k];
    this.step++;
  }

  /** Moves forward to the counts before step `target`. */
  seek(target: number): void {
    if (target < this.step) throw new Error('transcript cursor only moves forward');
    while (this.step < target) this.advance();
  }

  /** Count of the pair merged at the current step (0 for an absent step). */
  mergeCount(): number {
    const p = this.transcript.mergePair[this.step];
    return p < 0 ? 0 : this.counts[p];
  }
}

/**
 * A transcript's pair counts before merge `step`, for readers that start mid-way (the LP when
 * merges are skipped): the transcript's own initial counts when `step` is 0, else a new array.
 */
export function countsAtStep(transcript: Transcript, step: number): Float64Array {
  if (step === 0) return transcript.initialCounts;
  const cursor = new TranscriptCursor(transcript);
  cursor.seek(step);
  return cursor.counts;
}

/** The pair's symbols as strings: ids below vocabSize via `symbols`, others via extraSymbols. */
export function pairSymbols(t: Transcript, symbols: readonly string[], p: number): [string, string] {
  const name = (id: number): string => (id < t.vocabSize ? symbols[id] : t.extraSymbols[id - t.vocabSize]);
  return [name(t.pairLeft[p]), name(t.pairRight[p])];
}
