// One-line descriptions of a spec's pipeline and the facts `tokmix tokenizers` lists: what a user
// needs to see to know which tokenizer and which pre-tokenization an inference ran against.
import type { HfComponent, TokenizerSpec } from './spec.js';
import { BUILTIN_TOKENIZERS, builtinAvailable, builtinVersion, type BuiltinTokenizer } from './builtins.js';
import { loadTokenizer } from './load.js';
import { findLineage, type Lineage } from './lineage.js';
import type { Cache } from '../common/cache.js';
import type { ProgressCallback } from '../common/progress.js';
import { CL100K_PATTERN, O200K_PATTERN, SENTENCEPIECE_PUNCTUATION_PATTERN } from './presets.js';
import { GPT2_PATTERN } from './pre-tokenizers.js';

export interface TokenizerSummary {
  name: string;
  source: string;
  format: string;
  alphabet: string;
  merges: number;
  normalizer: string;
  preTokenizer: string;
  /** The built-in whose merges this list begins with, when one does (src/tokenizer/lineage.ts). */
  lineage?: Lineage;
  notes: string[];
}

export interface BuiltinTokenizerInfo extends Omit<TokenizerSummary, 'merges'> {
  /** Null for a heavy built-in not fetched yet. */
  merges: number | null;
  aliases: string[];
  package: string;
  version: string;
  license: string;
  description: string;
  /** False for a heavy built-in not fetched yet (listed without loading it): merges etc. are unknown. */
  fetched: boolean;
  /** For a built-in fetched on first use: the tarball's size in bytes. */
  fetchBytes?: number;
}

const KNOWN_PATTERNS: Record<string, string> = {
  [GPT2_PATTERN]: 'gpt2 pattern',
  [CL100K_PATTERN]: 'cl100k pattern',
  [O200K_PATTERN]: 'o200k pattern',
  [SENTENCEPIECE_PUNCTUATION_PATTERN]: 'sentencepiece punctuation pattern',
};

function describePattern(pattern: unknown): string {
  const p = pattern as { String?: string; Regex?: string } | undefined;
  if (typeof p?.String === 'string') return JSON.stringify(p.String);
  if (typeof p?.Regex === 'string') {
    return KNOWN_PATTERNS[p.Regex] ?? `/${p.Regex.length > 40 ? `${p.Regex.slice(0, 37)}...` : p.Regex}/`;
  }
  return '?';
}

/** A compact description of an HF normalizer or pre-tokenizer (`→` between steps). */
export function describeComponent(component: HfComponent | null): string {
  if (component === null) return 'none';
  const c = component;
  switch (c.type) {
    case 'Sequence': {
      const list = (c.pretokenizers ?? c.normalizers) as HfComponent[] | undefined;
      return (list ?? []).map(describeComponent).join(' → ');
    }
    case 'ByteLevel':
      return `ByteLevel(${c.use_regex === false ? 'no regex' : 'gpt2 pattern'}${c.add_prefix_space === true ? ', prefix space' : ''})`;
    case 'Split':
      return `Split(${describePattern(c.pattern)}, ${String(c.behavior)}${c.invert === true ? ', inverted' : ''})`;
    case 'Digits':
      return c.individual_digits === true ? 'Digits(individual)' : 'Digits';
    case 'Metaspace':
      return `Metaspace(${String(c.replacement ?? '▁')}, prepend ${String(c.prepend_scheme ?? 'always')}${c.split === false ? ', no split' : ''})`;
    case 'Replace':
      return `Replace(${describePattern(c.pattern)} → ${JSON.stringify(c.content)})`;
    case 'Prepend':
      return `Prepend(${JSON.stringify(c.prepend)})`;
    case 'Punctuation':
      return `Punctuation(${String(c.behavior ?? 'Isolated')})`;
    default:
      return c.type;
  }
}

/** The summary of a spec, with its lineage when the caller computed it. */
export function summarizeTokenizer(spec: TokenizerSpec, lineage?: Lineage): TokenizerSummary {
  return {
    name: spec.name,
    source: spec.source,
    format: spec.format,
    alphabet: spec.alphabet,
    merges: spec.mergeList.length,
    normalizer: describeComponent(spec.normalizer),
    preTokenizer: describeComponent(spec.preTokenizer),
    ...(lineage ? { lineage } : {}),
    notes: spec.notes,
  };
}

/** The listing of a heavy built-in not fetched yet: what it is, without loading (or fetching) it. */
function unfetchedInfo(builtin: BuiltinTokenizer): BuiltinTokenizerInfo {
  return {
    name: builtin.name,
    source: `npm ${builtin.package}@${builtinVersion(builtin)} (not fetched yet)`,
    format: '?',
    alphabet: builtin.alphabet,
    merges: null,
    normalizer: '?',
    preTokenizer: '?',
    notes: [],
    aliases: builtin.aliases,
    package: builtin.package,
    version: builtinVersion(builtin),
    license: builtin.license,
    description: builtin.description,
    fetched: false,
    fetchBytes: builtin.fetch?.tarballBytes,
  };
}

/**
 * Every built-in tokenizer with its package, version, licence, merge count and pipeline. A heavy
 * built-in that is not in the cache is listed as not fetched (`fetched: false`) unless `fetch` is
 * set, so the listing works offline and never downloads tens of MB on its own.
 */
export async function listBuiltinTokenizers(
  options: { cache?: Cache; onProgress?: ProgressCallback; fetch?: boolean } = {},
): Promise<BuiltinTokenizerInfo[]> {
  const wanted = BUILTIN_TOKENIZERS.filter(
    (b) => options.fetch === true || builtinAvailable(b, options.cache?.dir),
  );
  const specs = new Map<string, TokenizerSpec>();
  for (const [done, builtin] of wanted.entries()) {
    options.onProgress?.({ stage: 'load tokenizers', done, total: wanted.length, unit: 'items' });
    specs.set(
      builtin.name,
      await loadTokenizer(builtin.name, { cache: options.cache, onProgress: options.onProgress }),
    );
  }
  options.onProgress?.({
    stage: 'load tokenizers',
    done: wanted.length,
    total: wanted.length,
    unit: 'items',
  });
  // Every loaded built-in against every other loaded one of its alphabet.
  return BUILTIN_TOKENIZERS.map((builtin) => {
    const spec = specs.get(builtin.name);
    if (spec === undefined) return unfetchedInfo(builtin);
    const others = [...specs.values()].filter((o) => o !== spec && o.alphabet === spec.alphabet);
    return {
      ...summarizeTokenizer(spec, findLineage(spec.mergeList, others)),
      aliases: builtin.aliases,
      package: builtin.package,
      version: builtinVersion(builtin),
      license: builtin.license,
      description: builtin.description,
      fetched: true,
      ...(builtin.fetch ? { fetchBytes: builtin.fetch.tarballBytes } : {}),
    };
  });
}
