// The likelihood estimator's objective and its solver. Each attacked merge is a race: the merge m
// and its candidate pairs p have scores β·x(·)/σ, and the merge wins with softmax probability
//   P(m) = 1 / (1 + Σ_p exp(β·d_p)),   d_p = (x(p) − x(m)) / σ,
// so the log-likelihood ℓ(β) = −Σ_t log(1 + Σ_p exp(β·d_tp)) is concave in β. β ≥ 0 holds the
// mixture and the race's sharpness at once: α = β / Σβ, and Σβ is the inverse temperature, fitted
// by the data, capped at `precisionCap` so that noiseless (separable) races keep a maximum.
// Maximised over {β ≥ 0, Σβ ≤ B} by spectral projected gradient; the Frank–Wolfe gap
// max_v ∇ℓ·(v − β) over that set's vertices (0 and B·e_i) bounds ℓ* − ℓ(β) (concavity).

/** The races: for race s, candidates start[s]..start[s+1], each a row of n numbers in `d`. */
export interface SoftmaxRaces {
  n: number;
  start: Uint32Array;
  /** Row k holds d_k (n numbers): (candidate's features − merge's features) / σ of its race. */
  d: Float32Array;
}

export interface RaceFit {
  beta: Float64Array;
  /** The log-likelihood at beta (≤ 0). */
  logLikelihood: number;
  /** Frank–Wolfe gap: ℓ* − ℓ(beta) ≤ gap. */
  gap: number;
  iterations: number;
  /** True when the gap reached the tolerance. */
  converged: boolean;
}

export interface RaceFitOptions {
  /** Cap B on Σβ (the races' largest inverse temperature). */
  precisionCap: number;
  /** Stop once gap ≤ tolerance × max(1, |ℓ|). */
  tolerance?: number;
  maxIterations?: number;
  /** performance.now() time at which to stop with the best point so far. */
  deadline?: number;
  /** Starting point (projected onto the set); default uniform with Σβ = 1. */
  start?: Float64Array;
}

/**
 * Race s's candidate scores z_k = β·d_k into `z` (from index 0) and its log-partition
 * log(1 + Σ_k exp z_k) (the merge's own score is 0), computed without overflow.
 */
function raceScores(races: SoftmaxRaces, beta: Float64Array, s: number, z: Float64Array): number {
  const { n, start, d } = races;
  let top = 0;
  for (let k = start[s]; k < start[s + 1]; k++) {
    let dot = 0;
    const row = k * n;
    for (let i = 0; i < n; i++) dot += beta[i] * d[row + i];
    z[k - start[s]] = dot;
    if (dot > top) top = dot;
  }
  let sum = Math.exp(-top);
  for (let k = start[s]; k < start[s + 1]; k++) sum += Math.exp(z[k - start[s]] - top);
  return top + Math.log(sum);
}

/** ℓ(β) and its gradient (written to `grad`); per-race log-probabilities to `perRace` if given. */
export function raceLogLikelihood(
  races: SoftmaxRaces,
  beta: Float64Array,
  grad: Float64Array,
  perRace?: Float64Array,
): number {
  const { n, start, d } = races;
  grad.fill(0);
  let total = 0;
  const races_ = start.length - 1;
  let z = new Float64Array(64);
  for (let s = 0; s < races_; s++) {
    const a = start[s];
    const b = start[s + 1];
    if (b - a > z.length) z = new Float64Array(2 * (b - a));
    const logZ = raceScores(races, beta, s, z);
    total -= logZ;
    if (perRace) perRace[s] = -logZ;
    for (let k = a; k < b; k++) {
      const weight = Math.exp(z[k - a] - logZ);
      if (weight < 1e-300) continue;
      const row = k * n;
      for (let i = 0; i < n; i++) grad[i] -= weight * d[row + i];
    }
  }
  return total;
}

/** Frank–Wolfe gap of a maximisation over {β ≥ 0, Σβ ≤ B}: max(0, B·max_i g_i) − g·β. */
export function frankWolfeGap(beta: Float64Array, grad: Float64Array, cap: number): number {
  let best = 0;
  let dot = 0;
  for (let i = 0; i < beta.length; i++) {
    if (cap * grad[i] > best) best = cap * grad[i];
    dot += grad[i] * beta[i];
  }
  return Math.max(0, best - dot);
}

/** Euclidean projection onto {β ≥ 0, Σβ ≤ B}, in place. */
export function projectCappedSimplex(beta: Float64Array, cap: number): void {
  let sum = 0;
  for (let i = 0; i < beta.length; i++) {
    if (!(beta[i] > 0)) beta[i] = 0;
    sum += beta[i];
  }
  if (sum <= cap) return;
  // Onto {β ≥ 0, Σβ = B}: subtract the threshold τ with Σ max(0, β_i − τ) = B.
  const sorted = Array.from(beta).sort((x, y) => y - x);
  let cumulative = 0;
  let tau = 0;
  for (let k = 0; k < sorted.length; k++) {
    cumulative += sorted[k];
    const candidate = (cumulative - cap) / (k + 1);
    if (k === sorted.length - 1 || sorted[k + 1] <= candidate) {
      tau = candidate;
      break;
    }
  }
  for (let i = 0; i < beta.length; i++) beta[i] = Math.max(0, beta[i] - tau);
}

/** ℓ's negative Hessian, Σ_t Cov_t(d) under race t's softmax weights (n × n, row-major). */
export function raceCurvature(races: SoftmaxRaces, beta: Float64Array): Float64Array {
  const { n, start, d } = races;
  const h = new Float64Array(n * n);
  const mean = new Float64Array(n);
  let z = new Float64Array(64);
  const nonzero = new Int32Array(n);
  for (let s = 0; s + 1 < start.length; s++) {
    const a = start[s];
    const b = start[s + 1];
    if (b - a > z.length) z = new Float64Array(2 * (b - a));
    const logZ = raceScores(races, beta, s, z);
    mean.fill(0);
    for (let k = a; k < b; k++) {
      const w = Math.exp(z[k - a] - logZ);
      if (w < 1e-12) continue;
      // Σ w d dᵀ over the row's nonzero entries only (rows are sparse at large n).
      let count = 0;
      for (let i = 0; i < n; i++) if (d[k * n + i] !== 0) nonzero[count++] = i;
      for (let x = 0; x < count; x++) {
        const i = nonzero[x];
        const wi = w * d[k * n + i];
        mean[i] += wi;
        for (let y = 0; y < count; y++) h[i * n + nonzero[y]] += wi * d[k * n + nonzero[y]];
      }
    }
    for (let i = 0; i < n; i++) {
      if (mean[i] === 0) continue;
      for (let j = 0; j < n; j++) h[i * n + j] -= mean[i] * mean[j];
    }
  }
  return h;
}

/** Solves (A + μI) x = b for a symmetric positive semi-definite A by Cholesky; null if it fails. */
function solveDamped(a: Float64Array, b: Float64Array, size: number, mu: number): Float64Array | null {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * size + j] + (i === j ? mu : 0);
      for (let k = 0; k < j; k++) sum -= l[i * size + k] * l[j * size + k];
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i * size + i] = Math.sqrt(sum);
      } else l[i * size + j] = sum / l[j * size + j];
    }
  }
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * size + k] * y[k];
    y[i] = sum / l[i * size + i];
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < size; k++) sum -= l[k * size + i] * x[k];
    x[i] = sum / l[i * size + i];
  }
  return x;
}

/**
 * Maximises ℓ over {β ≥ 0, Σβ ≤ B} by projected Newton steps (Bertsekas: the coordinates at 0
 * whose gradient points out stay fixed; the others take a damped Newton step; the step is
 * projected back onto the set and shortened until it gains by the Armijo margin), falling back to
 * a projected gradient step when Newton's does not gain. Stops at the tolerance on the
 * Frank–Wolfe gap, the iteration cap or the deadline; returns the best point seen.
 */
export function fitRaces(races: SoftmaxRaces, options: RaceFitOptions): RaceFit {
  const { n } = races;
  const cap = options.precisionCap;
  const tolerance = options.tolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 200;
  const deadline = options.deadline ?? Infinity;
  let beta = options.start ? Float64Array.from(options.start) : new Float64Array(n).fill(1 / n);
  projectCappedSimplex(beta, cap);
  let grad = new Float64Array(n);
  let value = raceLogLikelihood(races, beta, grad);
  let gap = frankWolfeGap(beta, grad, cap);
  let iterations = 0;
  const trial = new Float64Array(n);
  const trialGrad = new Float64Array(n);
  const done = () => gap <= tolerance * Math.max(1, Math.abs(value));
  while (!done() && iterations < maxIterations && performance.now() <= deadline) {
    iterations++;
    const curvature = raceCurvature(races, beta);
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (beta[i] > 1e-12 || grad[i] > 0) free.push(i);
    const size = free.length;
    const a = new Float64Array(size * size);
    const b = new Float64Array(size);
    let trace = 0;
    free.forEach((i, x) => {
      b[x] = grad[i];
      trace += curvature[i * n + i];
      free.forEach((j, y) => (a[x * size + y] = curvature[i * n + j]));
    });
    let direction: Float64Array | null = null;
    let damping = 0;
    for (let mu = 1e-10 * Math.max(trace, 1e-12); mu < 1e6 * Math.max(trace, 1); mu *= 100) {
      direction = solveDamped(a, b, size, mu);
      damping = mu;
      if (direction) break;
    }
    // At the cap, when the step would add mass: Newton within Σβ = B (the step's components sum to 0).
    const mass = beta.reduce((sum, v) => sum + v, 0);
    if (direction && mass >= cap * (1 - 1e-9) && direction.reduce((sum, v) => sum + v, 0) > 0) {
      const along = solveDamped(a, new Float64Array(size).fill(1), size, damping);
      if (along) {
        const ratio = direction.reduce((sum, v) => sum + v, 0) / along.reduce((sum, v) => sum + v, 0);
        direction = direction.map((v, x) => v - ratio * along[x]);
      }
    }
    let improved = false;
    for (const kind of ['newton', 'gradient'] as const) {
      const step = new Float64Array(n);
      if (kind === 'newton') {
        if (!direction) continue;
        free.forEach((i, x) => (step[i] = direction![x]));
      } else {
        const norm = Math.sqrt(grad.reduce((sum, g) => sum + g * g, 0));
        for (let i = 0; i < n; i++) step[i] = (grad[i] / Math.max(norm, 1e-300)) * Math.max(mass, 1);
      }
      for (let lambda = 1, back = 0; back < 50; back++, lambda /= 2) {
        for (let i = 0; i < n; i++) trial[i] = beta[i] + lambda * step[i];
        projectCappedSimplex(trial, cap);
        let gain = 0;
        for (let i = 0; i < n; i++) gain += grad[i] * (trial[i] - beta[i]);
        if (!(gain > 0)) continue;
        const next = raceLogLikelihood(races, trial, trialGrad);
        if (next >= value + 1e-4 * gain) {
          beta = Float64Array.from(trial);
          grad = Float64Array.from(trialGrad);
          value = next;
          improved = true;
          break;
        }
      }
      if (improved) break;
    }
    gap = frankWolfeGap(beta, grad, cap);
    if (!improved) break;
  }
  return { beta, logLikelihood: value, gap, iterations, converged: done() };
}
