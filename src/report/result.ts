// The schema of result.json, the record of one `infer` run. Versioned: bump RESULT_SCHEMA_VERSION
// on any incompatible change, and document every field in docs/result-schema.md (test/docs/result-schema.test.ts checks it).
import type { CategoryKind } from '../corpus/types.js';
import type { SolverBackend, UnexplainedMerge } from '../solve/types.js';
import type { TrainingSize } from '../solve/training-size.js';
import type { HandAddedBlock } from '../tokenizer/hand-added.js';
import type { Lineage } from '../tokenizer/lineage.js';

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
  /** Bootstrap interval [lo, hi] of the byte share at InferResult.bootstrap.level (with --bootstrap). */
  byteShareCI?: [number, number];
  /** Bootstrap interval of the pair share. */
  pairShareCI?: [number, number];
  /** Byte share estimated at each of bootstrap.merges attacked merges (the last is byteShare). */
  byteShareByMerges?: number[];
}

/** How the intervals were made (present whenever intervals were computed). */
export interface BootstrapInfo {
  replicates: number;
  level: number;
  /** The interval method's name: 'percentile' in results before issue 26, else e.g. "chunks20-x2-normal-scale1.6". */
  method: string;
  /** How the replicates were read ('percentile' when absent) and the calibrated width factor (1 when absent). */
  form?: 'percentile' | 'normal';
  scale?: number;
  /** Width factors of category kinds that differ from `scale` (e.g. {language: 1.4}). */
  scaleByKind?: Record<string, number>;
  /** Seconds the replicates took when computed (a cached run reads them, see `cached`). */
  seconds: number;
  /** True when this run read the intervals from the cache (stage `intervals`) instead of computing them. */
  cached?: boolean;
  /** Merge counts (prefixes of the attacked range) at which byteShareByMerges was estimated. */
  merges: number[];
  /** Per replicate, per category (categories' order): its byte shares, for intervals of sums. */
  byteShareReplicates?: number[][];
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
    /** A tokenizer fetched by Hub name: its repo, the revision asked and the commit it resolved to. */
    hub?: { repo: string; revision: string; commit: string };
    /**
     * 0-based first and last attacked step; merges before firstStep were applied, not attacked
     * (`--skip-merges`). Absent in results written before the option (read as 0 and mergesUsed-1).
     */
    firstStep?: number;
    lastStep?: number;
    /** The built-in whose merge list this one begins with (its first sharedMerges merges). */
    lineage?: Lineage;
    /**
     * Hand-added merges inside firstStep..lastStep: applied, not attacked (`--keep-hand-added`
     * attacks them). mergesUsed counts the attacked ones only.
     */
    excludedMerges?: { count: number; blocks: HandAddedBlock[] };
  };
  categorySet: string;
  categories: CategoryResult[];
  /** How much text the tokenizer was trained on, or why that cannot be read (solve/training-size.ts). */
  trainingSize?: TrainingSize;
  bootstrap?: BootstrapInfo;
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
    /** Set when the solve resumed from a checkpoint: its rows and the gap its solve had reached. */
    resumed?: { rows: number; previousGap: number };
    /** Set when the certified estimate was read from the cache (the seconds are its original solve's). */
    cached?: boolean;
    /** An uncertified solve's checkpoint (the next run of the same problem resumes from it) and its size. */
    checkpoint?: string;
    checkpointBytes?: number;
    /** The most rows and nonzeros the LP held; the process's peak resident memory. */
    peakRows?: number;
    peakNonzeros?: number;
    peakMemoryBytes?: number;
    unique: boolean;
    /** The largest byte-share movement the uniqueness probe found at optimal objective (absent: not checked). */
    faceMovement?: number;
    note?: string;
    unexplainedMerges: UnexplainedMerge[];
    /** Attacked merges that occur in no category's sample (they constrain nothing). Absent in older results. */
    unconstrainedMerges?: number;
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
  /** With --bootstrap: tokmix's byte-share intervals over the candidates (order of `candidates`). */
  intervals?: { level: number; method?: string; byteShareCI: [number, number][]; seconds: number };
  /** With --time-limit, when tokmix's solve stopped before its certificate: its relative gap. */
  tokmixGap?: number;
  /** Estimators named in --methods (paper, likelihood, ...): each one's solve seconds and relative gap. */
  estimatorSeconds?: Record<string, number>;
  estimatorGaps?: Record<string, number>;
}

/** Interval coverage at one n: the fraction of true candidate shares inside their intervals. */
export interface CoverageRow {
  n: number;
  trials: number;
  level: number;
  /** Over all (trial, candidate) pairs. */
  coverage: number;
  /** Mean interval width (hi - lo) over all (trial, candidate) pairs. */
  meanWidth: number;
  /** Trials in which at least 80% of candidates are covered. */
  trialsCovering80: number;
}

export interface ValidationResult {
  schemaVersion: number;
  kind: 'tokmix-validation';
  set: string;
  options: Record<string, unknown>;
  rows: ValidationRow[];
  /** With --bootstrap: interval coverage per n. */
  coverage?: CoverageRow[];
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
