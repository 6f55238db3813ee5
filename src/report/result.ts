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
    /** Merges attacked: steps firstStep..lastStep (0-based) of the merge list. */
    mergesUsed: number;
    mergesAvailable: number;
    /**
     * 0-based first and last attacked step; merges before firstStep were applied, not attacked
     * (`--skip-merges`). Absent in results written before the option (read as 0 and mergesUsed-1).
     */
    firstStep?: number;
    lastStep?: number;
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
    /**
     * True when a whole sweep under the LP's optimum found nothing violated (the paper's
     * certificate). False when the solve stopped early (`stopped`): the shares are the best point
     * found, `objective` is the full LP's objective there, and `gap` = (objective - lowerBound) /
     * objective. Absent in results written before these fields (read as certified, gap 0).
     */
    certified?: boolean;
    gap?: number;
    lowerBound?: number;
    stopped?: 'gap' | 'time-limit' | 'size-cap' | 'interrupted' | 'solver-aborted';
    /** The most rows and nonzeros the LP held; the process's peak resident memory. */
    peakRows?: number;
    peakNonzeros?: number;
    peakMemoryBytes?: number;
    unique: boolean;
    note?: string;
    unexplainedMerges: UnexplainedMerge[];
  };
  options: Record<string, unknown>;
  tool: { name: 'tokmix'; version: string };
  createdAt: string;
}

export const VALIDATION_SCHEMA_VERSION = 1;

/** One method's score at one n: mean and sd of log10 MSE over the trials. */
export interface ValidationRow {
  method: string;
  n: number;
  trials: number;
  meanLog10Mse: number;
  sdLog10Mse: number;
}

export interface ValidationTrial {
  n: number;
  trial: number;
  seed: number;
  /** The n categories picked, and their true byte shares (same order). */
  categories: string[];
  truth: number[];
  /** Each method's estimated byte shares over the candidate categories (same order as `candidates`). */
  candidates: string[];
  estimates: Record<string, number[]>;
  log10Mse: Record<string, number>;
  seconds: { train: number; count: number; replay: number; solve: number; baselines: number };
}

export interface ValidationResult {
  schemaVersion: number;
  kind: 'tokmix-validation';
  set: string;
  options: Record<string, unknown>;
  rows: ValidationRow[];
  trials: ValidationTrial[];
  tool: { name: 'tokmix'; version: string };
  createdAt: string;
}

/** The merges a run attacked, for titles: "first 1,000 merges" or "1,000 merges after the first 100,000". */
export function mergeRangeText(tokenizer: InferResult['tokenizer']): string {
  const used = tokenizer.mergesUsed.toLocaleString('en-US');
  const first = tokenizer.firstStep ?? 0;
  return first === 0
    ? `first ${used} merges`
    : `${used} merges after the first ${first.toLocaleString('en-US')}`;
}
