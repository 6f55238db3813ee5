// The native backend: COIN-OR's `clp` executable (Debian package coinor-clp), used when installed and
// never required. Each solve writes the LP as free MPS into a private temp folder, runs clp there
// (killed past the time limit) and reads back its binary solution file (full doubles, row duals).
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../../common/errors.js';
import { ownedTempDir, removeOwnedTempDir } from '../../common/process-cleanup.js';
import type { LpBackend, LpModel, LpSolution, LpSolveOptions } from './lp-model.js';

export const CLP_MISSING =
  '--solver clp: the clp executable (Debian package coinor-clp) is not installed; use --solver highs';

/** The `clp` executable on `path` (PATH's syntax), or undefined. */
export function findClp(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, 'clp');
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ClpSettings {
  /** Start each solve from the previous solve's basis (clp's -basisIn / -basisOut). */
  warmStart: boolean;
  /** clp's presolve (clp's own default is on). */
  presolve: boolean;
}

/** bench/clp.ts, gpt-4o default T = 1,000: warm 20.8 s certified, warm without presolve 17.5 s, cold
 * stopped at its 60 s limit uncertified (HiGHS 10.9 s). */
export const DEFAULT_CLP_SETTINGS: ClpSettings = { warmStart: true, presolve: false };

/** `settings` are for bench/clp.ts, which measures them; users get the defaults. */
export async function createClpBackend(settings: Partial<ClpSettings> = {}): Promise<LpBackend> {
  const executable = findClp();
  if (executable === undefined) throw new UserError(CLP_MISSING, 'clp');
  return new ClpBackend(executable, { ...DEFAULT_CLP_SETTINGS, ...settings });
}

/** Seconds clp gets past its own limit (reading the MPS, writing the solution) before it is killed. */
const KILL_GRACE_SECONDS = 5;
/** clp prints its iteration log; a bound on what is kept of it. */
const MAX_LOG_BYTES = 64 << 20;

/** Buffered writes of text to a file, so a large MPS is never one string. */
class TextSink {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length > 0) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Writes `model` as free MPS (rows R<rowIds[r]>, default R<r>; columns C<j>). A maximization is
 * written as minimizing -cost (free MPS has no portable sense); the caller negates back.
 */
export function writeFreeMps(model: LpModel, file: string, rowIds?: ArrayLike<number>): void {
  const numRows = model.numRows;
  const numCols = model.numCols;
  const sign = model.sense === 'max' ? -1 : 1;
  const { start, index, value } = model.rowEntries();
  // Column-major copy of A (MPS lists coefficients by column).
  const colStart = new Int32Array(numCols + 1);
  for (let k = 0; k < index.length; k++) colStart[index[k] + 1]++;
  for (let j = 0; j < numCols; j++) colStart[j + 1] += colStart[j];
  const colRow = new Int32Array(index.length);
  const colValue = new Float64Array(index.length);
  const fill = colStart.slice(0, numCols);
  for (let r = 0; r < numRows; r++) {
    for (let k = start[r]; k < start[r + 1]; k++) {
      const at = fill[index[k]]++;
      colRow[at] = r;
      colValue[at] = value[k];
    }
  }
  const lower = model.rowLower.data;
  const upper = model.rowUpper.data;
  const R = Array.from({ length: numRows }, (_, r) => `R${rowIds ? rowIds[r] : r}`);
  const fd = openSync(file, 'w');
  try {
    const out = new TextSink(fd);
    out.write('NAME tokmix FREE\nROWS\n N obj\n');
    for (let r = 0; r < numRows; r++) {
      const hasLower = lower[r] !== Number.NEGATIVE_INFINITY;
      const hasUpper = upper[r] !== Number.POSITIVE_INFINITY;
      // A free row is written as >= -1e30, clp's minus infinity, so row numbers stay aligned.
      const type = hasLower && hasUpper ? (lower[r] === upper[r] ? 'E' : 'G') : hasUpper ? 'L' : 'G';
      out.write(` ${type} ${R[r]}\n`);
    }
    out.write('COLUMNS\n');
    const cost = model.colCost.data;
    for (let j = 0; j < numCols; j++) {
      if (cost[j] !== 0 || colStart[j] === colStart[j + 1]) out.write(` C${j} obj ${sign * cost[j]}\n`);
      for (let k = colStart[j]; k < colStart[j + 1]; k++)
        out.write(` C${j} ${R[colRow[k]]} ${colValue[k]}\n`);
    }
    out.write('RHS\n');
    const ranges: string[] = [];
    for (let r = 0; r < numRows; r++) {
      const hasLower = lower[r] !== Number.NEGATIVE_INFINITY;
      const hasUpper = upper[r] !== Number.POSITIVE_INFINITY;
      if (hasLower) {
        if (lower[r] !== 0) out.write(` rhs ${R[r]} ${lower[r]}\n`);
        if (hasUpper && upper[r] !== lower[r]) ranges.push(` rng ${R[r]} ${upper[r] - lower[r]}\n`);
      } else if (hasUpper) {
        if (upper[r] !== 0) out.write(` rhs ${R[r]} ${upper[r]}\n`);
      } else {
        out.write(` rhs ${R[r]} -1e30\n`);
      }
    }
    if (ranges.length > 0) {
      out.write('RANGES\n');
      for (const line of ranges) out.write(line);
    }
    out.write('BOUNDS\n');
    const colLower = model.colLower.data;
    const colUpper = model.colUpper.data;
    for (let j = 0; j < numCols; j++) {
      const lo = colLower[j];
      const up = colUpper[j];
      if (lo === up) {
        out.write(` FX bnd C${j} ${lo}\n`);
        continue;
      }
      if (lo === Number.NEGATIVE_INFINITY && up === Number.POSITIVE_INFINITY) {
        out.write(` FR bnd C${j}\n`);
        continue;
      }
      // UP before LO: a negative UP read while the lower bound is still 0 would make it -infinity.
      if (up !== Number.POSITIVE_INFINITY) out.write(` UP bnd C${j} ${up}\n`);
      if (lo === Number.NEGATIVE_INFINITY) out.write(` MI bnd C${j}\n`);
      else if (lo !== 0 || up < 0) out.write(` LO bnd C${j} ${lo}\n`);
    }
    out.write('ENDATA\n');
    out.flush();
  } finally {
    closeSync(fd);
  }
}

/** clp's words for the model status, as its driver prints them ("<status> - objective value z"). */
function statusOf(log: string): LpSolution['status'] | undefined {
  const matches = [...log.matchAll(/^(.*?) - objective value/gm)];
  const last = matches.at(-1)?.[1].trim();
  if (last === undefined) return undefined;
  if (last === 'Optimal') return 'optimal';
  if (/^Primal infeasible/.test(last)) return 'infeasible';
  if (/^Dual infeasible/.test(last)) return 'unbounded';
  // A limit reached prints "Stopped" (seen with -seconds) or "Stopped on iterations or time".
  if (last === 'Stopped' || /^Stopped on (iterations|time)/.test(last)) return 'time-limit';
  return 'error';
}

class ClpBackend implements LpBackend {
  readonly name = 'clp' as const;
  /** The model the row names below belong to. */
  private synced?: LpModel;
  /** A name per row of `synced` that stays with the row through deletions, so a basis carries over. */
  private rowIds: number[] = [];
  private nextId = 0;
  private deletions = 0;
  /** clp's last basis (MPS basis file text), for the next solve's -basisIn. */
  private basis?: string;

  constructor(
    private readonly executable: string,
    private readonly settings: ClpSettings,
  ) {}

  solve(model: LpModel, options: LpSolveOptions): LpSolution {
    this.sync(model);
    const folder = ownedTempDir('clp');
    try {
      const mps = join(folder, 'model.mps');
      const solutionFile = join(folder, 'solution.bin');
      const basisIn = join(folder, 'in.bas');
      const basisOut = join(folder, 'out.bas');
      writeFreeMps(model, mps, this.rowIds);
      const limit = options.timeLimitSeconds;
      const bounded = limit !== undefined && Number.isFinite(limit);
      // HiGHS's primal tolerance here (1e-9, clp's default 1e-7): the sweep tests rows at the LP's answer.
      const args = [mps, '-timeMode', 'elapsed', '-primalTolerance', '1e-9'];
      if (!this.settings.presolve) args.push('-presolve', 'off');
      if (this.settings.warmStart && this.basis !== undefined) {
        writeFileSync(basisIn, this.liveBasis(this.basis));
        args.push('-basisIn', basisIn);
      }
      if (bounded) args.push('-seconds', String(Math.max(0.01, limit)));
      args.push(options.simplex === 'primal' ? '-primalSimplex' : '-dualSimplex');
      if (this.settings.warmStart) args.push('-basisOut', basisOut);
      args.push('-saveSolution', solutionFile);
      const run = spawnSync(this.executable, args, {
        cwd: folder,
        encoding: 'utf8',
        maxBuffer: MAX_LOG_BYTES,
        killSignal: 'SIGKILL',
        ...(bounded ? { timeout: Math.ceil((limit * 1.1 + KILL_GRACE_SECONDS) * 1000) } : {}),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.basis = undefined;
      if (run.error) {
        const code = (run.error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new UserError(CLP_MISSING, 'clp');
        if (code === 'ETIMEDOUT') return failed(model, 'time-limit', 'clp: killed past the time limit');
        return failed(model, 'error', `clp: ${run.error.message}`);
      }
      if (run.signal) return failed(model, 'error', `clp: ended by ${run.signal}`);
      const status = statusOf(run.stdout);
      if (status === undefined) {
        const said = (run.stderr || run.stdout).trim().split('\n').at(-1) ?? '';
        return failed(model, 'error', `clp: no solution status (exit ${run.status}; ${said})`);
      }
      if (status === 'infeasible') return failed(model, status, 'clp: primal infeasible');
      if (status === 'unbounded') return failed(model, status, 'clp: dual infeasible (unbounded)');
      if (status === 'time-limit') return failed(model, status, 'clp: time limit reached');
      if (status !== 'optimal') return failed(model, status, 'clp: stopped on errors');
      if (this.settings.warmStart && existsSync(basisOut)) this.basis = readFileSync(basisOut, 'utf8');
      return readSolution(model, readFileSync(solutionFile));
    } finally {
      removeOwnedTempDir(folder);
    }
  }

  /** Follows the model's row deletions and additions since the last solve, keeping each row's name. */
  private sync(model: LpModel): void {
    if (this.synced !== model) {
      this.synced = model;
      this.rowIds = [];
      this.deletions = model.deletions.length;
      this.basis = undefined;
    }
    for (; this.deletions < model.deletions.length; this.deletions++) {
      const mask = model.deletions[this.deletions];
      // Rows added since the last solve come last: they get their names before the mask applies.
      while (this.rowIds.length < mask.length) this.rowIds.push(this.nextId++);
      if (mask.length !== this.rowIds.length) {
        this.rowIds = [];
        this.basis = undefined;
        continue;
      }
      this.rowIds = this.rowIds.filter((_, r) => !mask[r]);
    }
    if (this.rowIds.length > model.numRows) {
      this.rowIds = [];
      this.basis = undefined;
    }
    while (this.rowIds.length < model.numRows) this.rowIds.push(this.nextId++);
  }

  /**
   * The basis without the rows deleted since it was written: a deleted nonbasic row takes its
   * paired basic column with it (that column becomes nonbasic), so the basis stays square.
   */
  private liveBasis(basis: string): string {
    const live = new Set(this.rowIds.map((id) => `R${id}`));
    return basis
      .split('\n')
      .filter((line) => {
        if (!line.startsWith(' ')) return true;
        const names = line.trim().split(/\s+/).slice(1, 3);
        return names.every((name) => !/^R\d+$/.test(name) || live.has(name));
      })
      .join('\n');
  }

  dispose(): void {
    this.synced = undefined;
    this.basis = undefined;
  }
}

/**
 * clp's binary solution file (CbcOrClpParam.cpp): int rows, int columns, double objective, then
 * row activities, row duals, column values and reduced costs.
 */
function readSolution(model: LpModel, bytes: Buffer): LpSolution {
  const rows = bytes.readInt32LE(0);
  const cols = bytes.readInt32LE(4);
  if (rows !== model.numRows || cols !== model.numCols || bytes.length < 16 + 8 * (2 * rows + 2 * cols)) {
    return failed(
      model,
      'error',
      `clp: solution file holds ${rows} rows x ${cols} columns, expected ${model.numRows} x ${model.numCols}`,
    );
  }
  const doubles = new Float64Array(
    bytes.buffer.slice(bytes.byteOffset + 8, bytes.byteOffset + 16 + 8 * (2 * rows + 2 * cols)),
  );
  const sign = model.sense === 'max' ? -1 : 1;
  const rowDual = doubles.slice(1 + rows, 1 + 2 * rows);
  if (sign < 0) for (let r = 0; r < rows; r++) rowDual[r] = -rowDual[r];
  const x = doubles.slice(1 + 2 * rows, 1 + 2 * rows + cols);
  return { status: 'optimal', x, rowDual, objective: sign * doubles[0] };
}

function failed(model: LpModel, status: LpSolution['status'], detail: string): LpSolution {
  return { status, detail, x: new Float64Array(model.numCols), objective: Number.NaN };
}
