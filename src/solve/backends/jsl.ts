// The pure-JavaScript backend (`javascript-lp-solver`): a dense tableau simplex, so only small
// problems; beyond JSL_MAX_TABLEAU_CELLS the caller is told to use HiGHS instead of waiting for ever.
import * as jslModule from 'javascript-lp-solver';
import { UserError } from '../../common/errors.js';
import type { LpBackend, LpModel, LpSolution } from './lp-model.js';

/**
 * Largest dense tableau (jslTableauCells) javascript-lp-solver is given; larger LPs are refused.
 * bench/jsl-limit.ts (bench/README.md): at 2.0M cells one solve takes 0.6-0.8 s (17-21x HiGHS), it cannot be interrupted
 * and the search re-solves from scratch every round; accuracy never limits (objective within 1.1e-8 up to 21M cells).
 */
export const JSL_MAX_TABLEAU_CELLS = 2_000_000;

/**
 * Cells of the dense tableau javascript-lp-solver 1.0.3 allocates for `model`: one row per finite
 * side of each row (an equality is two), per column bound other than x >= 0, plus the objective row;
 * one column per LP column plus the right-hand side.
 */
export function jslTableauCells(model: LpModel): number {
  let rows = 1;
  for (let r = 0; r < model.numRows; r++) {
    if (model.rowLower.data[r] !== Number.NEGATIVE_INFINITY) rows++;
    if (model.rowUpper.data[r] !== Number.POSITIVE_INFINITY) rows++;
  }
  for (let j = 0; j < model.numCols; j++) {
    const lower = model.colLower.data[j];
    if (lower !== 0 && lower !== Number.NEGATIVE_INFINITY) rows++;
    if (model.colUpper.data[j] !== Number.POSITIVE_INFINITY) rows++;
  }
  return rows * (model.numCols + 1);
}

type JslSolver = { Solve(model: JslModel): SolveResult };
type JslModel = { [key: string]: unknown; constraints: Record<string, Record<string, number>> };
type SolveResult = { feasible: boolean; bounded?: boolean; [variable: string]: number | boolean | undefined };
// The package's types describe CommonJS while Node loads its ES build: accept either shape.
const solver = ((jslModule as unknown as { default?: JslSolver }).default ??
  jslModule) as unknown as JslSolver;

/** `maxCells` is for bench/jsl-limit.ts, which measures past the guard; users get the guard. */
export async function createJslBackend(maxCells = JSL_MAX_TABLEAU_CELLS): Promise<LpBackend> {
  return new JslBackend(maxCells);
}

class JslBackend implements LpBackend {
  readonly name = 'jsl' as const;

  constructor(private readonly maxCells: number) {}

  solve(model: LpModel, options: { timeLimitSeconds?: number }): LpSolution {
    if (jslTableauCells(model) > this.maxCells) {
      throw new UserError(
        `--solver jsl: the LP has grown to ${model.numRows} rows x ${model.numCols} columns, too large for javascript-lp-solver; use --solver highs`,
        'jsl',
      );
    }
    const name = (j: number) => `x${j}`;
    const constraints: JslModel['constraints'] = {};
    const variables: Record<string, Record<string, number>> = {};
    const unrestricted: Record<string, 1> = {};
    for (let j = 0; j < model.numCols; j++) {
      const column: Record<string, number> = { obj: model.colCost.data[j] };
      const lower = model.colLower.data[j];
      const upper = model.colUpper.data[j];
      // jsl variables are >= 0 unless unrestricted; other bounds become one-variable rows.
      if (lower !== 0) {
        unrestricted[name(j)] = 1;
        if (lower !== Number.NEGATIVE_INFINITY) {
          constraints[`lo${j}`] = { min: lower };
          column[`lo${j}`] = 1;
        }
      }
      if (upper !== Number.POSITIVE_INFINITY) {
        constraints[`up${j}`] = { max: upper };
        column[`up${j}`] = 1;
      }
      variables[name(j)] = column;
    }
    const { start, index, value } = model.rowEntries();
    for (let r = 0; r < model.numRows; r++) {
      const lower = model.rowLower.data[r];
      const upper = model.rowUpper.data[r];
      const hasLower = lower !== Number.NEGATIVE_INFINITY;
      const hasUpper = upper !== Number.POSITIVE_INFINITY;
      if (!hasLower && !hasUpper) continue;
      const bound: Record<string, number> = {};
      if (hasLower && hasUpper && lower === upper) bound.equal = lower;
      else {
        if (hasLower) bound.min = lower;
        if (hasUpper) bound.max = upper;
      }
      constraints[`r${r}`] = bound;
      for (let k = start[r]; k < start[r + 1]; k++) variables[name(index[k])][`r${r}`] = value[k];
    }
    const jslModel = {
      optimize: 'obj',
      opType: model.sense,
      constraints,
      variables,
      unrestricted,
      options: {
        ...(options.timeLimitSeconds !== undefined && Number.isFinite(options.timeLimitSeconds)
          ? { timeout: options.timeLimitSeconds * 1000 }
          : {}),
      },
    };
    let result;
    try {
      result = solver.Solve(jslModel);
    } catch (error) {
      return failed(model, 'error', `javascript-lp-solver: ${(error as Error).message}`);
    }
    if (!result.feasible) return failed(model, 'infeasible', 'javascript-lp-solver: infeasible');
    if (result.bounded === false) return failed(model, 'unbounded', 'javascript-lp-solver: unbounded');
    const x = new Float64Array(model.numCols);
    let z = 0;
    for (let j = 0; j < model.numCols; j++) {
      const v = result[name(j)];
      x[j] = typeof v === 'number' ? v : 0;
      z += model.colCost.data[j] * x[j];
    }
    return { status: 'optimal', x, objective: z };
  }

  dispose(): void {}
}

function failed(model: LpModel, status: LpSolution['status'], detail: string): LpSolution {
  return { status, detail, x: new Float64Array(model.numCols), objective: Number.NaN };
}
