// The solver's answer, independent of the backend that produced it.

export type SolverBackend = 'highs' | 'glpk' | 'jsl';

export interface UnexplainedMerge {
  /** 0-based merge step. */
  step: number;
  merge: [string, string];
  /** The step's slack v_t at the optimum (how far the categories fall short of explaining it). */
  slack: number;
}

import type { WarmRow } from './lazy-lp.js';

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
  /** Set when the optimum is not unique: how far each share can move at (near-)optimal objective. */
  uncertainty?: {
    unique: boolean;
    /** Per category [min, max] byte share over the optimal face; null where time ran out first. */
    byteShareRange?: ([number, number] | null)[];
    note: string;
  };
}
