// LazyMixtureLp: the paper's linear program (§3) grown lazily, the two jobs joined. The LP (rows
// held, columns, objective, solving, warm start, checkpoint state) is MixtureLp in mixture-lp.ts;
// the sweep over merge steps that finds violated rows and the anytime bound is MergeSweep in
// merge-sweep.ts, which sees the LP only through its small SweepLp interface. This class builds
// both and forwards the sweep's calls the main path makes, so the constraint search drives one
// object; research code reaches the sweep itself (`sweep`).
import type { Transcript } from '../bpe/types.js';
import { MergeSweep } from './merge-sweep.js';
import { MixtureLp, type LazyLpSettings, type WarmRow } from './mixture-lp.js';
import type { PairUniverse } from './pair-universe.js';
import type { ViolationPool } from './violation-pool.js';

export { solveFailure, type LazyLpSettings, type WarmRow } from './mixture-lp.js';

export class LazyMixtureLp extends MixtureLp {
  readonly sweep: MergeSweep;

  constructor(transcripts: Transcript[], universe: PairUniverse, settings: LazyLpSettings) {
    super(transcripts, universe, settings);
    this.sweep = new MergeSweep(transcripts, universe, settings, this);
  }

  get sweptSteps(): number {
    return this.sweep.sweptSteps;
  }

  /** Moves the sweep back to step `firstStep` (priorities follow at the next recompute). */
  resetCounts(): void {
    this.sweep.resetCounts();
  }

  /** Recomputes every pair's priority at the sweep's step under the current assignment. */
  recomputePriorities(): void {
    this.sweep.recomputePriorities();
  }

  /** Puts the sweep at step `at` (counts after merges 0..at-1) under the current assignment. */
  seek(at: number): void {
    this.sweep.seek(at);
  }

  /** Applies merge t's count changes to the priorities. */
  applyStep(t: number): void {
    this.sweep.applyStep(t);
  }

  /** Adds (or, with a pool, offers) the rows of pairs that beat merge t; returns how many it found. */
  checkStep(t: number, pool?: ViolationPool): number {
    return this.sweep.checkStep(t, pool);
  }

  /** One whole sweep adding every violated row; 0 means the assignment is feasible for the full LP. */
  fullPass(): number {
    return this.sweep.fullPass();
  }

  /** An upper bound on the full LP's optimum under the current point (see MergeSweep.upperBound). */
  upperBound(stepSlack: Float64Array): number {
    return this.sweep.upperBound(stepSlack);
  }

  /** Warm start: adds another LP's held rows that apply here (see MixtureLp.seedRows). */
  override seedRows(rows: readonly WarmRow[]): number {
    return super.seedRows(rows, (t, p, out) => this.sweep.rowCoefficients(t, p, out));
  }
}
