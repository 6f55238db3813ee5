// The solver backends behind one interface, chosen by name (`--solver highs|glpk|jsl|clp`).
import { UserError } from '../../common/errors.js';
import type { SolverBackend } from '../types.js';
import type { LpBackend } from './lp-model.js';
import { createHighsBackend } from './highs.js';
import { createGlpkBackend } from './glpk.js';
import { createJslBackend } from './jsl.js';
import { CLP_MISSING, createClpBackend, findClp } from './clp.js';

export const SOLVER_BACKENDS: readonly SolverBackend[] = ['highs', 'glpk', 'jsl', 'clp'];

export function isSolverBackend(name: string): name is SolverBackend {
  return (SOLVER_BACKENDS as readonly string[]).includes(name);
}

/** Ends in one line before the long work when the chosen backend's executable is missing (clp). */
export function checkSolverInstalled(name: SolverBackend): void {
  if (name === 'clp' && findClp() === undefined) throw new UserError(CLP_MISSING, 'clp');
}

export async function createBackend(name: SolverBackend): Promise<LpBackend> {
  switch (name) {
    case 'highs':
      return createHighsBackend();
    case 'glpk':
      return createGlpkBackend();
    case 'jsl':
      return createJslBackend();
    case 'clp':
      return createClpBackend();
    default:
      throw new UserError(
        `--solver ${String(name)}: unknown solver; use one of ${SOLVER_BACKENDS.join(', ')}`,
        String(name),
      );
  }
}

export { LpModel } from './lp-model.js';
export type { LpBackend, LpSolution, LpStatus } from './lp-model.js';
