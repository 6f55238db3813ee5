// The solve module's public API: the mixture LP with lazy constraint generation and its backends.
export type { MixtureEstimate, SolverBackend, UnexplainedMerge } from './types.js';
export { solveMixture } from './solve-mixture.js';
export { estimateMixture, type EstimateMixtureOptions, type EstimatedMixture } from './estimate-mixture.js';
export type { SolveMixtureOptions } from './solve-mixture.js';
export { byteShareOf } from './byte-share.js';
export { SOLVER_BACKENDS, isSolverBackend, createBackend, LpModel } from './backends/index.js';
export type { LpBackend, LpSolution, LpStatus } from './backends/index.js';
export { JSL_MAX_TABLEAU_CELLS } from './backends/jsl.js';
