// A run's wall-clock deadline (`--time-limit`), created when a command starts and honoured by every
// stage: counting stops its workers, replay checks between steps, the solve gets what is left.
import { UserError } from './errors.js';

export class Deadline {
  /** performance.now() at which the run must end (Infinity: no limit). */
  readonly at: number;

  /** `seconds` from now; undefined = no limit. */
  constructor(readonly seconds?: number) {
    this.at = seconds === undefined ? Number.POSITIVE_INFINITY : performance.now() + seconds * 1000;
  }

  get limited(): boolean {
    return this.at !== Number.POSITIVE_INFINITY;
  }

  /** Milliseconds left (Infinity without a limit, 0 once passed). */
  remainingMs(): number {
    return Math.max(0, this.at - performance.now());
  }

  expired(): boolean {
    return performance.now() >= this.at;
  }

  /** The error a stage ends with when the deadline passes during it. */
  error(stage: string): UserError {
    return new UserError(
      `time limit of ${this.seconds} s (--time-limit) ran out while ${stage}; raise --time-limit or shrink the work (--bytes, --merges, fewer categories)`,
      '--time-limit',
    );
  }

  /** Throws `error(stage)` once the deadline has passed. */
  check(stage: string): void {
    if (this.expired()) throw this.error(stage);
  }
}
