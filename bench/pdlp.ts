// A first-order method for the large LP (issue 16): restarted PDHG in the style of PDLP (Applegate
// et al. 2021) on the LP the lazy search holds at its end, cold and warm-started from the search's
// optimum, against HiGHS's cold solve of the same LP. Measurement only; nothing in src/ uses it.
// Usage: node dist/bench/pdlp.js infer <tokenizer> <T> [--set default] | synthetic <n> <T>
//        [--time-limit S (search and HiGHS; default 300)] [--pdhg-limit S (each PDHG run; default
//        the time limit)] [--target 1e-6 (stop once rel primal, dual and gap are all below)]
//        [--runs cold,warm]
import { createBackend, type LpModel } from '../src/solve/backends/index.js';
import { benchArgs, heldLp } from './held-lp.js';

const { flag, positional } = benchArgs();
const [kind, what, TArg] = positional;
if ((kind !== 'infer' && kind !== 'synthetic') || !what || !TArg) {
  console.error(
    'usage: pdlp.js infer <tokenizer> <T> | synthetic <n> <T> [--time-limit S] [--pdhg-limit S] [--target E] [--runs cold,warm]',
  );
  process.exit(2);
}
const timeLimit = Number(flag('--time-limit') ?? 300);
const pdhgLimit = Number(flag('--pdhg-limit') ?? timeLimit);
const target = Number(flag('--target') ?? 1e-6);
const runs = (flag('--runs') ?? 'cold,warm').split(',');

/** l <= A x <= u, x in [lb, ub], min c.x: CSR, free rows left out. `simplexRow` indexes the kept rows. */
interface Lp {
  m: number;
  n: number;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
  l: Float64Array;
  u: Float64Array;
  lb: Float64Array;
  ub: Float64Array;
  c: Float64Array;
  simplexRow: number;
  shares: number;
}

function extract(model: LpModel, simplexRow: number, shares: number): Lp {
  const all = model.rowEntries();
  const lower = model.rowLower.view();
  const upper = model.rowUpper.view();
  const kept: number[] = [];
  let nnz = 0;
  for (let r = 0; r < model.numRows; r++) {
    if (lower[r] === -Infinity && upper[r] === Infinity) continue;
    if (lower[r] !== upper[r] && Number.isFinite(lower[r]) && Number.isFinite(upper[r]))
      throw new Error('pdlp bench: two-sided rows are not handled');
    kept.push(r);
    nnz += all.start[r + 1] - all.start[r];
  }
  const m = kept.length;
  const start = new Int32Array(m + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  const l = new Float64Array(m);
  const u = new Float64Array(m);
  let at = 0;
  let simplex = -1;
  kept.forEach((r, i) => {
    if (r === simplexRow) simplex = i;
    l[i] = lower[r];
    u[i] = upper[r];
    for (let k = all.start[r]; k < all.start[r + 1]; k++) {
      index[at] = all.index[k];
      value[at++] = all.value[k];
    }
    start[i + 1] = at;
  });
  return {
    m,
    n: model.numCols,
    start,
    index,
    value,
    l,
    u,
    lb: model.colLower.view().slice(),
    ub: model.colUpper.view().slice(),
    c: model.colCost.view().slice(),
    simplexRow: simplex,
    shares,
  };
}

function mulA(p: Lp, x: Float64Array, out: Float64Array): void {
  const { start, index, value } = p;
  for (let r = 0; r < p.m; r++) {
    let s = 0;
    for (let k = start[r]; k < start[r + 1]; k++) s += value[k] * x[index[k]];
    out[r] = s;
  }
}

function mulAT(p: Lp, y: Float64Array, out: Float64Array): void {
  const { start, index, value } = p;
  out.fill(0);
  for (let r = 0; r < p.m; r++) {
    const yr = y[r];
    if (yr === 0) continue;
    for (let k = start[r]; k < start[r + 1]; k++) out[index[k]] += value[k] * yr;
  }
}

/** Ruiz (10 passes, infinity norm) then Pock-Chambolle (alpha = 1): returns the scaled copy and D_r, D_c. */
function precondition(p: Lp): { s: Lp; dr: Float64Array; dc: Float64Array } {
  const value = p.value.slice();
  const dr = new Float64Array(p.m).fill(1);
  const dc = new Float64Array(p.n).fill(1);
  const rowNorm = new Float64Array(p.m);
  const colNorm = new Float64Array(p.n);
  const apply = () => {
    for (let r = 0; r < p.m; r++) {
      const rs = rowNorm[r] > 0 ? 1 / Math.sqrt(rowNorm[r]) : 1;
      dr[r] *= rs;
      rowNorm[r] = rs;
    }
    for (let j = 0; j < p.n; j++) {
      const cs = colNorm[j] > 0 ? 1 / Math.sqrt(colNorm[j]) : 1;
      dc[j] *= cs;
      colNorm[j] = cs;
    }
    for (let r = 0; r < p.m; r++)
      for (let k = p.start[r]; k < p.start[r + 1]; k++) value[k] *= rowNorm[r] * colNorm[p.index[k]];
  };
  for (let pass = 0; pass < 11; pass++) {
    rowNorm.fill(0);
    colNorm.fill(0);
    for (let r = 0; r < p.m; r++)
      for (let k = p.start[r]; k < p.start[r + 1]; k++) {
        const a = Math.abs(value[k]);
        const j = p.index[k];
        if (pass < 10) {
          if (a > rowNorm[r]) rowNorm[r] = a;
          if (a > colNorm[j]) colNorm[j] = a;
        } else {
          rowNorm[r] += a;
          colNorm[j] += a;
        }
      }
    apply();
  }
  const s: Lp = {
    ...p,
    value,
    l: p.l.map((v, r) => v * dr[r]),
    u: p.u.map((v, r) => v * dr[r]),
    lb: p.lb.map((v, j) => v / dc[j]),
    ub: p.ub.map((v, j) => v / dc[j]),
    c: p.c.map((v, j) => v * dc[j]),
  };
  return { s, dr, dc };
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const norm2 = (a: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
};

interface Quality {
  relPrimal: number;
  /** The largest row violation, in the model's units (about one pair occurrence = 1). */
  maxViolation: number;
  relDual: number;
  relGap: number;
  primalObjective: number;
  dualObjective: number;
  lowerBound: number;
}

/**
 * Convergence measures in the original space (PDLP's: l2 residuals over 1 + the l2 norm of the
 * bounds / costs; gap over 1 + |primal| + |dual|) and a valid lower bound: the Lagrangian of the
 * rows other than the simplex row, y clipped to its sign, scaled down by the least s <= 1 that
 * makes every column unbounded above have a reduced cost >= 0, then minimised over the simplex
 * (the share columns) and each other column's box.
 */
function quality(
  p: Lp,
  dr: Float64Array,
  dc: Float64Array,
  xs: Float64Array,
  ys: Float64Array,
  axs: Float64Array,
  atys: Float64Array,
  bNorm: number,
  cNorm: number,
): Quality {
  let viol = 0;
  let maxViol = 0;
  let dualRows = 0;
  for (let r = 0; r < p.m; r++) {
    const ax = axs[r] / dr[r];
    const v = Math.max(p.l[r] - ax, 0) + Math.max(ax - p.u[r], 0);
    viol += v * v;
    if (v > maxViol) maxViol = v;
    const y = ys[r] * dr[r];
    if (y > 0) dualRows += Number.isFinite(p.l[r]) ? y * p.l[r] : -Infinity;
    else if (y < 0) dualRows += Number.isFinite(p.u[r]) ? y * p.u[r] : -Infinity;
  }
  let primal = 0;
  let dualCols = 0;
  let dres = 0;
  for (let j = 0; j < p.n; j++) {
    const x = xs[j] * dc[j];
    primal += p.c[j] * x;
    const lambda = p.c[j] - atys[j] / dc[j];
    const lo = Number.isFinite(p.lb[j]);
    const hi = Number.isFinite(p.ub[j]);
    if (lambda > 0) {
      if (lo) dualCols += lambda * p.lb[j];
      else dres += lambda * lambda;
    } else if (lambda < 0) {
      if (hi) dualCols += lambda * p.ub[j];
      else dres += lambda * lambda;
    }
  }
  const dual = dualRows + dualCols;
  // The valid bound: y on the rows other than the simplex row, sign-clipped and scaled by s.
  const simplexDual = p.simplexRow >= 0 ? ys[p.simplexRow] * dr[p.simplexRow] : 0;
  let s = 1;
  let rowTerm = 0;
  for (let r = 0; r < p.m; r++) {
    if (r === p.simplexRow) continue;
    const y = ys[r] * dr[r];
    if (y > 0 && Number.isFinite(p.l[r])) rowTerm += y * p.l[r];
    else if (y < 0 && Number.isFinite(p.u[r])) rowTerm += y * p.u[r];
  }
  // A^T y without the simplex row (it enters only the share columns, with coefficient 1), and
  // without wrongly signed entries (assumed absent: y's projection keeps every sign).
  const aty = (j: number) => atys[j] / dc[j] - (j < p.shares ? simplexDual : 0);
  for (let j = p.shares; j < p.n; j++) {
    const g = aty(j);
    if (!Number.isFinite(p.ub[j]) && g > p.c[j]) s = Math.min(s, p.c[j] > 0 ? p.c[j] / g : 0);
    if (!Number.isFinite(p.lb[j]) && g < p.c[j]) s = Math.min(s, p.c[j] < 0 ? p.c[j] / g : 0);
  }
  let bound = s * rowTerm;
  let bestShare = Infinity;
  for (let j = 0; j < p.shares; j++) bestShare = Math.min(bestShare, p.c[j] - s * aty(j));
  bound += bestShare;
  for (let j = p.shares; j < p.n; j++) {
    const red = p.c[j] - s * aty(j);
    if (red > 0) bound += red * p.lb[j];
    else if (red < 0) bound += red * p.ub[j];
  }
  return {
    relPrimal: Math.sqrt(viol) / (1 + bNorm),
    maxViolation: maxViol,
    relDual: Math.sqrt(dres) / (1 + cNorm),
    relGap: Math.abs(primal - dual) / (1 + Math.abs(primal) + Math.abs(dual)),
    primalObjective: primal,
    dualObjective: dual,
    lowerBound: Number.isNaN(bound) ? -Infinity : bound,
  };
}

/** A PDHG point with its products, in the scaled space. */
class Point {
  x: Float64Array;
  y: Float64Array;
  ax: Float64Array;
  aty: Float64Array;
  constructor(n: number, m: number) {
    this.x = new Float64Array(n);
    this.y = new Float64Array(m);
    this.ax = new Float64Array(m);
    this.aty = new Float64Array(n);
  }
  copy(from: Point): void {
    this.x.set(from.x);
    this.y.set(from.y);
    this.ax.set(from.ax);
    this.aty.set(from.aty);
  }
}

function pdhg(original: Lp, x0: Float64Array | undefined, label: string, optimum: number) {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const { s: p, dr, dc } = precondition(original);
  const { m, n } = p;
  const bFinite = (l: Float64Array, u: Float64Array) => {
    let sum = 0;
    for (let r = 0; r < l.length; r++) {
      const b = Number.isFinite(l[r]) ? l[r] : Number.isFinite(u[r]) ? u[r] : 0;
      sum += b * b;
    }
    return Math.sqrt(sum);
  };
  const bNormOrig = bFinite(original.l, original.u);
  const cNormOrig = norm2(original.c);
  // Dual domain and rhs of the gap function (every kept row has one finite side or l = u).
  const yLo = new Float64Array(m);
  const yHi = new Float64Array(m);
  const rhs = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const lo = Number.isFinite(p.l[r]);
    const hi = Number.isFinite(p.u[r]);
    yLo[r] = lo && !hi ? 0 : -Infinity;
    yHi[r] = hi && !lo ? 0 : Infinity;
    rhs[r] = lo ? p.l[r] : p.u[r];
  }
  let maxA = 0;
  for (let k = 0; k < p.value.length; k++) maxA = Math.max(maxA, Math.abs(p.value[k]));
  let eta = 1 / maxA;
  const bn = bFinite(p.l, p.u);
  const cn = norm2(p.c);
  let omega = bn > 1e-10 && cn > 1e-10 ? cn / bn : 1;

  let cur = new Point(n, m);
  let next = new Point(n, m);
  if (x0) for (let j = 0; j < n; j++) cur.x[j] = clamp(x0[j] / dc[j], p.lb[j], p.ub[j]);
  mulA(p, cur.x, cur.ax);
  const start = new Point(n, m);
  start.copy(cur);
  const avg = new Point(n, m);
  let weight = 0;
  const sum = new Point(n, m);

  const omegaNorm = (a: Point, b: Point) => {
    let dx = 0;
    let dy = 0;
    for (let j = 0; j < n; j++) dx += (a.x[j] - b.x[j]) ** 2;
    for (let r = 0; r < m; r++) dy += (a.y[r] - b.y[r]) ** 2;
    return { dx: Math.sqrt(dx), dy: Math.sqrt(dy), w: Math.sqrt(omega * dx + dy / omega) };
  };
  /** Normalized duality gap of z over the omega-ball around `centre` of radius |z - centre|. */
  const normalizedGap = (z: Point, centre: Point): number => {
    const r = omegaNorm(z, centre).w;
    if (r <= 0) return Infinity;
    // max g.(w - z) over the box, |w - z|_omega <= r; g_x = A^T y - c, g_y = b - A x.
    const dist = (t: number): { d: number; v: number } => {
      let d = 0;
      let v = 0;
      for (let j = 0; j < n; j++) {
        const g = z.aty[j] - p.c[j];
        const step = clamp(z.x[j] + (t * g) / omega, p.lb[j], p.ub[j]) - z.x[j];
        d += omega * step * step;
        v += g * step;
      }
      for (let i = 0; i < m; i++) {
        const g = rhs[i] - z.ax[i];
        const step = clamp(z.y[i] + t * omega * g, yLo[i], yHi[i]) - z.y[i];
        d += (step * step) / omega;
        v += g * step;
      }
      return { d: Math.sqrt(d), v };
    };
    let hi = 1;
    let at = dist(hi);
    for (let k = 0; k < 60 && at.d < r; k++) {
      const again = dist((hi *= 4));
      if (again.d <= at.d * (1 + 1e-12)) return again.v / r; // the box bounds the whole step
      at = again;
    }
    let lo = 0;
    let best = 0;
    for (let k = 0; k < 24; k++) {
      const mid = (lo + hi) / 2;
      const here = dist(mid);
      if (here.d <= r) {
        lo = mid;
        best = here.v;
      } else hi = mid;
    }
    return best / r;
  };

  const marks = [10, 30, 100, 300, 1000];
  const levels = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6];
  let nextMark = 0;
  let nextLevel = 0;
  let bestBound = -Infinity;
  let iterations = 0;
  let accepted = 0;
  let restarts = 0;
  let periodStart = 0;
  let lastRestartGap = Infinity;
  let previousCandidateGap = Infinity;
  const lines: string[] = [];
  const report = (why: string, q: Quality) => {
    const line = [
      label,
      why,
      iterations,
      restarts,
      elapsed().toFixed(1),
      q.relPrimal.toExponential(2),
      q.maxViolation.toExponential(2),
      q.relDual.toExponential(2),
      q.relGap.toExponential(2),
      q.primalObjective.toPrecision(9),
      ((q.primalObjective - optimum) / Math.abs(optimum)).toExponential(2),
      bestBound.toPrecision(9),
      ((optimum - bestBound) / Math.abs(optimum)).toExponential(2),
    ].join('\t');
    console.log(line);
    lines.push(line);
  };
  const measure = (z: Point) => quality(original, dr, dc, z.x, z.y, z.ax, z.aty, bNormOrig, cNormOrig);
  const worst = (q: Quality) => Math.max(q.relPrimal, q.relDual, q.relGap);
  let last: Quality = measure(cur);
  report('start', last);

  for (;;) {
    // One adaptive PDHG step (PDLP's step-size rule).
    for (;;) {
      const tau = eta / omega;
      const sigma = eta * omega;
      for (let j = 0; j < n; j++) next.x[j] = clamp(cur.x[j] - tau * (p.c[j] - cur.aty[j]), p.lb[j], p.ub[j]);
      mulA(p, next.x, next.ax);
      for (let r = 0; r < m; r++) {
        // prox of the rows' bound term: y = w + sigma * clamp(-w / sigma, l, u), exactly 0 inside.
        const w = cur.y[r] - sigma * (2 * next.ax[r] - cur.ax[r]);
        const v = -w / sigma;
        next.y[r] = v < p.l[r] ? w + sigma * p.l[r] : v > p.u[r] ? w + sigma * p.u[r] : 0;
      }
      mulAT(p, next.y, next.aty);
      let dx = 0;
      let dy = 0;
      let cross = 0;
      for (let j = 0; j < n; j++) dx += (next.x[j] - cur.x[j]) ** 2;
      for (let r = 0; r < m; r++) {
        const d = next.y[r] - cur.y[r];
        dy += d * d;
        cross += d * (next.ax[r] - cur.ax[r]);
      }
      iterations++;
      const limit = cross !== 0 ? (omega * dx + dy / omega) / (2 * Math.abs(cross)) : Infinity;
      const proposed = Math.min((1 - (iterations + 1) ** -0.3) * limit, (1 + (iterations + 1) ** -0.6) * eta);
      if (eta <= limit) {
        const used = eta;
        eta = proposed;
        accepted++;
        weight += used;
        for (let j = 0; j < n; j++) {
          sum.x[j] += used * next.x[j];
          sum.aty[j] += used * next.aty[j];
        }
        for (let r = 0; r < m; r++) {
          sum.y[r] += used * next.y[r];
          sum.ax[r] += used * next.ax[r];
        }
        break;
      }
      eta = proposed;
    }
    [cur, next] = [next, cur];
    if (accepted % 64 !== 0) continue;
    // Evaluate, report and maybe restart, every 64 iterations.
    const scale = 1 / weight;
    for (let j = 0; j < n; j++) {
      avg.x[j] = sum.x[j] * scale;
      avg.aty[j] = sum.aty[j] * scale;
    }
    for (let r = 0; r < m; r++) {
      avg.y[r] = sum.y[r] * scale;
      avg.ax[r] = sum.ax[r] * scale;
    }
    const qc = measure(cur);
    const qa = measure(avg);
    bestBound = Math.max(bestBound, qc.lowerBound, qa.lowerBound);
    last = worst(qa) < worst(qc) ? qa : qc;
    const time = elapsed();
    while (nextLevel < levels.length && worst(last) <= levels[nextLevel])
      report(`<=${levels[nextLevel++].toExponential(0)}`, last);
    while (nextMark < marks.length && time >= marks[nextMark]) report(`${marks[nextMark++]}s`, last);
    if (worst(last) <= target || time >= pdhgLimit) break;
    const gapAvg = normalizedGap(avg, start);
    const gapCur = normalizedGap(cur, start);
    const useAvg = gapAvg < gapCur;
    const candidateGap = Math.min(gapAvg, gapCur);
    const length = iterations - periodStart;
    const restart =
      candidateGap <= 0.2 * lastRestartGap ||
      (candidateGap <= 0.8 * lastRestartGap && candidateGap > previousCandidateGap) ||
      length >= 0.36 * iterations;
    previousCandidateGap = candidateGap;
    if (!restart) continue;
    const chosen = useAvg ? avg : cur;
    const moved = omegaNorm(chosen, start);
    if (moved.dx > 1e-10 && moved.dy > 1e-10)
      omega = Math.exp(0.5 * Math.log(moved.dy / moved.dx) + 0.5 * Math.log(omega));
    lastRestartGap = candidateGap;
    previousCandidateGap = Infinity;
    if (useAvg) cur.copy(avg);
    start.copy(cur);
    sum.x.fill(0);
    sum.y.fill(0);
    sum.ax.fill(0);
    sum.aty.fill(0);
    weight = 0;
    periodStart = iterations;
    restarts++;
  }
  report('end', last);
  return { iterations, seconds: elapsed(), last, bestBound };
}

const T = Number(TArg);
const {
  lp,
  search,
  seconds: searchSeconds,
} = await heldLp(kind, what, T, flag('--set') ?? 'default', timeLimit);
const model: LpModel = lp.model;
// The search's final point: shares, step and pair slacks (anchor columns, if any, at 0).
const warm = new Float64Array(model.numCols);
warm.set(lp.alpha);
for (let t = 0; t < lp.steps; t++) if (lp.vtCol[t] >= 0) warm[lp.vtCol[t]] = Math.max(0, lp.vt[t]);
for (const g of lp.vpPairs) warm[lp.vpCol[g]] = Math.max(0, lp.vp[g]);

const highs = await createBackend('highs');
let highsSeconds: number;
let optimum: number;
let highsStatus: string;
try {
  const begin = performance.now();
  const solution = highs.solve(model, { timeLimitSeconds: timeLimit });
  highsSeconds = (performance.now() - begin) / 1000;
  optimum = solution.objective;
  highsStatus = solution.status;
} finally {
  highs.dispose();
}
const problemLp = extract(model, lp.simplexRow, lp.n);
console.log(
  `${kind} ${what} T=${T}: search ${search} in ${searchSeconds.toFixed(1)} s; LP ${model.numRows} x ${model.numCols}, ` +
    `${model.numNonzeros} nonzeros (${problemLp.m} rows kept); HiGHS cold ${highsSeconds.toFixed(1)} s, ` +
    `${highsStatus}, objective ${optimum.toPrecision(10)}`,
);
console.log(
  'run\tat\titerations\trestarts\tseconds\trel primal\tmax row violation\trel dual\trel gap\tprimal obj\tobj/HiGHS-1\tbest lower bound\t(HiGHS-bound)/HiGHS',
);
const results = runs.map((name) => ({
  name,
  ...pdhg(problemLp, name === 'warm' ? warm : undefined, name, optimum),
}));
for (const r of results)
  console.log(
    `${r.name}: ${r.iterations} iterations, ${r.seconds.toFixed(1)} s (${(r.seconds / highsSeconds).toFixed(2)}x HiGHS), ` +
      `rel primal ${r.last.relPrimal.toExponential(2)}, dual ${r.last.relDual.toExponential(2)}, gap ${r.last.relGap.toExponential(2)}; ` +
      `best lower bound ${r.bestBound.toPrecision(9)} vs HiGHS ${optimum.toPrecision(9)}`,
  );
