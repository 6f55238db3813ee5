// Lineage: whether a merge list begins with a built-in's, as an ordered subsequence (the merges its
// own pre-tokenizer rules out may be missing, e.g. cl100k's multi-digit merges under a digit split).
// Those shared merges say nothing about the tokenizer's own training data (Llama 3 after cl100k).
import type { Cache } from '../common/cache.js';
import { sha256 } from '../common/hash.js';
import type { Merge, TokenizerSpec } from './spec.js';
import {
  BUILTIN_TOKENIZERS,
  builtinAvailable,
  builtinMergePrefix,
  builtinOf,
  builtinVersion,
} from './builtins.js';
import { defaultCacheDir } from '../common/cache.js';
import { loadTokenizer } from './load.js';

export interface Lineage {
  /** The built-in whose merges the list begins with. */
  base: string;
  /** The list's first sharedMerges merges are the base's, in the base's order. */
  sharedMerges: number;
  /** Merges of the base, within the shared part, that the list lacks. */
  omittedBaseMerges: number;
  /** The list is the base's, merge for merge: an estimate from it is the base's. */
  identical?: true;
}

/** Fewest shared merges that count as lineage (unrelated lists share a handful at most). */
export const MIN_SHARED = 1000;
/** Most base merges the shared part may lack, per shared merge. */
export const MAX_OMITTED_PER_SHARED = 0.25;

const keyOf = (m: Merge): string => `${m[0]}\u0000${m[1]}`;

/** The set of a merge list's merges, to test membership while walking a base's list. */
export function mergeKeys(list: readonly Merge[]): Set<string> {
  const keys = new Set<string>();
  for (const m of list) keys.add(keyOf(m));
  return keys;
}

/** The walk behind sharedPrefix; `broke`: it stopped at a merge of `list` out of `base`'s order. */
function walkShared(
  list: readonly Merge[],
  keys: ReadonlySet<string>,
  base: readonly Merge[],
): { shared: number; omitted: number; broke: boolean } {
  let i = 0;
  let j = 0;
  let omitted = 0;
  // Base merges skipped after the last shared one lie beyond the shared part: not counted.
  let omittedAtMatch = 0;
  while (i < list.length && j < base.length) {
    const a = list[i];
    const b = base[j];
    if (a[0] === b[0] && a[1] === b[1]) {
      i++;
      j++;
      omittedAtMatch = omitted;
    } else if (!keys.has(keyOf(b))) {
      omitted++;
      j++;
    } else return { shared: i, omitted: omittedAtMatch, broke: true };
  }
  return { shared: i, omitted: omittedAtMatch, broke: false };
}

/**
 * How many of `list`'s first merges are `base`'s in order: walks both lists, skipping base
 * merges `list` lacks altogether, and stops at the first merge of `list` that breaks the order.
 */
export function sharedPrefix(
  list: readonly Merge[],
  keys: ReadonlySet<string>,
  base: readonly Merge[],
): { shared: number; omitted: number } {
  const { shared, omitted } = walkShared(list, keys, base);
  return { shared, omitted };
}

/**
 * Whether the first merges of a base already rule it out: the walk breaks inside them with fewer
 * than `minShared` merges shared. The full list would break at the same place, and a list that
 * breaks is not the base's either, so findLineage would skip that base.
 */
export function ruledOutByPrefix(
  list: readonly Merge[],
  keys: ReadonlySet<string>,
  basePrefix: readonly Merge[],
  minShared = MIN_SHARED,
): boolean {
  const walk = walkShared(list, keys, basePrefix);
  return walk.broke && walk.shared < minShared;
}

/** Ranks whose merges lineage derives first, to rule a base out before deriving all of its merges. */
export const PREFIX_RANKS = 4 * MIN_SHARED;

export interface LineageBase {
  name: string;
  mergeList: readonly Merge[];
  /** false: a list equal to this one is not reported as identical to it (a later built-in's). */
  mayBeIdentical?: boolean;
}

function sameMerges(a: readonly Merge[], b: readonly Merge[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k][0] !== b[k][0] || a[k][1] !== b[k][1]) return false;
  return true;
}

/**
 * The best lineage of `list` among candidate bases, if any shares enough merges in order and
 * `list` goes on with merges of its own (a list that is all a base's, cl100k against Llama 3's,
 * extends nothing), or is the base's list merge for merge (`identical`, e.g. gpt-oss and gpt-4o).
 */
export function findLineage(
  list: readonly Merge[],
  bases: readonly LineageBase[],
  minShared = MIN_SHARED,
  keys: ReadonlySet<string> = mergeKeys(list),
): Lineage | undefined {
  let best: Lineage | undefined;
  for (const base of bases) {
    if (base.mayBeIdentical !== false && sameMerges(list, base.mergeList)) {
      return { base: base.name, sharedMerges: list.length, omittedBaseMerges: 0, identical: true };
    }
    const { shared, omitted } = sharedPrefix(list, keys, base.mergeList);
    if (shared < minShared || shared >= list.length || omitted > MAX_OMITTED_PER_SHARED * shared) continue;
    if (!best || shared > best.sharedMerges)
      best = { base: base.name, sharedMerges: shared, omittedBaseMerges: omitted };
  }
  return best;
}

/**
 * Compares a loaded tokenizer with every other built-in of its alphabet. Cached by the merge
 * list's content and the built-ins' package versions, so only the first run loads them all.
 */
export async function tokenizerLineage(
  spec: Pick<TokenizerSpec, 'name' | 'source' | 'alphabet' | 'mergeList'>,
  options: { cache?: Cache } = {},
): Promise<Lineage | undefined> {
  // A list too short to share MIN_SHARED merges and go on with its own has no lineage: no need
  // to load every built-in for it.
  if (spec.mergeList.length <= MIN_SHARED) return undefined;
  const self = builtinOf(spec)?.name;
  const selfIndex = BUILTIN_TOKENIZERS.findIndex((b) => b.name === self);
  // A built-in equal to a later one (gpt-4o and gpt-oss) is the original, not the copy.
  // Heavy built-ins not fetched yet are left out: lineage never downloads (and a later run that
  // has them fetched gets its own cache entry, keyed by the candidates).
  const cacheDir = options.cache?.dir ?? defaultCacheDir();
  const candidates = BUILTIN_TOKENIZERS.filter(
    (b) => b.name !== self && b.alphabet === spec.alphabet && builtinAvailable(b, cacheDir),
  );
  const compute = async (): Promise<Lineage | undefined> => {
    const bases: LineageBase[] = [];
    const keys = mergeKeys(spec.mergeList);
    for (const b of candidates) {
      // Deriving a rank list's merges takes a second or more; its first merges, milliseconds.
      const prefix = await builtinMergePrefix(b, PREFIX_RANKS);
      if (prefix !== undefined && ruledOutByPrefix(spec.mergeList, keys, prefix)) continue;
      const base = await loadTokenizer(b.name, { cache: options.cache });
      const later = selfIndex >= 0 && BUILTIN_TOKENIZERS.indexOf(b) > selfIndex;
      bases.push({ name: base.name, mergeList: base.mergeList, mayBeIdentical: !later });
    }
    return findLineage(spec.mergeList, bases, MIN_SHARED, keys);
  };
  if (options.cache === undefined) return compute();
  const key = {
    merges: sha256(JSON.stringify(spec.mergeList)),
    alphabet: spec.alphabet,
    builtins: candidates.map((b) => `${b.name}@${builtinVersion(b)}`),
  };
  const payload = await options.cache.getOrBuild('lineage', key, async () =>
    Buffer.from(JSON.stringify((await compute()) ?? null), 'utf8'),
  );
  return (JSON.parse(payload.toString('utf8')) as Lineage | null) ?? undefined;
}
