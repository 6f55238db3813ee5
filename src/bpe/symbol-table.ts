// The tokenizer's symbol table: base alphabet first, then one id per distinct merge result, so
// every category replayed against one merge list shares ids below `vocabSize` (Transcript contract).
import type { Alphabet, Merge } from '../tokenizer/spec.js';
import { byteLevelAlphabet } from '../tokenizer/byte-level.js';

export interface SymbolTable {
  /** Symbol string → id. */
  readonly ids: Map<string, number>;
  /** Id → symbol string. */
  readonly symbols: string[];
  /** Merge t joins `mergeLeft[t]` and `mergeRight[t]` into `mergeResult[t]` (ids). */
  readonly mergeLeft: Int32Array;
  readonly mergeRight: Int32Array;
  readonly mergeResult: Int32Array;
  /** Number of ids the tokenizer defines (base alphabet + merge results). */
  readonly vocabSize: number;
}

/**
 * Builds the ids for the first `steps` merges. Byte-level tokenizers start from GPT-2's 256
 * stand-ins in byte order; every other merge part not yet known (single characters of a
 * character-level list, or odd multi-character parts) becomes a base symbol when first seen.
 * A merge whose result string already exists reuses that id (two merges may build one token).
 */
export function buildSymbolTable(
  alphabet: Alphabet,
  mergeList: readonly Merge[],
  steps: number,
): SymbolTable {
  const ids = new Map<string, number>();
  const symbols: string[] = [];
  const intern = (symbol: string): number => {
    let id = ids.get(symbol);
    if (id === undefined) {
      id = symbols.length;
      ids.set(symbol, id);
      symbols.push(symbol);
    }
    return id;
  };
  if (alphabet === 'byte-level') for (const symbol of byteLevelAlphabet()) intern(symbol);
  const mergeLeft = new Int32Array(steps);
  const mergeRight = new Int32Array(steps);
  const mergeResult = new Int32Array(steps);
  for (let t = 0; t < steps; t++) {
    const [left, right] = mergeList[t];
    mergeLeft[t] = intern(left);
    mergeRight[t] = intern(right);
    mergeResult[t] = intern(left + right);
  }
  return { ids, symbols, mergeLeft, mergeRight, mergeResult, vocabSize: symbols.length };
}
