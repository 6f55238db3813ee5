// The schema of result.json, the record of one `infer` run. Versioned: bump RESULT_SCHEMA_VERSION
// on any incompatible change, and document the fields in the README.
import type { CategoryKind } from '../corpus/types.js';
import type { SolverBackend, UnexplainedMerge } from '../solve/types.js';

export const RESULT_SCHEMA_VERSION = 1;

export interface CategoryResult {
  name: string;
  kind: CategoryKind;
  language?: string;
  script?: string;
  bytes: number;
  pairs: number;
  pairShare: number;
  byteShare: number;
  /** [min, max] byte share over the LP's optimal face, when the optimum is not unique. */
  byteShareRange?: [number, number];
}

export interface InferResult {
  schemaVersion: number;
  kind: 'tokmix-infer-result';
  tokenizer: {
    name: string;
    source: string;
    format: string;
    alphabet: string;
    mergesUsed: number;
    mergesAvailable: number;
  };
  categorySet: string;
  categories: CategoryResult[];
  solver: {
    backend: SolverBackend;
    objective: number;
    slackTotal: number;
    rounds: number;
    constraints: number;
    variables: number;
    seconds: number;
    sweepSeconds: number;
    lpSeconds: number;
    unique: boolean;
    note?: string;
    unexplainedMerges: UnexplainedMerge[];
  };
  options: Record<string, unknown>;
  tool: { name: 'tokmix'; version: string };
  createdAt: string;
}
