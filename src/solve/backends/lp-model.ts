// LpModel: the linear program as plain typed arrays, kept apart from any solver so one model can
// be handed to HiGHS, GLPK, javascript-lp-solver or clp. It only grows (columns, rows, coefficients)
// or changes bounds and costs, and it counts its changes so a persistent backend can sync them.

/** A growable Float64Array / Int32Array pair store, so rows are appended without JS objects per entry. */
class GrowableFloat64 {
  data = new Float64Array(64);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

class GrowableInt32 {
  data = new Int32Array(64);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export type Sense = 'min' | 'max';

/**
 * rowLower <= A x <= rowUpper, colLower <= x <= colUpper, optimize cost . x.
 * A is stored row-wise (CSR) for rows as added, plus `extra` triplets for coefficients set later
 * into existing rows (e.g. a new column entering an older row).
 */
export class LpModel {
  readonly colLower = new GrowableFloat64();
  readonly colUpper = new GrowableFloat64();
  readonly colCost = new GrowableFloat64();
  readonly rowLower = new GrowableFloat64();
  readonly rowUpper = new GrowableFloat64();
  /** rowStart[r]..rowStart[r+1] index rowIndex/rowValue. */
  readonly rowStart = new GrowableInt32();
  readonly rowIndex = new GrowableInt32();
  readonly rowValue = new GrowableFloat64();
  readonly extraRow = new GrowableInt32();
  readonly extraCol = new GrowableInt32();
  readonly extraValue = new GrowableFloat64();
  sense: Sense = 'min';
  /** Row deletions in order: each mask (1 = delete) spans the rows that existed when it was made. */
  readonly deletions: Uint8Array[] = [];
  /** Bumped by every change of an existing bound, cost or the sense (not by additions). */
  version = 0;

  constructor() {
    this.rowStart.push(0);
  }

  get numCols(): number {
    return this.colLower.length;
  }

  get numRows(): number {
    return this.rowLower.length;
  }

  get numNonzeros(): number {
    return this.rowIndex.length + this.extraRow.length;
  }

  /**
   * Deletes the rows whose mask entry is 1 (the rest keep their order) and records the mask so a
   * persistent backend can delete the same rows. Only before `addCoefficient` has been used.
   */
  deleteRows(mask: Uint8Array): void {
    if (this.extraRow.length > 0) throw new Error('LpModel.deleteRows after addCoefficient');
    const start = this.rowStart.data;
    const index = this.rowIndex.data;
    const value = this.rowValue.data;
    const lower = this.rowLower.data;
    const upper = this.rowUpper.data;
    let rows = 0;
    let entries = 0;
    for (let r = 0; r < this.numRows; r++) {
      if (mask[r]) continue;
      const from = start[r];
      const to = start[r + 1];
      lower[rows] = lower[r];
      upper[rows] = upper[r];
      start[rows] = entries;
      for (let k = from; k < to; k++) {
        index[entries] = index[k];
        value[entries++] = value[k];
      }
      rows++;
    }
    start[rows] = entries;
    this.rowLower.length = rows;
    this.rowUpper.length = rows;
    this.rowStart.length = rows + 1;
    this.rowIndex.length = entries;
    this.rowValue.length = entries;
    this.deletions.push(mask);
  }

  /** Row activities A x (CSR part only). */
  rowActivity(x: Float64Array): Float64Array {
    const activity = new Float64Array(this.numRows);
    const start = this.rowStart.data;
    const index = this.rowIndex.data;
    const value = this.rowValue.data;
    for (let r = 0; r < this.numRows; r++) {
      let sum = 0;
      for (let k = start[r]; k < start[r + 1]; k++) sum += value[k] * x[index[k]];
      activity[r] = sum;
    }
    return activity;
  }

  /** Adds a column and returns its index. */
  addCol(lower: number, upper: number, cost = 0): number {
    this.colLower.push(lower);
    this.colUpper.push(upper);
    this.colCost.push(cost);
    return this.colLower.length - 1;
  }

  /** Adds a row lower <= sum values[k] * x[indices[k]] <= upper and returns its index. */
  addRow(lower: number, upper: number, indices: ArrayLike<number>, values: ArrayLike<number>): number {
    for (let k = 0; k < indices.length; k++) {
      const value = values[k];
      if (value === 0) continue;
      this.rowIndex.push(indices[k]);
      this.rowValue.push(value);
    }
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    this.rowStart.push(this.rowIndex.length);
    return this.rowLower.length - 1;
  }

  /** Sets a coefficient in an existing row for a column that row does not hold yet. */
  addCoefficient(row: number, col: number, value: number): void {
    this.extraRow.push(row);
    this.extraCol.push(col);
    this.extraValue.push(value);
  }

  setColBounds(col: number, lower: number, upper: number): void {
    this.colLower.data[col] = lower;
    this.colUpper.data[col] = upper;
    this.version++;
  }

  setRowBounds(row: number, lower: number, upper: number): void {
    this.rowLower.data[row] = lower;
    this.rowUpper.data[row] = upper;
    this.version++;
  }

  setColCost(col: number, cost: number): void {
    this.colCost.data[col] = cost;
    this.version++;
  }

  /** Replaces the whole objective: `cost` is dense over the current columns (missing ones are 0). */
  setObjective(cost: ArrayLike<number>, sense: Sense): void {
    const costs = this.colCost.data;
    for (let j = 0; j < this.numCols; j++) costs[j] = j < cost.length ? cost[j] : 0;
    this.sense = sense;
    this.version++;
  }

  /** All entries of row r (CSR part and extra triplets), for backends that rebuild the model. */
  rowEntries(): { start: Int32Array; index: Int32Array; value: Float64Array } {
    const numRows = this.numRows;
    const counts = new Int32Array(numRows + 1);
    const start = this.rowStart.view();
    for (let r = 0; r < numRows; r++) counts[r + 1] = start[r + 1] - start[r];
    const extraRow = this.extraRow.view();
    for (let k = 0; k < extraRow.length; k++) counts[extraRow[k] + 1]++;
    for (let r = 0; r < numRows; r++) counts[r + 1] += counts[r];
    const index = new Int32Array(counts[numRows]);
    const value = new Float64Array(counts[numRows]);
    const fill = counts.slice(0, numRows);
    const rowIndex = this.rowIndex.view();
    const rowValue = this.rowValue.view();
    for (let r = 0; r < numRows; r++) {
      for (let k = start[r]; k < start[r + 1]; k++) {
        index[fill[r]] = rowIndex[k];
        value[fill[r]++] = rowValue[k];
      }
    }
    const extraCol = this.extraCol.view();
    const extraValue = this.extraValue.view();
    for (let k = 0; k < extraRow.length; k++) {
      const r = extraRow[k];
      index[fill[r]] = extraCol[k];
      value[fill[r]++] = extraValue[k];
    }
    return { start: counts, index, value };
  }
}

export type LpStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time-limit' | 'error';

export interface LpSolution {
  status: LpStatus;
  /** Column values (length numCols), meaningful when status is 'optimal'. */
  x: Float64Array;
  objective: number;
  /** Row duals (shadow prices), from backends that report them. */
  rowDual?: Float64Array;
  /** The solver's own words when status is not 'optimal'. */
  detail?: string;
}

export interface LpSolveOptions {
  timeLimitSeconds?: number;
  /**
   * Simplex variant, for backends that offer a choice: 'dual' (default) re-solves fast after rows
   * are added; 'primal' after only the objective changed, as the old optimum is still feasible.
   */
  simplex?: 'dual' | 'primal';
}

/** A solver backend. `solve` may keep state between calls on the same model (warm starts). */
export interface LpBackend {
  readonly name: 'highs' | 'glpk' | 'jsl' | 'clp';
  solve(model: LpModel, options: LpSolveOptions): LpSolution;
  dispose(): void;
}
