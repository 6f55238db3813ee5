// The pair universe: one id space for the pairs of all categories' transcripts. Transcripts number
// their pairs independently, and symbols outside the vocabulary are per-transcript, so pairs are
// matched by (symbol, symbol) with extra symbols matched by their strings.
import type { Transcript } from '../bpe/types.js';
import { PairTable } from '../bpe/pair-table.js';

export interface PairUniverse {
  categories: number;
  steps: number;
  /** Number of distinct pairs over all categories (global pair ids 0..numPairs-1). */
  numPairs: number;
  /** Per category: its local pair id -> global pair id. */
  localToGlobal: Int32Array[];
  /** Where each global pair occurs: occurrences occStart[g]..occStart[g+1] of (category, local id). */
  occStart: Int32Array;
  occCategory: Int32Array;
  occLocal: Int32Array;
  /** Global pair id of merge t, or -1 when its pair occurs in no category (an absent merge). */
  mergeGlobal: Int32Array;
}

export function buildPairUniverse(transcripts: Transcript[]): PairUniverse {
  const n = transcripts.length;
  const steps = transcripts[0].steps;
  const vocabSize = transcripts[0].vocabSize;
  const extraIds = new Map<string, number>();
  let totalLocal = 0;
  for (const t of transcripts) totalLocal += t.pairLeft.length;
  const table = new PairTable(Math.min(totalLocal, 1 << 24));
  const localToGlobal: Int32Array[] = [];
  for (const transcript of transcripts) {
    const symbol = new Int32Array(transcript.extraSymbols.length);
    transcript.extraSymbols.forEach((name, k) => {
      let id = extraIds.get(name);
      if (id === undefined) {
        id = vocabSize + extraIds.size;
        extraIds.set(name, id);
      }
      symbol[k] = id;
    });
    const { pairLeft, pairRight } = transcript;
    const map = new Int32Array(pairLeft.length);
    for (let p = 0; p < pairLeft.length; p++) {
      const l = pairLeft[p] < vocabSize ? pairLeft[p] : symbol[pairLeft[p] - vocabSize];
      const r = pairRight[p] < vocabSize ? pairRight[p] : symbol[pairRight[p] - vocabSize];
      map[p] = table.intern(l, r);
    }
    localToGlobal.push(map);
  }
  const numPairs = table.size;
  const occStart = new Int32Array(numPairs + 1);
  for (const map of localToGlobal) for (let p = 0; p < map.length; p++) occStart[map[p] + 1]++;
  for (let g = 0; g < numPairs; g++) occStart[g + 1] += occStart[g];
  const occCategory = new Int32Array(occStart[numPairs]);
  const occLocal = new Int32Array(occStart[numPairs]);
  const fill = occStart.slice(0, numPairs);
  localToGlobal.forEach((map, i) => {
    for (let p = 0; p < map.length; p++) {
      const at = fill[map[p]]++;
      occCategory[at] = i;
      occLocal[at] = p;
    }
  });
  const mergeGlobal = new Int32Array(steps).fill(-1);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) {
      const local = transcripts[i].mergePair[t];
      if (local < 0) continue;
      const g = localToGlobal[i][local];
      if (mergeGlobal[t] >= 0 && mergeGlobal[t] !== g) {
        throw new Error(`transcripts disagree on the pair of merge ${t} (category ${i})`);
      }
      mergeGlobal[t] = g;
    }
  }
  return { categories: n, steps, numPairs, localToGlobal, occStart, occCategory, occLocal, mergeGlobal };
}
