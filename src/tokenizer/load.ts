// loadTokenizer: whatever the user typed (built-in name, alias, or a path to tokenizer.json,
// merges.txt, .tiktoken, claude.json-style ranks, or a folder holding one) → one TokenizerSpec.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { describeFsError, UserError, isUserError } from '../common/errors.js';
import type { Alphabet, TokenizerSpec } from './spec.js';
import { BUILTIN_TOKENIZERS, builtinVersion, findBuiltin, loadBuiltin } from './builtins.js';
import type { ProgressCallback } from '../common/progress.js';
import type { Cache } from '../common/cache.js';
import { PRE_TOKENIZER_PRESETS, preTokenizerPreset, type PreTokenizerPreset } from './presets.js';
import { parseJsonText, readTextFile } from './formats/read.js';
import { hfJsonSpec } from './formats/hf-json.js';
import { guessAlphabet, parseMergesTxt } from './formats/merges-txt.js';
import { parsePackedRanks, parseTiktokenFile } from './formats/tiktoken.js';
import { cachedMergesFromRanks } from './ranks-cache.js';
import { mergeOrderProblem, mergesFromRankConversion } from './rank-conversion.js';
import { checkMergeList, checkMergesInVocab } from './formats/merges-check.js';
import { createPipeline } from './pipeline.js';
import { GPT2_PATTERN } from './pre-tokenizers.js';
import { tokenizerName } from './naming.js';
import { isHubReference } from '../hub/reference.js';
import { fetchTokenizer } from '../hub/tokenizer-files.js';

export interface LoadTokenizerOptions {
  /** Pre-tokenizer preset for files that carry none (merges.txt, .tiktoken) or to override one. */
  preTokenizer?: PreTokenizerPreset;
  /** Where built-ins' derived merge lists are cached (deriving 200k merges takes seconds), and
   *  heavy built-ins' fetched files (default: the default cache folder). */
  cache?: Cache;
  /** Told how fetching a heavy built-in on first use goes. */
  onProgress?: ProgressCallback;
}

/** The names a user may type for built-ins, for error messages. */
export function builtinNames(): string {
  return BUILTIN_TOKENIZERS.map((b) => b.name).join(', ');
}

/** Loads a built-in by name/alias, a tokenizer file/folder by path, or `hf:org/name[@rev]` from the
 *  Hub (cached in the Hugging Face cache). Throws UserError for bad input. */
export async function loadTokenizer(ref: string, options: LoadTokenizerOptions = {}): Promise<TokenizerSpec> {
  if (isHubReference(ref)) {
    const fetched = await fetchTokenizer(ref);
    const spec = await loadTokenizer(fetched.path, options);
    return {
      ...spec,
      name: fetched.hub.repo.split('/').pop()!,
      source: ref,
      hub: fetched.hub,
      notes: fetched.note ? [...spec.notes, fetched.note] : spec.notes,
    };
  }
  const builtin = findBuiltin(ref);
  if (builtin && !(ref.includes('/') && existsSync(ref))) {
    const cache = options.cache;
    const fetching = { cacheDir: cache?.dir, onProgress: options.onProgress, cache };
    if (cache === undefined) return loadBuiltin(builtin, options.preTokenizer, fetching);
    const key = {
      builtin: builtin.name,
      version: builtinVersion(builtin),
      preset: options.preTokenizer ?? null,
    };
    const payload = await cache.getOrBuild('tokenizer', key, async () =>
      Buffer.from(JSON.stringify(await loadBuiltin(builtin, options.preTokenizer, fetching)), 'utf8'),
    );
    return JSON.parse(payload.toString('utf8')) as TokenizerSpec;
  }
  if (!existsSync(ref)) {
    const looksLikePath = ref.includes('/') || ref.includes('\\') || /\.(json|txt|tiktoken)$/i.test(ref);
    throw new UserError(
      looksLikePath
        ? `${ref}: no such file or directory; check the path`
        : `${ref}: not a built-in tokenizer nor a file; built-ins: ${builtinNames()}`,
      ref,
    );
  }
  const spec = loadFile(resolveFolder(ref), options);
  try {
    createPipeline(spec); // every component must be honoured: fail now, naming the file
  } catch (error) {
    if (isUserError(error)) throw new UserError(`${ref}: ${error.message}`, ref);
    throw error;
  }
  return spec;
}

/** A folder stands for the tokenizer.json, .tiktoken or merges.txt inside it. */
function resolveFolder(path: string): string {
  let names: string[];
  try {
    if (!statSync(path).isDirectory()) return path;
    names = readdirSync(path);
  } catch (error) {
    throw describeFsError(error, path);
  }
  for (const name of ['tokenizer.json', 'merges.txt']) {
    if (names.includes(name)) return join(path, name);
  }
  const tiktoken = names.find((f) => f.endsWith('.tiktoken'));
  if (tiktoken) return join(path, tiktoken);
  throw new UserError(`${path}: a folder without tokenizer.json, merges.txt or *.tiktoken`, path);
}

function loadFile(path: string, options: LoadTokenizerOptions): TokenizerSpec {
  const ext = extname(path).toLowerCase();
  const name = tokenizerName(path);
  if (ext === '.tiktoken') return fromTiktoken(path, name, options);
  if (ext === '.json') {
    const text = readTextFile(path, 'a tokenizer.json');
    const json = parseJsonText(text, path, 'a Hugging Face tokenizer.json or a claude.json-style rank file');
    const root = json as Record<string, unknown> | null;
    if (
      root &&
      typeof root === 'object' &&
      typeof root.bpe_ranks === 'string' &&
      typeof root.pat_str === 'string'
    ) {
      return fromPackedRanksJson(path, name, root.bpe_ranks, root.pat_str, options);
    }
    return fromHfJson(path, name, json, options);
  }
  // merges.txt and anything else textual: decide by content.
  const text = readTextFile(path, 'a merges.txt');
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  if (/^[A-Za-z0-9+/]+=* \d+\r?$/.test(firstLine)) return fromTiktoken(path, name, options, text);
  if (firstLine.trimStart().startsWith('{')) {
    return fromHfJson(path, name, parseJsonText(text, path, 'a tokenizer.json'), options);
  }
  return fromMergesTxt(path, name, text, options);
}

function fromHfJson(path: string, name: string, json: unknown, options: LoadTokenizerOptions): TokenizerSpec {
  return hfJsonSpec(json, { path, name, source: path }, options.preTokenizer);
}

function fromMergesTxt(
  path: string,
  name: string,
  text: string,
  options: LoadTokenizerOptions,
): TokenizerSpec {
  let mergeList = parseMergesTxt(text, path);
  const alphabet: Alphabet = guessAlphabet(mergeList);
  const notes: string[] = [];
  const vocabPath = join(dirname(path), 'vocab.json');
  let vocab: Record<string, unknown> | null = null;
  if (existsSync(vocabPath)) {
    const json = parseJsonText(readTextFile(vocabPath, 'a vocab.json'), vocabPath, 'a vocab.json object');
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new UserError(`${vocabPath}: expected a JSON object of token → id`, vocabPath);
    }
    vocab = json as Record<string, unknown>;
    checkMergesInVocab(mergeList, vocab, `${path} (with ${vocabPath})`);
  }
  const problem =
    alphabet === 'byte-level' && vocab !== null
      ? mergeOrderProblem(mergeList, Object.keys(vocab).length)
      : undefined;
  if (problem !== undefined) {
    const conversion = mergesFromRankConversion(
      mergeList,
      vocab!,
      new Set(),
      `${path} (with ${vocabPath})`,
      problem,
    );
    mergeList = conversion.mergeList;
    notes.push(...conversion.notes);
  } else {
    checkMergeList(mergeList, alphabet, path, alphabet === 'byte-level');
  }
  let preset = options.preTokenizer;
  if (preset === undefined) {
    preset = alphabet === 'byte-level' ? 'gpt2' : 'sentencepiece';
    notes.push(
      `merges.txt carries no pre-tokenizer: using the preset ${preset} (choose with --pretokenizer)`,
    );
  }
  const pipelineText = preTokenizerPreset(preset);
  return {
    name,
    source: path,
    format: 'merges.txt',
    alphabet,
    mergeList,
    normalizer: pipelineText.normalizer,
    preTokenizer: pipelineText.preTokenizer,
    notes,
  };
}

/** The preset a tiktoken file's name or size implies, if obvious. */
function tiktokenPreset(path: string, tokens: number): PreTokenizerPreset | undefined {
  const base = basename(path).toLowerCase();
  if (base.includes('o200k')) return 'o200k';
  if (base.includes('cl100k')) return 'cl100k';
  if (/r50k|p50k|gpt2/.test(base)) return 'gpt2';
  if (tokens >= 199_990 && tokens <= 200_000) return 'o200k';
  if (tokens >= 100_250 && tokens <= 100_260) return 'cl100k';
  if (tokens >= 50_250 && tokens <= 50_290) return 'gpt2';
  return undefined;
}

function fromTiktoken(
  path: string,
  name: string,
  options: LoadTokenizerOptions,
  text?: string,
): TokenizerSpec {
  const tokens = parseTiktokenFile(text ?? readTextFile(path, 'a .tiktoken rank file'), path);
  const preset = options.preTokenizer ?? tiktokenPreset(path, tokens.length);
  if (preset === undefined) {
    throw new UserError(
      `${path}: a tiktoken rank file carries no pattern; choose one with --pretokenizer (${PRE_TOKENIZER_PRESETS.join(', ')})`,
      path,
    );
  }
  return rankSpec(
    path,
    name,
    tokens,
    preset,
    null,
    'tiktoken',
    options.preTokenizer === undefined ? [`pattern chosen by the file's name or size: preset ${preset}`] : [],
    options.cache,
  );
}

function fromPackedRanksJson(
  path: string,
  name: string,
  packed: string,
  pattern: string,
  options: LoadTokenizerOptions,
): TokenizerSpec {
  const tokens = parsePackedRanks(packed, path);
  const notes: string[] = [];
  if (options.preTokenizer === undefined && pattern !== GPT2_PATTERN) {
    // Its own pattern, honoured exactly: Split(Regex) + ByteLevel.
    return {
      ...rankSpec(path, name, tokens, 'gpt2', null, 'claude.json', notes, options.cache),
      preTokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
    };
  }
  return rankSpec(
    path,
    name,
    tokens,
    options.preTokenizer ?? 'gpt2',
    { type: 'NFKC' },
    'claude.json',
    ['normalizer NFKC, as @anthropic-ai/tokenizer applies before encoding'],
    options.cache,
  );
}

function rankSpec(
  path: string,
  name: string,
  tokens: string[],
  preset: PreTokenizerPreset,
  normalizer: TokenizerSpec['normalizer'],
  format: TokenizerSpec['format'],
  notes: string[],
  cache: Cache | undefined,
): TokenizerSpec {
  const derived = cachedMergesFromRanks(tokens, path, cache);
  if (derived.mergeList.length === 0) {
    throw new UserError(
      `${path}: no merges: none of its ${tokens.length} tokens joins two lower-ranked tokens; expected BPE ranks`,
      path,
    );
  }
  if (derived.unreachable.length > 0) {
    notes.push(
      `${derived.unreachable.length} tokens are not reachable by lower-rank merges and give no merge`,
    );
  }
  const text = preTokenizerPreset(preset);
  return {
    name,
    source: path,
    format,
    alphabet: 'byte-level',
    mergeList: derived.mergeList,
    normalizer: normalizer ?? text.normalizer,
    preTokenizer: text.preTokenizer,
    notes,
  };
}
