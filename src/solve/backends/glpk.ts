// The GLPK backend (`glpk.js`, GLPK's simplex compiled to WebAssembly). It has no persistent model,
// so every solve rebuilds the LP from the typed arrays; kept as an independent check on HiGHS.
import GLPK from 'glpk.js/node';
import type { GLPK as GlpkRuntime, LP } from 'glpk.js/node';
import type { LpBackend, LpModel, LpSolution } from './lp-model.js';

let runtime: Promise<GlpkRuntime> | undefined;

export async function createGlpkBackend(): Promise<LpBackend> {
  runtime ??= GLPK();
  return new GlpkBackend(await runtime);
}

/** GLPK's bound type for lower <= x <= upper. */
function boundType(glpk: GlpkRuntime, lower: number, upper: number): number {
  const hasLower = lower !== Number.NEGATIVE_INFINITY;
  const hasUpper = upper !== Number.POSITIVE_INFINITY;
  if (hasLower && hasUpper) return lower === upper ? glpk.GLP_FX : glpk.GLP_DB;
  if (hasLower) return glpk.GLP_LO;
  if (hasUpper) return glpk.GLP_UP;
  return glpk.GLP_FR;
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);

class GlpkBackend implements LpBackend {
  readonly name = 'glpk' as const;
  private readonly glpk: GlpkRuntime;

  constructor(glpk: GlpkRuntime) {
    this.glpk = glpk;
  }

  solve(model: LpModel, options: { timeLimitSeconds?: number }): LpSolution {
    const glpk = this.glpk;
    const name = (j: number) => `x${j}`;
    const objective: { name: string; coef: number }[] = [];
    const bounds: NonNullable<LP['bounds']> = [];
    for (let j = 0; j < model.numCols; j++) {
      objective.push({ name: name(j), coef: model.colCost.data[j] });
      const lower = model.colLower.data[j];
      const upper = model.colUpper.data[j];
      bounds.push({
        name: name(j),
        type: boundType(glpk, lower, upper),
        lb: finite(lower),
        ub: finite(upper),
      });
    }
    const { start, index, value } = model.rowEntries();
    const subjectTo: LP['subjectTo'] = [];
    for (let r = 0; r < model.numRows; r++) {
      const vars: { name: string; coef: number }[] = [];
      for (let k = start[r]; k < start[r + 1]; k++) vars.push({ name: name(index[k]), coef: value[k] });
      const lower = model.rowLower.data[r];
      const upper = model.rowUpper.data[r];
      const type = boundType(glpk, lower, upper);
      if (type === glpk.GLP_FR) continue;
      subjectTo.push({ name: `r${r}`, vars, bnds: { type, lb: finite(lower), ub: finite(upper) } });
    }
    const lp: LP = {
      name: 'tokmix',
      objective: {
        direction: model.sense === 'min' ? glpk.GLP_MIN : glpk.GLP_MAX,
        name: 'obj',
        vars: objective,
      },
      subjectTo,
      bounds,
    };
    const limit = options.timeLimitSeconds;
    let result;
    try {
      result = glpk.solve(lp, {
        msglev: glpk.GLP_MSG_OFF,
        presol: true,
        ...(limit !== undefined && Number.isFinite(limit) ? { tmlim: Math.max(1, Math.ceil(limit)) } : {}),
      });
    } catch (error) {
      return failed(model, 'error', `GLPK: ${(error as Error).message}`);
    }
    const status = result.result.status;
    if (status === glpk.GLP_OPT) {
      const x = new Float64Array(model.numCols);
      const vars = result.result.vars;
      for (let j = 0; j < model.numCols; j++) x[j] = vars[name(j)] ?? 0;
      let z = 0;
      for (let j = 0; j < model.numCols; j++) z += model.colCost.data[j] * x[j];
      return { status: 'optimal', x, objective: z };
    }
    if (status === glpk.GLP_NOFEAS || status === glpk.GLP_INFEAS)
      return failed(model, 'infeasible', 'GLPK: infeasible');
    if (status === glpk.GLP_UNBND) return failed(model, 'unbounded', 'GLPK: unbounded');
    if (limit !== undefined && result.time >= limit)
      return failed(model, 'time-limit', 'GLPK: time limit reached');
    return failed(model, 'error', `GLPK: solution status ${status}`);
  }

  dispose(): void {}
}

function failed(model: LpModel, status: LpSolution['status'], detail: string): LpSolution {
  return { status, detail, x: new Float64Array(model.numCols), objective: Number.NaN };
}
