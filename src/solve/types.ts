// The solver's answer, independent of the backend that produced it.

export type SolverBackend = 'highs' | 'glpk' | 'jsl' | 'clp';

export interface UnexplainedMerge {
  /** 0-based merge step. */
  step: number;
  merge: [string, string];
  /** The step's slack v_t at the optimum (how far the categories fall short of explaining it). */
  slack: number;
}

import type { WarmRow } from './lazy-lp.js';
import type { CheckpointWritten, ResumedFrom } from './resume.js';

export interface MixtureEstimate {
  /** Per category (input order): share of pairs, the LP's variable alpha. */
  pairShare: number[];
  /** Per category: share of bytes (pairShare * bytes/pairs, renormalized). */
  byteShare: number[];
  backend: SolverBackend;
  objective: number;
  slackTotal: number;
  unexplainedMerges: UnexplainedMerge[];
  rounds: number;
  constraints: number;
  variables: number;
  sweepSeconds: number;
  lpSeconds: number;
  /** The optimum's constraint rows, when asked for (SolveMixtureOptions.exportRows). */
  rows?: WarmRow[];
  /**
   * True when a whole sweep under the LP's optimum found no violated constraint (the paper's
   * certificate); false when the solve stopped early (`stopped`) with the best point found.
   */
  certified: boolean;
  /** (upperBound - lowerBound) / upperBound: 0 when certified. */
  gap: number;
  /** A restricted LP's objective: no mixture explains the merges with less slack. */
  lowerBound: number;
  /** The full LP's objective at the reported shares (certified: the optimum). */
  upperBound: number;
  /** Why the solve stopped before a certificate. */
  stopped?: 'gap' | 'time-limit' | 'size-cap' | 'interrupted' | 'solver-aborted';
  /** The checkpoint the solve resumed from (SolveMixtureOptions.checkpoint). */
  resumed?: ResumedFrom;
  /** True when this certified estimate was read from the cache: its seconds are the original solve's. */
  cached?: boolean;
  /** Where an uncertified solve left its checkpoint, or why it could not. */
  checkpoint?: CheckpointWritten;
  /** The most rows and nonzeros the LP held, and the process's peak resident memory. */
  peakRows: number;
  peakNonzeros: number;
  peakMemoryBytes: number;
  /** Set when the optimum is not unique: how far each share can move at (near-)optimal objective. */
  uncertainty?: {
    unique: boolean;
    /** The largest byte-share movement found at optimal objective (absent: not checked). */
    movement?: number;
    /** Per category [min, max] byte share over the optimal face; null where time ran out first. */
    byteShareRange?: ([number, number] | null)[];
    note: string;
  };
}
