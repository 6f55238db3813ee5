// How library code reports progress without printing: it calls a callback; commands render it.

export interface ProgressEvent {
  /** The pipeline stage, e.g. 'count', 'replay', 'solve', 'train', 'validate'. */
  stage: string;
  /** Work done so far and the total, in `unit`s (total 0 when unknown). */
  done: number;
  total: number;
  unit: 'bytes' | 'steps' | 'merges' | 'rounds' | 'trials' | 'items';
  /** A short free-form detail, e.g. the category being counted. */
  detail?: string;
}

export type ProgressCallback = (event: ProgressEvent) => void;

export const noProgress: ProgressCallback = () => {};
