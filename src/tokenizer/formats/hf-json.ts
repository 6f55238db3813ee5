// Hugging Face tokenizer.json with a BPE model: merges ("a b" strings or ["a","b"] pairs), the
// normalizer and the pre-tokenizer. SentencePiece conversions (Llama, Mistral, Gemma) get their merges
// cleaned (paper App. C.3) and their family's approximate pre-tokenization, since the file lacks it;
// conversions of tiktoken ranks get their merges derived from the ranks (rank-conversion.ts).
import { UserError } from '../../common/errors.js';
import type { Alphabet, HfComponent, Merge, TokenizerSpec } from '../spec.js';
import { cleanSentencePieceMerges } from '../sentencepiece.js';
import { checkMergeList, checkMergesInVocab } from './merges-check.js';
import { checkComponentDepth, checkMergeCount } from '../limits.js';
import { BYTE_TO_SYMBOL as BYTE_SYMBOLS } from '../byte-level.js';
import { mergeOrderProblem, mergesFromRankConversion } from '../rank-conversion.js';
import { preTokenizerPreset, type PreTokenizerPreset } from '../presets.js';

export interface HfTokenizerParts {
  alphabet: Alphabet;
  mergeList: Merge[];
  normalizer: HfComponent | null;
  preTokenizer: HfComponent | null;
  /**
   * For SentencePiece conversions (the file's normalizer/pre-tokenizer are not the trainer's): the
   * preset approximating its family's training-time pre-tokenization, and why that family; else null.
   */
  sentencePiece: { preset: PreTokenizerPreset; family: string } | null;
  notes: string[];
}

function hasType(component: unknown, type: string): boolean {
  if (component === null || typeof component !== 'object') return false;
  const c = component as HfComponent;
  if (c.type === type) return true;
  for (const key of ['normalizers', 'pretokenizers']) {
    const list = c[key];
    if (Array.isArray(list) && list.some((x) => hasType(x, type))) return true;
  }
  return false;
}

function optionalComponent(value: unknown, field: string, path: string): HfComponent | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || typeof (value as HfComponent).type !== 'string') {
    throw new UserError(`${path}: "${field}" must be null or an object with a "type"`, path);
  }
  return value as HfComponent;
}

/** Reads the parts of a parsed tokenizer.json. */
export function readHfTokenizer(json: unknown, path: string): HfTokenizerParts {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new UserError(`${path}: expected a tokenizer.json object`, path);
  }
  const root = json as Record<string, unknown>;
  const model = root.model as Record<string, unknown> | undefined;
  if (model === null || typeof model !== 'object') {
    throw new UserError(`${path}: no "model" object; is this a Hugging Face tokenizer.json?`, path);
  }
  const type =
    typeof model.type === 'string'
      ? model.type
      : 'merges' in model
        ? 'BPE'
        : 'vocab' in model
          ? 'WordPiece or Unigram'
          : 'unknown';
  if (type !== 'BPE') {
    throw new UserError(
      `${path}: a ${type} model; tokmix infers mixtures from BPE merge lists only, so use a BPE tokenizer`,
      path,
    );
  }
  if (!Array.isArray(model.merges)) throw new UserError(`${path}: the BPE model has no "merges" array`, path);
  checkMergeCount(model.merges.length, path);
  // Before anything walks them recursively (hasType, withDefaults, the pipeline, cache keys).
  checkComponentDepth(root.normalizer, 'normalizer', path);
  checkComponentDepth(root.pre_tokenizer, 'pre_tokenizer', path);
  const mergeList: Merge[] = model.merges.map((entry: unknown, k: number): Merge => {
    if (typeof entry === 'string') {
      const space = entry.indexOf(' ');
      if (space <= 0 || space === entry.length - 1 || entry.indexOf(' ', space + 1) >= 0) {
        throw new UserError(`${path}: merge ${k + 1} ${JSON.stringify(entry)} is not "left right"`, path);
      }
      return [entry.slice(0, space), entry.slice(space + 1)];
    }
    if (Array.isArray(entry) && entry.length === 2 && entry.every((x) => typeof x === 'string')) {
      return [entry[0] as string, entry[1] as string];
    }
    throw new UserError(`${path}: merge ${k + 1} is neither "left right" nor ["left", "right"]`, path);
  });
  if (mergeList.length === 0) throw new UserError(`${path}: the BPE model has no merges`, path);
  let vocab: Record<string, unknown> | null = null;
  if (model.vocab !== undefined && model.vocab !== null) {
    if (typeof model.vocab !== 'object' || Array.isArray(model.vocab)) {
      throw new UserError(`${path}: the BPE model's "vocab" must be an object of token → id`, path);
    }
    vocab = model.vocab as Record<string, unknown>;
    checkMergesInVocab(mergeList, vocab, path);
  }
  const normalizer = optionalComponent(root.normalizer, 'normalizer', path);
  const preTokenizer = withDefaults(optionalComponent(root.pre_tokenizer, 'pre_tokenizer', path));
  const alphabet: Alphabet =
    hasType(preTokenizer, 'ByteLevel') || hasType(normalizer, 'ByteLevel') ? 'byte-level' : 'characters';
  const notes: string[] = [];
  if (model.continuing_subword_prefix || model.end_of_word_suffix) {
    throw new UserError(
      `${path}: BPE with continuing_subword_prefix/end_of_word_suffix is not supported; use a byte-level or SentencePiece BPE`,
      path,
    );
  }
  const isSentencePiece =
    alphabet === 'characters' &&
    (model.byte_fallback === true ||
      (vocab !== null && Object.prototype.hasOwnProperty.call(vocab, '<0x0A>')) ||
      hasType(preTokenizer, 'Metaspace') ||
      replacesSpaceWithMetaspace(normalizer)) &&
    onlySplitsAtSpaces(preTokenizer);
  if (isSentencePiece) {
    const cleaned = cleanSentencePieceMerges(mergeList);
    checkMergeList(cleaned.mergeList, alphabet, path, false);
    if (cleaned.dropped > 0) {
      notes.push(
        `SentencePiece conversion: ${cleaned.dropped} of ${mergeList.length} merges produce a token another merge already produces; kept the one built from the earliest merges (paper App. C.3)`,
      );
    }
    const sentencePiece = sentencePieceFamily(normalizer, preTokenizer);
    return { alphabet, mergeList: cleaned.mergeList, normalizer, preTokenizer, sentencePiece, notes };
  }
  if (alphabet === 'byte-level' && vocab !== null) {
    const added = addedTokens(root.added_tokens);
    const tokens = Object.keys(vocab).filter((token) => !added.has(token)).length;
    const problem = mergeOrderProblem(mergeList, tokens);
    if (problem !== undefined) {
      const conversion = mergesFromRankConversion(mergeList, vocab, added, path, problem);
      return {
        alphabet,
        mergeList: conversion.mergeList,
        normalizer,
        preTokenizer,
        sentencePiece: null,
        notes: conversion.notes,
      };
    }
  }
  checkMergeList(mergeList, alphabet, path, alphabet === 'byte-level');
  return { alphabet, mergeList, normalizer, preTokenizer, sentencePiece: null, notes };
}

/** The contents of a tokenizer.json's added tokens (specials, never merged). */
export function addedTokens(list: unknown): Set<string> {
  const added = new Set<string>();
  if (Array.isArray(list)) {
    for (const entry of list as Array<{ content?: unknown } | null>) {
      if (entry && typeof entry.content === 'string') added.add(entry.content);
    }
  }
  return added;
}

/** A pre-tokenizer a SentencePiece conversion may carry: none, Metaspace, a Split at spaces, or a
 *  Sequence of these (after Replace(" " → "▁") a Split at " " finds nothing). */
function onlySplitsAtSpaces(component: HfComponent | null): boolean {
  if (component === null) return true;
  if (component.type === 'Metaspace') return true;
  if (component.type === 'Split') {
    const pattern = component.pattern as { String?: unknown } | undefined;
    return pattern?.String === ' ' || pattern?.String === '\u2581';
  }
  if (component.type === 'Sequence' && Array.isArray(component.pretokenizers)) {
    return component.pretokenizers.every((c) => onlySplitsAtSpaces(c as HfComponent));
  }
  return false;
}

/**
 * The family of a SentencePiece conversion, read from its prefix-space rule: a file that puts "▁"
 * before the text (Prepend normalizer or a prepending Metaspace: SentencePiece's dummy prefix) is
 * Llama/Mistral-like; one that does not is Gemma-like (no dummy prefix, whitespace-only pieces).
 */
function sentencePieceFamily(
  normalizer: HfComponent | null,
  preTokenizer: HfComponent | null,
): { preset: PreTokenizerPreset; family: string } {
  const prepends = (c: unknown): boolean => {
    if (c === null || typeof c !== 'object') return false;
    const component = c as HfComponent;
    if (component.type === 'Prepend') return component.prepend === '\u2581';
    if (component.type === 'Metaspace') {
      if (component.prepend_scheme !== undefined) return component.prepend_scheme !== 'never';
      return component.add_prefix_space !== false;
    }
    const list = component.normalizers ?? component.pretokenizers;
    return Array.isArray(list) && list.some(prepends);
  };
  return prepends(normalizer) || prepends(preTokenizer)
    ? {
        preset: 'sentencepiece',
        family: 'Llama/Mistral family (the file prepends "▁": a dummy prefix)',
      }
    : {
        preset: 'sentencepiece-gemma',
        family: 'Gemma family (the file prepends no "▁": no dummy prefix)',
      };
}

/**
 * The spec of a parsed tokenizer.json (`where.path` names it in errors). SentencePiece conversions
 * get their family's preset; `preset` replaces the file's pipeline, with a note either way.
 */
export function hfJsonSpec(
  json: unknown,
  where: { path: string; name: string; source: string },
  preset?: PreTokenizerPreset,
): TokenizerSpec {
  const parts = readHfTokenizer(json, where.path);
  const notes = [...parts.notes];
  let normalizer = parts.normalizer;
  let preTokenizer = parts.preTokenizer;
  if (parts.sentencePiece !== null || preset !== undefined) {
    const chosen = preset ?? parts.sentencePiece!.preset;
    const text = preTokenizerPreset(chosen);
    normalizer = text.normalizer;
    preTokenizer = text.preTokenizer;
    notes.push(
      parts.sentencePiece !== null && preset === undefined
        ? `SentencePiece conversion, ${parts.sentencePiece.family}: its training-time pre-tokenization is not in the file; using the paper's approximation for that family (preset ${chosen})`
        : `pre-tokenizer and normalizer of the file replaced by the preset ${chosen}`,
    );
  }
  return {
    name: where.name,
    source: where.source,
    format: 'tokenizer.json',
    alphabet: parts.alphabet,
    mergeList: parts.mergeList,
    normalizer,
    preTokenizer,
    notes,
  };
}

/** Fills the defaults HF applies when a field is absent (ByteLevel's use_regex), so equal
 *  tokenizers give equal specs whichever version of the library wrote the file. */
function withDefaults(component: HfComponent | null): HfComponent | null {
  if (component === null) return null;
  if (component.type === 'ByteLevel' && component.use_regex === undefined)
    return { ...component, use_regex: true };
  if (component.type === 'Sequence' && Array.isArray(component.pretokenizers)) {
    return {
      ...component,
      pretokenizers: component.pretokenizers.map((c) => withDefaults(c as HfComponent)),
    };
  }
  return component;
}

function replacesSpaceWithMetaspace(normalizer: HfComponent | null): boolean {
  if (!normalizer) return false;
  if (normalizer.type === 'Replace') {
    const pattern = normalizer.pattern as { String?: string } | undefined;
    return pattern?.String === ' ' && normalizer.content === '\u2581';
  }
  const list = normalizer.normalizers;
  return Array.isArray(list) && list.some((c) => replacesSpaceWithMetaspace(c as HfComponent));
}

/** A tokenizer.json with a BPE model that the native `tokenizers` package loads. */
export function toTokenizerJsonText(parts: {
  alphabet: Alphabet;
  mergeList: readonly Merge[];
  normalizer: HfComponent | null;
  preTokenizer: HfComponent | null;
}): string {
  const ids = new Map<string, number>();
  const add = (token: string): void => {
    if (!ids.has(token)) ids.set(token, ids.size);
  };
  if (parts.alphabet === 'byte-level') {
    // GPT-2's order of the 256 byte symbols: printable ones first, as in its encoder.json.
    for (const symbol of byteLevelVocabOrder()) add(symbol);
  }
  for (const [l, r] of parts.mergeList) {
    for (const part of [l, r])
      if (part.length === 1 || (part.length === 2 && part.codePointAt(0)! > 0xffff)) add(part);
  }
  for (const [l, r] of parts.mergeList) add(l + r);
  const json = tokenizerJsonObject({
    normalizer: parts.normalizer,
    preTokenizer: parts.preTokenizer,
    decoder:
      parts.alphabet === 'byte-level'
        ? { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }
        : null,
    vocab: Object.fromEntries(ids),
    merges: parts.mergeList.map(([l, r]) => [l, r]),
  });
  return `${JSON.stringify(json, null, 2)}\n`;
}

function byteLevelVocabOrder(): string[] {
  const order: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) order.push(b);
  for (let b = 0xa1; b <= 0xac; b++) order.push(b);
  for (let b = 0xae; b <= 0xff; b++) order.push(b);
  for (let b = 0; b < 256; b++) if (!order.includes(b)) order.push(b);
  return order.map((b) => BYTE_SYMBOLS[b]);
}

/** A tokenizer.json object with a BPE model and everything else Hugging Face's defaults. */
function tokenizerJsonObject(parts: {
  normalizer: HfComponent | null;
  preTokenizer: HfComponent | null;
  decoder: HfComponent | null;
  vocab: Record<string, number>;
  merges: [string, string][];
}): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: parts.normalizer,
    pre_tokenizer: parts.preTokenizer,
    post_processor: null,
    decoder: parts.decoder,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: parts.vocab,
      merges: parts.merges,
    },
  };
}

/** A minimal tokenizer.json holding just the text side of a spec (an empty BPE model), for the
 *  native package's pre-tokenizer and trainer. */
export function textOnlyTokenizerJson(text: {
  alphabet?: Alphabet;
  normalizer: HfComponent | null;
  preTokenizer: HfComponent | null;
}): string {
  return JSON.stringify(
    tokenizerJsonObject({
      normalizer: text.normalizer,
      preTokenizer: text.preTokenizer,
      decoder: null,
      vocab: {},
      merges: [],
    }),
  );
}
