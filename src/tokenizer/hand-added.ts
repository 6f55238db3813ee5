// Merges BPE did not learn: blocks of hand-added whitespace merges (runs of ▁, \t, \n joined in
// every split) that some released merge lists open with or interleave (paper App. C.4, Gemma).
// They occur in no sample, so attacking them constrains nothing; infer leaves them out by default.
import type { Alphabet, Merge } from './spec.js';

/** Why a merge counts as hand-added. */
export type HandAddedRule =
  /** Part of an unbroken run of whitespace-run merges that opens the list. */
  | 'head-whitespace-run'
  /** A block of at least MIN_BLOCK consecutive whitespace-run merges later in the list. */
  | 'whitespace-block'
  /** A lone whitespace-run merge of a symbol the list's hand-added head block already runs. */
  | 'interleaved-whitespace-run';

export interface HandAddedBlock {
  rule: HandAddedRule;
  /** 0-based first and last step of the block. */
  first: number;
  last: number;
  count: number;
}

export interface HandAddedMerges {
  /** Every hand-added step, ascending. */
  steps: Int32Array;
  /** The same steps as maximal runs of one rule (consecutive steps). */
  blocks: HandAddedBlock[];
}

/**
 * Consecutive whitespace-run merges that make a block hand-added. BPE learns a few such merges
 * (cl100k's first merge joins two spaces), never many in a row: the byte-level built-ins' longest
 * run is 2, while Llama's and Mistral's lists end with 15 and 14 user-defined ▁-run pieces (llama's
 * joins ▁▁+▁ before ▁+▁), and the hand-added heads seen in the wild are 900+ long
 * (test/tokenizer/hand-added.test.ts).
 */
export const MIN_BLOCK = 8;

/** The whitespace symbols of each alphabet: space, tab, newline, carriage return. */
const WHITESPACE: Record<Alphabet, readonly string[]> = {
  'byte-level': ['Ġ', 'ĉ', 'Ċ', 'č'],
  characters: ['▁', ' ', '\t', '\n', '\r'],
};

/** The one whitespace symbol both sides of a merge repeat, or undefined. */
export function whitespaceRunSymbol(merge: Merge, alphabet: Alphabet): string | undefined {
  const text = merge[0] + merge[1];
  const first = text[0];
  if (first === undefined || !WHITESPACE[alphabet].includes(first)) return undefined;
  for (let k = 1; k < text.length; k++) if (text[k] !== first) return undefined;
  return first;
}

/** Finds the hand-added whitespace merges of a merge list (linear in its length). */
export function detectHandAddedMerges(mergeList: readonly Merge[], alphabet: Alphabet): HandAddedMerges {
  const n = mergeList.length;
  const symbol: (string | undefined)[] = mergeList.map((m) => whitespaceRunSymbol(m, alphabet));
  const rule: (HandAddedRule | undefined)[] = new Array(n);
  // Runs of consecutive whitespace-run merges; long ones are hand-added.
  const headSymbols = new Set<string>();
  for (let t = 0; t < n;) {
    if (symbol[t] === undefined) {
      t++;
      continue;
    }
    let end = t;
    while (end < n && symbol[end] !== undefined) end++;
    if (end - t >= MIN_BLOCK) {
      for (let k = t; k < end; k++) {
        rule[k] = t === 0 ? 'head-whitespace-run' : 'whitespace-block';
        const run = symbol[k];
        if (t === 0 && run !== undefined) headSymbols.add(run);
      }
    }
    t = end;
  }
  // A list that opens with hand-added runs of a symbol interleaves more of them later.
  if (headSymbols.size > 0) {
    for (let t = 0; t < n; t++) {
      const run = symbol[t];
      if (rule[t] === undefined && run !== undefined && headSymbols.has(run)) {
        rule[t] = 'interleaved-whitespace-run';
      }
    }
  }
  const steps: number[] = [];
  const blocks: HandAddedBlock[] = [];
  for (let t = 0; t < n; t++) {
    const r = rule[t];
    if (r === undefined) continue;
    steps.push(t);
    const last = blocks[blocks.length - 1];
    if (last && last.rule === r && last.last === t - 1) {
      last.last = t;
      last.count++;
    } else blocks.push({ rule: r, first: t, last: t, count: 1 });
  }
  return { steps: Int32Array.from(steps), blocks };
}

/** One line describing the excluded merges: how many, where and by which rule. */
export function describeHandAdded(blocks: readonly HandAddedBlock[], limit = 3): string {
  const byRule = new Map<HandAddedRule, { count: number; blocks: number }>();
  for (const b of blocks) {
    const entry = byRule.get(b.rule) ?? { count: 0, blocks: 0 };
    entry.count += b.count;
    entry.blocks++;
    byRule.set(b.rule, entry);
  }
  const rules = [...byRule].map(([r, e]) => `${e.count} ${r}${e.blocks > 1 ? ` in ${e.blocks} places` : ''}`);
  const where = blocks
    .slice(0, limit)
    .map((b) => (b.first === b.last ? `#${b.first}` : `#${b.first}–${b.last}`))
    .join(', ');
  return `${rules.join(', ')} (${where}${blocks.length > limit ? ', …' : ''})`;
}
