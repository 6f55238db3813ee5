// Turns pre-token strings into the engine's flat word store: each word split into its characters
// (code points), each character mapped to a symbol id; words of zero weight are left out. Arrays
// are sized once from the words' lengths (an upper bound on their code points), so loading holds
// no growing copies; symbols are 16-bit until an id needs more, weights 32-bit integers when they
// all are whole numbers that fit (else 64-bit floats).
import { widenForSymbol, type WordStore } from './engine.js';

/** Weights (pre-token frequencies) are kept as 32-bit integers when every one is a whole number up to this. */
const MAX_NARROW_WEIGHT = 0xffffffff;

/**
 * `symbolOf(char)` gives the id of a one-character symbol. Words come from one or more
 * (words, counts) sources; `include(wordIndex)` may filter. Returns the store.
 */
export function buildWordStore(
  sources: { words: readonly string[]; counts: Float64Array }[],
  symbolOf: (char: string) => number,
): WordStore {
  let numWords = 0;
  let units = 0;
  let wholeWeights = true;
  for (const { words, counts } of sources) {
    for (let k = 0; k < words.length; k++) {
      const weight = counts[k];
      if (!(weight > 0)) continue;
      numWords++;
      units += words[k].length;
      if (wholeWeights && !(Number.isInteger(weight) && weight <= MAX_NARROW_WEIGHT)) wholeWeights = false;
    }
  }
  const store: WordStore = {
    symbols: new Uint16Array(units),
    start: new Int32Array(numWords),
    length: new Int32Array(numWords),
    weight: wholeWeights ? new Uint32Array(numWords) : new Float64Array(numWords),
  };
  let size = 0;
  let w = 0;
  // Ids of Basic Multilingual Plane characters by code unit (id + 1; 0 = not looked up yet).
  const bmp = new Int32Array(0x10000);
  const cache = new Map<number, number>();
  let symbols = store.symbols;
  const lookUp = (char: string): number => {
    const id = symbolOf(char);
    widenForSymbol(store, id);
    symbols = store.symbols;
    return id;
  };
  for (const { words, counts } of sources) {
    for (let k = 0; k < words.length; k++) {
      const weight = counts[k];
      if (!(weight > 0)) continue;
      const word = words[k];
      const start = size;
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i);
        let id: number;
        if (code < 0xd800 || code > 0xdfff) {
          id = bmp[code] - 1;
          if (id < 0) {
            id = lookUp(word[i]);
            bmp[code] = id + 1;
          }
        } else {
          const cp = word.codePointAt(i)!;
          let cached = cache.get(cp);
          if (cached === undefined) {
            cached = lookUp(String.fromCodePoint(cp));
            cache.set(cp, cached);
          }
          id = cached;
          if (cp > 0xffff) i++;
        }
        symbols[size++] = id;
      }
      store.start[w] = start;
      store.length[w] = size - start;
      store.weight[w++] = weight;
    }
  }
  // Astral characters take two code units but one symbol: the tail is unused.
  if (size < units) store.symbols = store.symbols.subarray(0, size);
  return store;
}
