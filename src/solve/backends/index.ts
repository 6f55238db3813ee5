// The solver backends behind one interface, chosen by name (`--solver highs|glpk|jsl`).
import { UserError } from '../../common/errors.js';
import type { SolverBackend } from '../types.js';
import type { LpBackend } from './lp-model.js';
import { createHighsBackend } from './highs.js';
import { createGlpkBackend } from './glpk.js';
import { createJslBackend } from './jsl.js';

export const SOLVER_BACKENDS: readonly SolverBackend[] = ['highs', 'glpk', 'jsl'];

export function isSolverBackend(name: string): name is SolverBackend {
  return (SOLVER_BACKENDS as readonly string[]).includes(name);
}

export async function createBackend(name: SolverBackend): Promise<LpBackend> {
  switch (name) {
    case 'highs':
      return createHighsBackend();
    case 'glpk':
      return createGlpkBackend();
    case 'jsl':
      return createJslBackend();
    default:
      throw new UserError(
        `--solver ${String(name)}: unknown solver; use one of ${SOLVER_BACKENDS.join(', ')}`,
        String(name),
      );
  }
}

export { LpModel } from './lp-model.js';
export type { LpBackend, LpSolution, LpStatus } from './lp-model.js';
