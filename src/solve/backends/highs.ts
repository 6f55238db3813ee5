// The default backend: HiGHS compiled to WebAssembly (`highs` package), used through its persistent
// model so that each re-solve after new constraints warm-starts from the previous basis instead of
// re-parsing and re-solving the whole LP.
import * as highsModule from 'highs';
import type { Highs, Model } from 'highs';
import type { LpBackend, LpModel, LpSolution, LpSolveOptions } from './lp-model.js';

let runtime: Promise<Highs> | undefined;

/** HiGHS's simplex_strategy values. */
const DUAL = 1;
const PRIMAL = 4;

/** The WebAssembly runtime is loaded once per process and shared by every model. */
function highsRuntime(): Promise<Highs> {
  if (!runtime) {
    // The package's types describe CommonJS while Node loads its ES build: accept either shape.
    const loaded = highsModule as unknown as { default: unknown };
    const loader = (typeof loaded === 'function' ? loaded : loaded.default) as () => Promise<Highs>;
    runtime = loader();
  }
  return runtime;
}

export async function createHighsBackend(): Promise<LpBackend> {
  return new HighsBackend(await highsRuntime());
}

class HighsBackend implements LpBackend {
  readonly name = 'highs' as const;
  private readonly highs: Highs;
  private native?: Model;
  private synced?: LpModel;
  private cols = 0;
  private rows = 0;
  private extras = 0;
  private deletions = 0;
  private version = -1;

  constructor(highs: Highs) {
    this.highs = highs;
  }

  solve(model: LpModel, options: LpSolveOptions): LpSolution {
    const native = this.sync(model);
    const limit = options.timeLimitSeconds;
    native.options.set(
      'time_limit',
      limit !== undefined && Number.isFinite(limit) ? Math.max(0.01, limit) : 1e30,
    );
    // HiGHS's time_limit counts every run of the instance since its clocks were last zeroed; each
    // solve here gets its own budget.
    native.zeroAllClocks();
    native.options.set('simplex_strategy', options.simplex === 'primal' ? PRIMAL : DUAL);
    try {
      native.run();
    } catch (error) {
      const message = (error as Error).message;
      // A WebAssembly abort (seen past ~800k rows) is HiGHS running out of its memory.
      const detail = /Aborted/.test(message)
        ? `HiGHS aborted with ${model.numRows} rows x ${model.numCols} columns (out of WebAssembly memory?; fewer --merges or categories need fewer)`
        : message;
      return this.failed('error', detail, model);
    }
    const status = native.getModelStatus();
    const codes = this.highs.constants.modelStatus;
    if (status === codes.optimal) {
      const solution = native.getSolution();
      const x = Float64Array.from(solution.colValue);
      const rowDual = Float64Array.from(solution.rowDual);
      return { status: 'optimal', x, rowDual, objective: native.getObjectiveValue() };
    }
    if (status === codes.infeasible) return this.failed('infeasible', 'HiGHS: infeasible', model);
    if (status === codes.unbounded || status === codes.unboundedOrInfeasible)
      return this.failed('unbounded', 'HiGHS: unbounded', model);
    if (status === codes.timeLimit) return this.failed('time-limit', 'HiGHS: time limit reached', model);
    return this.failed('error', `HiGHS model status ${status}`, model);
  }

  private failed(status: LpSolution['status'], detail: string, model: LpModel): LpSolution {
    return { status, detail, x: new Float64Array(model.numCols), objective: Number.NaN };
  }

  /** Pushes what changed in `model` since the last solve into the native model. */
  private sync(model: LpModel): Model {
    if (this.synced !== model || !this.native) {
      this.native?.dispose();
      this.native = this.highs.createModel();
      // Presolve would rebuild the LP on every re-solve and lose the warm start (2x slower here).
      this.native.options.set({ output_flag: false, primal_feasibility_tolerance: 1e-9, presolve: 'off' });
      this.synced = model;
      this.cols = this.rows = this.extras = 0;
      this.deletions = model.deletions.length;
      this.version = -1;
    }
    const native = this.native;
    const inf = this.highs.infinity;
    const clamp = (v: number) =>
      v === Number.POSITIVE_INFINITY ? inf : v === Number.NEGATIVE_INFINITY ? -inf : v;
    for (; this.deletions < model.deletions.length; this.deletions++) {
      const mask = model.deletions[this.deletions];
      if (mask.length !== this.rows) throw new Error('LpModel rows deleted before they were synced');
      let kept = 0;
      for (let r = 0; r < mask.length; r++) if (!mask[r]) kept++;
      if (kept < mask.length) native.deleteRows({ kind: 'mask', mask });
      this.rows = kept;
    }
    if (model.numCols > this.cols) {
      const count = model.numCols - this.cols;
      native.addCols({
        cost: model.colCost.data.slice(this.cols, model.numCols),
        lower: model.colLower.data.slice(this.cols, model.numCols).map(clamp),
        upper: model.colUpper.data.slice(this.cols, model.numCols).map(clamp),
        matrix: {
          format: 'csc',
          numRows: this.rows,
          numCols: count,
          starts: new Int32Array(count + 1),
          indices: new Int32Array(0),
          values: new Float64Array(0),
        },
      });
      this.cols = model.numCols;
    }
    if (model.numRows > this.rows) {
      const start = model.rowStart.data;
      const first = start[this.rows];
      const last = start[model.numRows];
      const starts = new Int32Array(model.numRows - this.rows + 1);
      for (let r = this.rows; r <= model.numRows; r++) starts[r - this.rows] = start[r] - first;
      native.addRows({
        lower: model.rowLower.data.slice(this.rows, model.numRows).map(clamp),
        upper: model.rowUpper.data.slice(this.rows, model.numRows).map(clamp),
        matrix: {
          format: 'csr',
          numRows: model.numRows - this.rows,
          numCols: this.cols,
          starts,
          indices: model.rowIndex.data.slice(first, last),
          values: model.rowValue.data.slice(first, last),
        },
      });
      this.rows = model.numRows;
    }
    for (; this.extras < model.extraRow.length; this.extras++) {
      native.changeCoefficient(
        model.extraRow.data[this.extras],
        model.extraCol.data[this.extras],
        model.extraValue.data[this.extras],
      );
    }
    if (this.version !== model.version) {
      if (this.cols > 0) {
        const range = { kind: 'range', from: 0, to: this.cols - 1 } as const;
        native.changeColsBounds(
          range,
          model.colLower.data.slice(0, this.cols).map(clamp),
          model.colUpper.data.slice(0, this.cols).map(clamp),
        );
        native.changeColsCost(range, model.colCost.data.slice(0, this.cols));
      }
      if (this.rows > 0) {
        native.changeRowsBounds(
          { kind: 'range', from: 0, to: this.rows - 1 },
          model.rowLower.data.slice(0, this.rows).map(clamp),
          model.rowUpper.data.slice(0, this.rows).map(clamp),
        );
      }
      native.changeObjectiveSense(
        model.sense === 'min'
          ? this.highs.constants.objectiveSense.minimize
          : this.highs.constants.objectiveSense.maximize,
      );
      this.version = model.version;
    }
    return native;
  }

  dispose(): void {
    this.native?.dispose();
    this.native = undefined;
    this.synced = undefined;
  }
}
