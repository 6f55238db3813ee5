// Test helpers for the solver: a deliberately naive BPE (full recount every step) that trains on a
// weighted mixture and replays a merge list into Transcripts, plus synthetic "languages", so the
// solver is checked against mixtures whose truth is known without depending on src/bpe. Also the
// constraint search run alone on a fresh lazy LP.
import type { Transcript } from '../../src/bpe/types.js';
import type { Merge } from '../../src/tokenizer/spec.js';
import { noProgress } from '../../src/common/progress.js';
import { createBackend } from '../../src/solve/backends/index.js';
import {
  DEFAULT_TUNING,
  searchConstraints,
  type SolveMixtureTuning,
  type SearchResult,
} from '../../src/solve/constraint-search.js';
import { LazyMixtureLp } from '../../src/solve/lazy-lp.js';
import { buildPairUniverse } from '../../src/solve/pair-universe.js';
import type { SolverBackend } from '../../src/solve/types.js';
import { rng } from '../bpe/helpers.js';

export type Words = Map<string, number>;

/**
 * A synthetic language: words drawn from a Zipfian vocabulary of `vocab` words whose letters come
 * from `alphabet` with skewed frequencies (fixed by `seed`). Returns word counts of `tokens` word
 * tokens drawn with `drawSeed` (another drawSeed = a held-out sample of the same language).
 */
export function syntheticLanguage(
  seed: number,
  alphabet: string,
  tokens: number,
  vocab = 400,
  drawSeed = seed,
): Words {
  let next = rng(seed);
  const letters = [...alphabet];
  const letterWeights = letters.map((_, k) => 1 / (k + 1) ** 0.8);
  const letterTotal = letterWeights.reduce((a, b) => a + b, 0);
  const pickLetter = () => {
    let u = next() * letterTotal;
    for (let k = 0; k < letters.length; k++) {
      u -= letterWeights[k];
      if (u <= 0) return letters[k];
    }
    return letters[letters.length - 1];
  };
  const lexicon: string[] = [];
  for (let w = 0; w < vocab; w++) {
    const length = 2 + Math.floor(next() * 7);
    let word = ' ';
    for (let k = 0; k < length; k++) word += pickLetter();
    lexicon.push(word);
  }
  next = rng(drawSeed * 7919 + 1);
  const zipf = lexicon.map((_, k) => 1 / (k + 1));
  const zipfTotal = zipf.reduce((a, b) => a + b, 0);
  const words: Words = new Map();
  for (let k = 0; k < tokens; k++) {
    let u = next() * zipfTotal;
    let w = 0;
    while (w < lexicon.length - 1 && (u -= zipf[w]) > 0) w++;
    words.set(lexicon[w], (words.get(lexicon[w]) ?? 0) + 1);
  }
  return words;
}

export function scaleWords(words: Words, factor: number): Words {
  return new Map([...words].map(([w, c]) => [w, c * factor]));
}

export function mergeWords(list: Words[]): Words {
  const all: Words = new Map();
  for (const words of list) for (const [w, c] of words) all.set(w, (all.get(w) ?? 0) + c);
  return all;
}

export function bytesOf(words: Words): number {
  let bytes = 0;
  for (const [w, c] of words) bytes += Buffer.byteLength(w) * c;
  return bytes;
}

export function applyMerge(symbols: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < symbols.length; k++) {
    if (k + 1 < symbols.length && symbols[k] === left && symbols[k + 1] === right) {
      out.push(left + right);
      k++;
    } else out.push(symbols[k]);
  }
  return out;
}

export function pairCounts(segmented: [string[], number][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [symbols, c] of segmented) {
    for (let k = 0; k + 1 < symbols.length; k++) {
      const key = `${symbols[k]}\u0000${symbols[k + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + c);
    }
  }
  return counts;
}

/**
 * Naive BPE training: the most frequent pair each step, ties to the smallest key. With `forced`,
 * the list starts with those merges whatever their counts (a tokenizer extending another's merge
 * list) and goes on from the words they leave; `merges` counts them too.
 */
export function trainNaive(words: Words, merges: number, forced: readonly Merge[] = []): Merge[] {
  let segmented: [string[], number][] = [...words].map(([w, c]) => [[...w], c]);
  const list: Merge[] = [];
  for (const [left, right] of forced.slice(0, merges)) {
    list.push([left, right]);
    segmented = segmented.map(([s, c]) => [applyMerge(s, left, right), c]);
  }
  for (let t = list.length; t < merges; t++) {
    const counts = pairCounts(segmented);
    let best = '';
    let bestCount = 0;
    for (const [key, c] of counts) {
      if (c > bestCount || (c === bestCount && key < best)) {
        best = key;
        bestCount = c;
      }
    }
    if (bestCount === 0) break;
    const [left, right] = best.split('\u0000');
    list.push([left, right]);
    segmented = segmented.map(([s, c]) => [applyMerge(s, left, right), c]);
  }
  return list;
}

/** The symbol table a merge list implies: sorted base characters, then one id per merge result. */
export function symbolTable(mergeList: Merge[], alphabet: Iterable<string>): Map<string, number> {
  const table = new Map<string, number>();
  for (const ch of [...new Set(alphabet)].sort()) table.set(ch, table.size);
  for (const [l, r] of mergeList) if (!table.has(l + r)) table.set(l + r, table.size);
  return table;
}

/** Naive replay into a Transcript: full recount after every merge, changes = pairs whose count moved. */
export function replayNaive(words: Words, mergeList: Merge[], symbols: Map<string, number>): Transcript {
  const extra: string[] = [];
  const idOf = (s: string): number => {
    const id = symbols.get(s);
    if (id !== undefined) return id;
    let k = extra.indexOf(s);
    if (k < 0) k = extra.push(s) - 1;
    return symbols.size + k;
  };
  let segmented: [string[], number][] = [...words].map(([w, c]) => [[...w], c]);
  const local = new Map<string, number>();
  const left: number[] = [];
  const right: number[] = [];
  const localOf = (key: string) => {
    let p = local.get(key);
    if (p === undefined) {
      p = local.size;
      local.set(key, p);
      const [l, r] = key.split('\u0000');
      left.push(idOf(l));
      right.push(idOf(r));
    }
    return p;
  };
  let previous = pairCounts(segmented);
  const initial: number[] = [];
  for (const [key, c] of previous) initial[localOf(key)] = c;
  let pairs = 0;
  for (const c of previous.values()) pairs += c;
  const offsets = [0];
  const changePair: number[] = [];
  const changeCount: number[] = [];
  const mergePair: number[] = [];
  for (const [l, r] of mergeList) {
    const key = `${l}\u0000${r}`;
    mergePair.push(local.has(key) ? local.get(key)! : -1);
    segmented = segmented.map(([s, c]) => [applyMerge(s, l, r), c]);
    const counts = pairCounts(segmented);
    const changed = new Set([...previous.keys(), ...counts.keys()]);
    for (const k of [...changed].sort()) {
      const before = previous.get(k) ?? 0;
      const after = counts.get(k) ?? 0;
      if (before === after) continue;
      changePair.push(localOf(k));
      changeCount.push(after);
    }
    offsets.push(changePair.length);
    previous = counts;
  }
  const initialCounts = new Float64Array(local.size);
  initial.forEach((c, p) => (initialCounts[p] = c ?? 0));
  return {
    steps: mergeList.length,
    vocabSize: symbols.size,
    extraSymbols: extra,
    pairLeft: Int32Array.from(left),
    pairRight: Int32Array.from(right),
    initialCounts,
    stepOffsets: Uint32Array.from(offsets),
    changePair: Uint32Array.from(changePair),
    changeCount: Float64Array.from(changeCount),
    mergePair: Int32Array.from(mergePair),
    totals: { pairs, bytes: bytesOf(words), absentSteps: mergePair.filter((p) => p < 0).length },
  };
}

export const ALPHABETS = ['abcdefghij', 'klmnopqrst', 'aeiouxyzbc', 'абвгдежзик', 'αβγδεζηθικ', 'fghijklmno'];

export function mse(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0) / a.length;
}

/**
 * A tokenizer trained (naively, `merges` merges) on `samples` mixed with `weights`, and `replayed`
 * (default: the samples themselves, an exact problem) replayed through it. truth: the mixture's
 * byte shares.
 */
export function mixtureProblem(samples: Words[], weights: number[], merges: number, replayed = samples) {
  const mixture = mergeWords(samples.map((s, i) => scaleWords(s, weights[i])));
  const mergeList = trainNaive(mixture, merges);
  const symbols = symbolTable(mergeList, [...mixture.keys()].join(''));
  const transcripts = replayed.map((s) => replayNaive(s, mergeList, symbols));
  const bytes = samples.map((s, i) => bytesOf(s) * weights[i]);
  const total = bytes.reduce((a, b) => a + b, 0);
  return { mergeList, symbols, transcripts, truth: bytes.map((b) => b / total) };
}

/**
 * Runs the constraint search alone on a fresh lazy LP, then hands the LP (at its certified optimum)
 * and the backend to `use` before the backend is disposed.
 */
export async function withSearchedLp<R>(
  transcripts: Transcript[],
  backendName: SolverBackend,
  tuning: Partial<SolveMixtureTuning>,
  use: (lp: LazyMixtureLp, search: SearchResult, backend: Awaited<ReturnType<typeof createBackend>>) => R,
  noiseZ = 0,
): Promise<R> {
  const settings = { ...DEFAULT_TUNING, ...tuning };
  const lp = new LazyMixtureLp(transcripts, buildPairUniverse(transcripts), {
    competitorBatch: settings.competitorBatch,
    tolerance: 1e-6,
    noiseZ,
  });
  const backend = await createBackend(backendName);
  try {
    const search = await searchConstraints(lp, backend, {
      tuning: settings,
      onProgress: noProgress,
      deadline: Infinity,
    });
    return await use(lp, search, backend);
  } finally {
    backend.dispose();
  }
}
