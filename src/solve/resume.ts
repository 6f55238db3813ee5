// One solve's checkpoints (checkpoint.ts holds the file format): find the problem's checkpoint
// or read the one asked for, seed the lazy LP from it with its lower bound and best point, write
// a new one every minute and when the solve ends uncertified, remove it once the solve certifies.
import type { Transcript } from '../bpe/types.js';
import { removeOwnFile } from '../common/atomic.js';
import { UserError, isUserError } from '../common/errors.js';
import type { LazyMixtureLp } from './lazy-lp.js';
import type { BestPoint, CheckpointState } from './constraint-search.js';
import {
  BOUND_TOLERANCE,
  checkpointPath,
  problemFingerprint,
  readCheckpointFile,
  writeCheckpointFile,
  type Checkpoint,
  type CheckpointExpectation,
  type LpDefiningOptions,
} from './checkpoint.js';

export interface CheckpointOptions {
  /** Folder of the checkpoints, one per problem named by its fingerprint (the cache's checkpoint/). */
  dir: string;
  /**
   * 'auto' (default): resume from dir's checkpoint of this problem when there is a valid one;
   * 'fresh': start over (the checkpoint is still written and removed as the solve goes); or a file
   * to resume from, refused (UserError) when it is not a checkpoint of this problem.
   */
  resume?: 'auto' | 'fresh' | { file: string };
  /** Seconds between checkpoints of a running solve (default 60). */
  everySeconds?: number;
  /** Told once, before the search, that the solve resumes. */
  onResume?: (resumed: ResumedFrom) => void;
}

/** The checkpoint a solve resumed from. */
export interface ResumedFrom {
  file: string;
  /** Rows in the checkpoint, and the relative gap its solve had reached. */
  rows: number;
  previousGap: number;
}

/** Where an uncertified solve left its checkpoint, or why it could not write one. */
export type CheckpointWritten = { file: string; bytes: number } | { error: string };

export class SolveCheckpoints {
  readonly fingerprint: string;
  readonly file: string;
  private readonly loaded?: Checkpoint;
  private readonly loadedFrom?: string;
  resumed?: ResumedFrom;
  written?: CheckpointWritten;

  /** Fingerprints the problem and reads the checkpoint to resume from, if any. */
  constructor(
    transcripts: readonly Transcript[],
    lpOptions: LpDefiningOptions,
    private readonly options: CheckpointOptions,
  ) {
    const expect: CheckpointExpectation = {
      fingerprint: problemFingerprint(transcripts, lpOptions),
      steps: transcripts[0].steps,
      vocabSize: transcripts[0].vocabSize,
      categories: transcripts.length,
    };
    this.fingerprint = expect.fingerprint;
    this.file = checkpointPath(options.dir, expect.fingerprint);
    const resume = options.resume ?? 'auto';
    if (typeof resume === 'object') {
      this.loaded = readCheckpointFile(resume.file, expect);
      this.loadedFrom = resume.file;
    } else if (resume === 'auto') {
      try {
        this.loaded = readCheckpointFile(this.file, expect);
        this.loadedFrom = this.file;
      } catch (error) {
        // None, or a damaged one, in the cache: the solve starts over (and rewrites it), as the
        // cache rebuilds a damaged entry.
        if (!isUserError(error)) throw error;
      }
    }
  }

  /** Whether there is a checkpoint to resume from (the search then starts without the anchor). */
  get resuming(): boolean {
    return this.loaded !== undefined;
  }

  /**
   * Seeds the LP with the checkpoint's rows and returns the search's starting state: the lower
   * bound carried over and the checkpoint's best point, bounded again under this LP (one sweep).
   * Leaves `lp` ready for its first solve. Undefined when not resuming.
   */
  resume(lp: LazyMixtureLp): { lower: number; best: BestPoint } | undefined {
    const checkpoint = this.loaded;
    if (!checkpoint) return undefined;
    lp.seedRows(checkpoint.rows);
    lp.alpha.set(checkpoint.alpha);
    lp.setPairSlacks(checkpoint.pairSlacks);
    const stepSlack = new Float64Array(lp.steps);
    const upper = lp.upperBound(stepSlack);
    // The carried lower bound must lie below the objective of the checkpoint's own shares under
    // this LP: one above it is forged or of another problem, and would certify a wrong answer.
    if (checkpoint.lower > upper * (1 + BOUND_TOLERANCE) + lp.scale * BOUND_TOLERANCE) {
      throw new UserError(
        `${this.loadedFrom}: not a valid tokmix checkpoint (its lower bound ${checkpoint.lower} exceeds the objective ${upper} of its own shares); ${this.loadedFrom === this.file ? '--no-resume starts over' : 'pass a checkpoint tokmix infer wrote, or run without --resume'}`,
        this.loadedFrom,
      );
    }
    const best = { alpha: Float64Array.from(lp.alpha), vp: Float64Array.from(lp.vp), stepSlack, upper };
    this.resumed = { file: this.loadedFrom!, rows: checkpoint.rows.length, previousGap: checkpoint.gap };
    this.options.onResume?.(this.resumed);
    return { lower: Math.min(checkpoint.lower, upper), best };
  }

  /** Writes the LP's rows with `state` as the problem's checkpoint; a failure is kept, not thrown. */
  save(lp: LazyMixtureLp, state: CheckpointState): void {
    try {
      const bytes = writeCheckpointFile(this.file, {
        fingerprint: this.fingerprint,
        steps: lp.steps,
        vocabSize: lp.transcripts[0].vocabSize,
        categories: lp.n,
        rows: lp.heldRows(),
        lower: state.lower,
        upper: state.upper,
        gap: state.gap,
        alpha: state.alpha,
        pairSlacks: lp.pairSlackEntries(state.vp),
      });
      this.written = { file: this.file, bytes };
    } catch (error) {
      this.written = { error: `${this.file}: ${(error as Error).message}` };
    }
  }

  /** A certified solve: its problem's checkpoint in the cache (tokmix wrote it) is not needed again. */
  remove(): void {
    removeOwnFile(this.file);
    this.written = undefined;
  }

  get everySeconds(): number {
    return this.options.everySeconds ?? 60;
  }
}
