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
  /**
   * When it happened (ms since the epoch), for an event that may be read late (a background
   * worker's, read when the main thread is free and held until the run waits for it): its
   * stage's time and rate are then measured from these.
   */
  at?: number;
}

export type ProgressCallback = (event: ProgressEvent) => void;

export const noProgress: ProgressCallback = () => {};
