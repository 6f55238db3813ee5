// Turns pre-token strings into the engine's flat word store: each word split into its characters
// (code points), each character mapped to a symbol id; words of zero weight are left out.
import type { WordStore } from './engine.js';
import { grow } from '../common/grow.js';

/**
 * `symbolOf(char)` gives the id of a one-character symbol. Words come from one or more
 * (words, counts) sources; `include(wordIndex)` may filter. Returns the store.
 */
export function buildWordStore(
  sources: { words: readonly string[]; counts: Float64Array }[],
  symbolOf: (char: string) => number,
): WordStore {
  let symbols = new Int32Array(1 << 16);
  let size = 0;
  const starts: number[] = [];
  const lengths: number[] = [];
  const weights: number[] = [];
  // Ids of Basic Multilingual Plane characters by code unit (id + 1; 0 = not looked up yet).
  const bmp = new Int32Array(0x10000);
  const cache = new Map<number, number>();
  for (const { words, counts } of sources) {
    for (let k = 0; k < words.length; k++) {
      const weight = counts[k];
      if (!(weight > 0)) continue;
      const word = words[k];
      if (size + word.length > symbols.length) symbols = grow(symbols, size + word.length);
      const start = size;
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i);
        let id: number;
        if (code < 0xd800 || code > 0xdfff) {
          id = bmp[code] - 1;
          if (id < 0) {
            id = symbolOf(word[i]);
            bmp[code] = id + 1;
          }
        } else {
          const cp = word.codePointAt(i)!;
          let cached = cache.get(cp);
          if (cached === undefined) {
            cached = symbolOf(String.fromCodePoint(cp));
            cache.set(cp, cached);
          }
          id = cached;
          if (cp > 0xffff) i++;
        }
        symbols[size++] = id;
      }
      starts.push(start);
      lengths.push(size - start);
      weights.push(weight);
    }
  }
  return {
    symbols: symbols.slice(0, size),
    start: Int32Array.from(starts),
    length: Int32Array.from(lengths),
    weight: Float64Array.from(weights),
  };
}
