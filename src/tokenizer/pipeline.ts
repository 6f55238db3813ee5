// The text pipeline of a tokenizer: its normalizer then its pre-tokenizer, compiled from plain JSON
// (so worker threads can rebuild it from a message), producing pre-tokens in the spec's alphabet.
import { UserError } from '../common/errors.js';
import { hashKey } from '../common/hash.js';
import type { HfComponent, TextPipeline, TokenizerSpec } from './spec.js';
import { compileNormalizer } from './normalizers.js';
import { compilePreTokenizer, gpt2PatternRegex, type PreTokenizeState } from './pre-tokenizers.js';
import { patternRegex } from './normalizers.js';
import { parseBehavior } from './split.js';
import { textToByteLevel } from './byte-level.js';
import { checkComponentDepth } from './limits.js';

export type PipelineText = Pick<TokenizerSpec, 'alphabet' | 'normalizer' | 'preTokenizer'>;

/** Compiles a spec's text side into a TextPipeline. Throws UserError for unsupported components. */
export function createPipeline(text: PipelineText): TextPipeline {
  const alphabet = text.alphabet;
  if (alphabet !== 'byte-level' && alphabet !== 'characters') {
    throw new UserError(`alphabet ${JSON.stringify(alphabet)} is unknown; expected byte-level or characters`);
  }
  // Compiling recurses into Sequences: refuse hostile nesting before it can overflow the stack.
  checkComponentDepth(text.normalizer, 'normalizer');
  checkComponentDepth(text.preTokenizer, 'pre_tokenizer');
  const normalize = compileNormalizer(text.normalizer);
  const compiled = compilePreTokenizer(text.preTokenizer);
  const normalizerByteLevel = containsType(text.normalizer, 'ByteLevel');
  const mapsBytes = compiled.byteLevel || normalizerByteLevel;
  if (alphabet === 'characters' && mapsBytes) {
    throw new UserError(
      'a ByteLevel normalizer or pre-tokenizer needs the byte-level alphabet, not characters',
    );
  }
  // A byte-level alphabet with no ByteLevel step: map the final pieces (e.g. merges.txt + a character preset).
  const mapAtEnd = alphabet === 'byte-level' && !mapsBytes;
  const steps = compiled.steps;
  const fast = fastRegexByteLevel(text.preTokenizer);

  const general = (normalized: string): string[] => {
    if (normalized.length === 0) return [];
    let pieces = [normalized];
    const state: PreTokenizeState = { firstAtStart: true };
    for (const step of steps) pieces = step(pieces, state);
    if (mapAtEnd) for (let k = 0; k < pieces.length; k++) pieces[k] = textToByteLevel(pieces[k]);
    return pieces;
  };

  const preTokenize =
    fast === null ? general : (normalized: string): string[] => fast(normalized) ?? general(normalized);

  return {
    alphabet,
    normalize,
    preTokenize,
    key: hashKey({ alphabet, normalizer: text.normalizer ?? null, preTokenizer: text.preTokenizer ?? null }),
  };
}

function containsType(component: HfComponent | null | undefined, type: string): boolean {
  if (!component) return false;
  if (component.type === type) return true;
  for (const key of ['normalizers', 'pretokenizers']) {
    const list = component[key];
    if (Array.isArray(list) && list.some((c) => containsType(c as HfComponent, type))) return true;
  }
  return false;
}

/**
 * The hot path of byte-level tokenizers: one regex isolating pieces, then the byte mapping
 * (ByteLevel with its regex, or Split(Regex, Isolated) + ByteLevel without). It returns null
 * when the regex's matches do not cover the text, and the general path handles it.
 */
function fastRegexByteLevel(pre: HfComponent | null): ((text: string) => string[] | null) | null {
  if (!pre) return null;
  let re: RegExp | null = null;
  const noPrefix = (c: HfComponent): boolean => c.add_prefix_space !== true;
  if (pre.type === 'ByteLevel' && pre.use_regex !== false && noPrefix(pre)) {
    re = gpt2PatternRegex();
  } else if (pre.type === 'Sequence' && Array.isArray(pre.pretokenizers) && pre.pretokenizers.length === 2) {
    const [split, byteLevel] = pre.pretokenizers as HfComponent[];
    if (
      split?.type === 'Split' &&
      split.invert !== true &&
      parseBehavior(split.behavior, 'pre_tokenizer Split') === 'isolated' &&
      byteLevel?.type === 'ByteLevel' &&
      byteLevel.use_regex === false &&
      noPrefix(byteLevel)
    ) {
      re = patternRegex(split.pattern, 'pre_tokenizer Split');
    }
  }
  if (re === null) return null;
  const regex = re;
  const cache = new Map<string, string>();
  const CACHE_LIMIT = 1 << 17;
  return (text) => {
    if (text.length === 0) return [];
    const matches = text.match(regex);
    if (matches === null) return null;
    let covered = 0;
    for (let k = 0; k < matches.length; k++) {
      const piece = matches[k];
      if (piece.length === 0) return null;
      covered += piece.length;
      let mapped = cache.get(piece);
      if (mapped === undefined) {
        mapped = textToByteLevel(piece);
        if (piece.length <= 24) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          cache.set(piece, mapped);
        }
      }
      matches[k] = mapped;
    }
    return covered === text.length ? matches : null;
  };
}
