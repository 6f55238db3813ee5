// maxWeightMatching: a maximum-weight matching between merge steps (rows) and pairs (columns) over
// a sparse edge list, with its optimal duals: the least slacks v_t, v_p >= 0 with v_t + v_p >= a on
// every edge (LP duality; the bipartite matching polytope is integral). Used by alpha-cuts.ts.

import { grow } from '../../common/grow.js';

/** Edges grouped by row: rowStart[r]..rowStart[r+1] index col/weight (columns 0..cols-1, weights > 0). */
export interface MatchingEdges {
  rows: number;
  cols: number;
  rowStart: Int32Array;
  col: Int32Array;
  weight: Float64Array;
}

export interface Matching {
  /** Total weight of the matched edges (= the duals' sum, the optimum). */
  value: number;
  /** Per row: the index of its matched edge, or -1. */
  rowEdge: Int32Array;
  /** Per row its slack v_t, per column its slack v_p (0 for unmatched ones). */
  rowDual: Float64Array;
  colDual: Float64Array;
}

/** A binary min-heap of (key, id) with stale entries skipped by the caller (lazy deletion). */
class MinHeap {
  key = new Float64Array(256);
  id = new Int32Array(256);
  size = 0;

  push(key: number, id: number): void {
    if (this.size === this.key.length) {
      this.key = grow(this.key, this.size + 1);
      this.id = grow(this.id, this.size + 1);
    }
    let k = this.size++;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (this.key[parent] <= key) break;
      this.key[k] = this.key[parent];
      this.id[k] = this.id[parent];
      k = parent;
    }
    this.key[k] = key;
    this.id[k] = id;
  }

  /** Removes the minimum; its id is returned and its key left in `popped`. */
  popped = 0;
  pop(): number {
    const id = this.id[0];
    this.popped = this.key[0];
    const lastKey = this.key[--this.size];
    const lastId = this.id[this.size];
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= this.size) break;
      const c = l + 1 < this.size && this.key[l + 1] < this.key[l] ? l + 1 : l;
      if (this.key[c] >= lastKey) break;
      this.key[k] = this.key[c];
      this.id[k] = this.id[c];
      k = c;
    }
    this.key[k] = lastKey;
    this.id[k] = lastId;
    return id;
  }
}

/** A previous matching and prices to start from (any: a poor start only costs time). */
export interface WarmMatching {
  /** Per column a price >= 0 (e.g. its slack in a previous solve). */
  colPrice: Float64Array;
  /** Per row the column it was matched to, or -1. */
  rowCol: Int32Array;
}

/** Slack below which a matched edge still counts as its row's best (weights are ~1 per occurrence). */
const TIGHT = 1e-9;

/**
 * Turns prices and a matching into potentials and a partial assignment that satisfy the method's
 * invariants: each row's slack is what its best edge needs given the prices; a matched edge that
 * is no longer its row's best is unmatched; an unmatched column's price drops to 0 (which may make
 * other rows' edges stop being best), until nothing changes. Rows needing no slack and holding no
 * match take their "unmatched" column; the rest are left for the augmenting searches.
 */
function warmStart(
  edges: MatchingEdges,
  warm: WarmMatching,
  u: Float64Array,
  v: Float64Array,
  col4row: Int32Array,
  row4col: Int32Array,
): void {
  const { rows, cols, rowStart, col, weight } = edges;
  const price = Float64Array.from(warm.colPrice, (p) => Math.max(0, p));
  const mateEdge = new Int32Array(rows).fill(-1);
  const colTaken = new Uint8Array(cols);
  for (let r = 0; r < rows; r++) {
    const c = warm.rowCol[r];
    if (c < 0 || colTaken[c]) continue;
    for (let e = rowStart[r]; e < rowStart[r + 1]; e++) {
      if (col[e] === c) {
        mateEdge[r] = e;
        colTaken[c] = 1;
        break;
      }
    }
  }
  const slack = new Float64Array(rows);
  for (let changed = true; changed;) {
    changed = false;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let e = rowStart[r]; e < rowStart[r + 1]; e++) best = Math.max(best, weight[e] - price[col[e]]);
      slack[r] = best;
      const e = mateEdge[r];
      if (e >= 0 && weight[e] - price[col[e]] < best - TIGHT) {
        colTaken[col[e]] = 0;
        mateEdge[r] = -1;
      }
    }
    for (let c = 0; c < cols; c++) {
      if (!colTaken[c] && price[c] > 0) {
        price[c] = 0;
        changed = true;
      }
    }
  }
  for (let c = 0; c < cols; c++) v[c] = -price[c];
  for (let r = 0; r < rows; r++) {
    const e = mateEdge[r];
    if (e >= 0) {
      u[r] = -weight[e] + price[col[e]];
      col4row[r] = col[e];
      row4col[col[e]] = r;
    } else if (slack[r] <= TIGHT) {
      col4row[r] = cols + r;
      row4col[cols + r] = r;
    }
  }
}

/**
 * Successive shortest augmenting paths (the Hungarian method in Crouse's form, as in scipy's
 * linear_sum_assignment, with Dijkstra on a heap for sparse rows) on the assignment problem
 * min sum -a_e where every row is assigned to a pair column or to its own zero-cost "unmatched"
 * column, and pair columns to at most one row. Column potentials start at 0 and only fall, so
 * unmatched pair columns end with slack 0, as the matching LP's dual wants. Each row's search
 * stops at the first free column, and every row reached has one (its own), so paths stay short.
 */
export function maxWeightMatching(edges: MatchingEdges, warm?: WarmMatching): Matching {
  const { rows, cols, rowStart, col, weight } = edges;
  const total = cols + rows; // pair columns, then one "unmatched" column per row
  const u = new Float64Array(rows);
  const v = new Float64Array(total);
  const col4row = new Int32Array(rows).fill(-1);
  const row4col = new Int32Array(total).fill(-1);
  if (warm) warmStart(edges, warm, u, v, col4row, row4col);
  const dist = new Float64Array(total).fill(Number.POSITIVE_INFINITY);
  const path = new Int32Array(total);
  const scanned = new Int32Array(total);
  const touched: number[] = [];
  const treeRows: number[] = [];
  const treeCols: number[] = [];
  const heap = new MinHeap();
  for (let cur = 0; cur < rows; cur++) {
    if (col4row[cur] >= 0) continue; // assigned by the warm start
    const stamp = cur + 1;
    let minVal = 0;
    let i = cur;
    let sink = -1;
    heap.size = 0;
    touched.length = 0;
    treeRows.length = 0;
    treeCols.length = 0;
    const relax = (j: number, cost: number, ui: number, from: number) => {
      if (scanned[j] === stamp) return;
      const r = minVal + cost - ui - v[j];
      if (r < dist[j]) {
        if (dist[j] === Number.POSITIVE_INFINITY) touched.push(j);
        dist[j] = r;
        path[j] = from;
        heap.push(r, j);
      }
    };
    while (sink < 0) {
      treeRows.push(i);
      const ui = u[i];
      for (let e = rowStart[i]; e < rowStart[i + 1]; e++) relax(col[e], -weight[e], ui, i);
      relax(cols + i, 0, ui, i);
      let j = -1;
      while (heap.size > 0) {
        const id = heap.pop();
        if (scanned[id] !== stamp && heap.popped === dist[id]) {
          j = id;
          break;
        }
      }
      if (j < 0)
        throw new Error(
          'maxWeightMatching: no augmenting path (cannot happen: every row has its own column)',
        );
      minVal = dist[j];
      scanned[j] = stamp;
      treeCols.push(j);
      if (row4col[j] < 0) sink = j;
      else i = row4col[j];
    }
    // Potentials: the tree's rows and columns move by how much closer than the sink they were.
    u[cur] += minVal;
    for (const r of treeRows) if (r !== cur) u[r] += minVal - dist[col4row[r]];
    for (const j of treeCols) v[j] -= minVal - dist[j];
    // Augment along the path back to `cur`.
    let j = sink;
    for (;;) {
      const r = path[j];
      row4col[j] = r;
      const previous = col4row[r];
      col4row[r] = j;
      if (r === cur) break;
      j = previous;
    }
    for (const k of touched) dist[k] = Number.POSITIVE_INFINITY;
  }
  // Duals of the matching LP: v_p = -v_p', v_t = -(u_t + v'_unmatched(t)) (both >= 0 up to rounding).
  const rowDual = new Float64Array(rows);
  const colDual = new Float64Array(cols);
  for (let j = 0; j < cols; j++) colDual[j] = Math.max(0, -v[j]);
  const rowEdge = new Int32Array(rows).fill(-1);
  let value = 0;
  for (let r = 0; r < rows; r++) {
    rowDual[r] = Math.max(0, -(u[r] + v[cols + r]));
    const j = col4row[r];
    if (j >= cols) continue;
    for (let e = rowStart[r]; e < rowStart[r + 1]; e++) {
      if (col[e] === j) {
        rowEdge[r] = e;
        value += weight[e];
        break;
      }
    }
  }
  return { value, rowEdge, rowDual, colDual };
}
