// Hugging Face pre-tokenizers (the `pre_tokenizer` field of tokenizer.json) compiled to steps over
// a list of string pieces, with HF's semantics: each step splits every piece and drops empty ones.
import { UserError } from '../common/errors.js';
import type { HfComponent } from './spec.js';
import { compileRegex } from './regex.js';
import { charSegments, cutSegments, parseBehavior, regexSegments, type SplitBehavior } from './split.js';
import { textToByteLevel } from './byte-level.js';
import { asComponent, patternRegex } from './normalizers.js';

/** GPT-2's pattern, as HF's ByteLevel pre-tokenizer hard-codes it. */
export const GPT2_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** State carried along the steps: whether pieces[0] still begins at offset 0 of the text (Metaspace `first`). */
export interface PreTokenizeState {
  firstAtStart: boolean;
}

export type PreTokenizeStep = (pieces: string[], state: PreTokenizeState) => string[];

export interface CompiledPreTokenizer {
  steps: PreTokenizeStep[];
  /** True when a ByteLevel step maps the pieces to GPT-2's byte symbols. */
  byteLevel: boolean;
}

/** Splits every piece with `cut` (which pushes sub-pieces and returns the first one's offset, or -1). */
function splitAll(
  pieces: string[],
  state: PreTokenizeState,
  cut: (piece: string, out: string[]) => number,
): string[] {
  const out: string[] = [];
  for (let p = 0; p < pieces.length; p++) {
    const before = out.length;
    const firstOffset = cut(pieces[p], out);
    if (p === 0 && state.firstAtStart) state.firstAtStart = out.length > before && firstOffset === 0;
  }
  return out;
}

function regexStep(re: RegExp, behavior: SplitBehavior, invert: boolean): PreTokenizeStep {
  const segments: number[] = [];
  return (pieces, state) =>
    splitAll(pieces, state, (piece, out) => {
      regexSegments(re, piece, segments);
      return cutSegments(piece, segments, behavior, invert, out);
    });
}

function charStep(isDelimiter: (cp: number) => boolean, behavior: SplitBehavior): PreTokenizeStep {
  const segments: number[] = [];
  return (pieces, state) =>
    splitAll(pieces, state, (piece, out) => {
      charSegments(isDelimiter, piece, segments);
      return cutSegments(piece, segments, behavior, false, out);
    });
}

/** A code-point predicate from a one-character V8 class, with an ASCII table. */
function charPredicate(klass: RegExp): (cp: number) => boolean {
  const ascii = new Uint8Array(128);
  for (let cp = 0; cp < 128; cp++) ascii[cp] = klass.test(String.fromCharCode(cp)) ? 1 : 0;
  return (cp) => (cp < 128 ? ascii[cp] === 1 : klass.test(String.fromCodePoint(cp)));
}

/** Rust's char::is_numeric (Nd, Nl, No). */
export const isNumeric = charPredicate(/^\p{N}$/u);
/** Rust's char::is_whitespace (White_Space). */
export const isWhitespace = charPredicate(/^\p{White_Space}$/u);
/** HF's is_punc: ASCII punctuation (which includes $ + < = > ^ ` | ~) or Unicode P*. */
export const isPunctuation = charPredicate(/^[\p{P}!-/:-@[-`{-~]$/u);

/** HF's Whitespace pre-tokenizer regex `\w+|[^\w\s]+` in Rust's regex crate (\w includes Join_Control). */
const RUST_WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const WHITESPACE_RE = new RegExp(`[${RUST_WORD}]+|[^${RUST_WORD}\\p{White_Space}]+`, 'gu');

let gpt2Regex: RegExp | undefined;
export function gpt2PatternRegex(): RegExp {
  gpt2Regex ??= compileRegex(GPT2_PATTERN, 'pre_tokenizer ByteLevel');
  return new RegExp(gpt2Regex.source, 'gu');
}

/** Compiles an HF pre-tokenizer (or null: the whole text is one piece). */
export function compilePreTokenizer(component: HfComponent | null | undefined): CompiledPreTokenizer {
  const compiled: CompiledPreTokenizer = { steps: [], byteLevel: false };
  if (component) addSteps(component, compiled);
  return compiled;
}

function addSteps(component: HfComponent, compiled: CompiledPreTokenizer): void {
  const where = `pre_tokenizer ${component.type}`;
  const steps = compiled.steps;
  switch (component.type) {
    case 'Sequence': {
      const list = component.pretokenizers;
      if (!Array.isArray(list)) throw new UserError(`${where}: expected a "pretokenizers" array`);
      for (const item of list) addSteps(asComponent(item, where), compiled);
      return;
    }
    case 'ByteLevel': {
      const addPrefixSpace = component.add_prefix_space === true;
      const useRegex = component.use_regex !== false;
      const re = useRegex ? gpt2PatternRegex() : null;
      const segments: number[] = [];
      compiled.byteLevel = true;
      steps.push((pieces, state) => {
        const split = splitAll(pieces, state, (piece, out) => {
          const text = addPrefixSpace && !piece.startsWith(' ') ? ` ${piece}` : piece;
          if (re === null) {
            out.push(text);
            return 0;
          }
          regexSegments(re, text, segments);
          return cutSegments(text, segments, 'isolated', false, out);
        });
        for (let k = 0; k < split.length; k++) split[k] = textToByteLevel(split[k]);
        return split;
      });
      return;
    }
    case 'Split': {
      const re = patternRegex(component.pattern, where);
      steps.push(regexStep(re, parseBehavior(component.behavior, where), component.invert === true));
      return;
    }
    case 'Digits':
      steps.push(charStep(isNumeric, component.individual_digits === true ? 'isolated' : 'contiguous'));
      return;
    case 'Punctuation':
      steps.push(
        charStep(
          isPunctuation,
          component.behavior === undefined ? 'isolated' : parseBehavior(component.behavior, where),
        ),
      );
      return;
    case 'Whitespace':
      steps.push(regexStep(WHITESPACE_RE, 'removed', true));
      return;
    case 'WhitespaceSplit':
      steps.push(charStep(isWhitespace, 'removed'));
      return;
    case 'BertPreTokenizer':
      steps.push(charStep(isWhitespace, 'removed'), charStep(isPunctuation, 'isolated'));
      return;
    case 'CharDelimiterSplit': {
      const delimiter = component.delimiter;
      if (typeof delimiter !== 'string' || [...delimiter].length !== 1) {
        throw new UserError(`${where}: expected a one-character "delimiter"`);
      }
      const code = delimiter.codePointAt(0)!;
      steps.push(charStep((cp) => cp === code, 'removed'));
      return;
    }
    case 'Metaspace':
      steps.push(metaspaceStep(component, where));
      return;
    default:
      throw new UserError(
        `pre_tokenizer ${component.type} is not supported by tokmix (supported: ByteLevel, Split, Digits, Metaspace, Whitespace, WhitespaceSplit, Punctuation, BertPreTokenizer, CharDelimiterSplit, Sequence)`,
      );
  }
}

function metaspaceStep(component: HfComponent, where: string): PreTokenizeStep {
  const replacement = typeof component.replacement === 'string' ? component.replacement : '\u2581';
  if ([...replacement].length !== 1) throw new UserError(`${where}: "replacement" must be one character`);
  let scheme = component.prepend_scheme ?? 'always';
  if (component.add_prefix_space === false) {
    if (component.prepend_scheme !== undefined && component.prepend_scheme !== 'never') {
      throw new UserError(`${where}: add_prefix_space does not match declared prepend_scheme`);
    }
    scheme = 'never';
  }
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') {
    throw new UserError(
      `${where}: unknown prepend_scheme ${JSON.stringify(scheme)}; expected first, always or never`,
    );
  }
  const split = component.split !== false;
  const code = replacement.codePointAt(0)!;
  const segments: number[] = [];
  return (pieces, state) => {
    const out: string[] = [];
    for (let p = 0; p < pieces.length; p++) {
      let piece = pieces[p].replaceAll(' ', replacement);
      if (!piece.startsWith(replacement)) {
        if (scheme === 'always' || (scheme === 'first' && p === 0 && state.firstAtStart)) {
          piece = replacement + piece;
        }
      }
      if (!split) {
        out.push(piece);
        continue;
      }
      const before = out.length;
      charSegments((cp) => cp === code, piece, segments);
      const firstOffset = cutSegments(piece, segments, 'merged_with_next', false, out);
      if (p === 0 && state.firstAtStart) state.firstAtStart = out.length > before && firstOffset === 0;
    }
    return out;
  };
}
