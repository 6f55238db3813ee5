// The pipelines the differential tests check against the native package: every preset, every
// Split behaviour with and without invert, every other pre-tokenizer and normalizer, and regexes
// using the Oniguruma syntax V8 lacks.
import type { HfComponent } from '../../src/tokenizer/spec.js';
import type { Alphabet } from '../../src/tokenizer/spec.js';
import { PRE_TOKENIZER_PRESETS, preTokenizerPreset } from '../../src/tokenizer/presets.js';

export interface PipelineCase {
  name: string;
  alphabet: Alphabet;
  normalizer: HfComponent | null;
  preTokenizer: HfComponent | null;
}

const BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];
const split = (pattern: object, behavior: string, invert = false): HfComponent => ({
  type: 'Split',
  pattern,
  behavior,
  invert,
});
const byteLevel = (addPrefixSpace: boolean, useRegex: boolean): HfComponent => ({
  type: 'ByteLevel',
  add_prefix_space: addPrefixSpace,
  trim_offsets: true,
  use_regex: useRegex,
});

/** Regexes exercising the translation (Oniguruma syntax and Unicode-aware classes). */
export const REGEXES = [
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+",
  '\\s+|\\p{P}',
  '\\w+',
  '\\d+|\\D',
  '\\p{L}++\\p{N}?',
  '(?>\\p{L}+|\\p{L}+\\p{N})\\s?',
  '\\b\\p{L}',
  '^\\s*\\S|\\S$',
  '.{1,5}',
  '[\\h]+',
  '(?i)[a-f]+',
  '(?i:the|and|k|[q-u]+)',
  '[^\\s\\p{L}\\p{N}]+[\\r\\n]*',
  '\\x{263A}|\\x41|\\u00e9|\\t',
  '\\p{Han}+|\\p{Hiragana}+|\\p{^L}',
  '\\p{Lu}\\p{Ll}*|\\p{Nd}{2,}|\\s{2,}',
  "'(?:s|t)\\b",
  '\\A\\p{L}|\\p{L}\\z',
  '\\p{Greek}+|[\\p{Cyrillic}\\p{Armenian}]+',
  '(?<w>\\p{L})\\k<w>',
  '\\p{M}+|\\p{Sk}|\\p{Emoji_Presentation}',
  'a{,2}|b{2}|c{1,}',
];

export function pipelineCases(): PipelineCase[] {
  const cases: PipelineCase[] = [];
  for (const preset of PRE_TOKENIZER_PRESETS)
    cases.push({ name: `preset ${preset}`, ...preTokenizerPreset(preset) });
  cases.push({
    name: 'claude: NFKC + ByteLevel',
    alphabet: 'byte-level',
    normalizer: { type: 'NFKC' },
    preTokenizer: byteLevel(false, true),
  });
  for (const b of BEHAVIORS) {
    for (const invert of [false, true]) {
      cases.push({
        name: `Split regex ${b}${invert ? ' inverted' : ''}`,
        alphabet: 'characters',
        normalizer: null,
        preTokenizer: split({ Regex: '\\s+|[\\p{P}\\p{S}]' }, b, invert),
      });
      cases.push({
        name: `Split string ${b}${invert ? ' inverted' : ''}`,
        alphabet: 'characters',
        normalizer: null,
        preTokenizer: split({ String: ' ' }, b, invert),
      });
    }
    cases.push({
      name: `Punctuation ${b}`,
      alphabet: 'characters',
      normalizer: null,
      preTokenizer: { type: 'Punctuation', behavior: b },
    });
  }
  REGEXES.forEach((regex, k) => {
    cases.push({
      name: `regex ${k}: ${regex}`,
      alphabet: 'characters',
      normalizer: null,
      preTokenizer: split({ Regex: regex }, 'Isolated'),
    });
  });
  cases.push({
    name: 'Split multi-char string, merged with next',
    alphabet: 'characters',
    normalizer: null,
    preTokenizer: split({ String: '. ' }, 'MergedWithNext'),
  });
  for (const individual of [true, false]) {
    cases.push({
      name: `Digits individual=${individual}`,
      alphabet: 'characters',
      normalizer: null,
      preTokenizer: { type: 'Digits', individual_digits: individual },
    });
  }
  for (const scheme of ['first', 'always', 'never']) {
    for (const splitFlag of [true, false]) {
      cases.push({
        name: `Metaspace ${scheme} split=${splitFlag}`,
        alphabet: 'characters',
        normalizer: null,
        preTokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: scheme, split: splitFlag },
      });
    }
  }
  cases.push({
    name: 'Whitespace → Metaspace first (first piece moves)',
    alphabet: 'characters',
    normalizer: null,
    preTokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'WhitespaceSplit' },
        { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: true },
      ],
    },
  });
  for (const type of ['Whitespace', 'WhitespaceSplit', 'BertPreTokenizer']) {
    cases.push({ name: type, alphabet: 'characters', normalizer: null, preTokenizer: { type } });
  }
  cases.push({
    name: 'CharDelimiterSplit',
    alphabet: 'characters',
    normalizer: null,
    preTokenizer: { type: 'CharDelimiterSplit', delimiter: 'e' },
  });
  for (const prefix of [false, true]) {
    for (const useRegex of [false, true]) {
      cases.push({
        name: `ByteLevel prefix=${prefix} regex=${useRegex}`,
        alphabet: 'byte-level',
        normalizer: null,
        preTokenizer: byteLevel(prefix, useRegex),
      });
    }
  }
  cases.push({
    name: 'Sequence Whitespace → Digits → ByteLevel(prefix)',
    alphabet: 'byte-level',
    normalizer: null,
    preTokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Whitespace' },
        { type: 'Digits', individual_digits: true },
        byteLevel(true, true),
      ],
    },
  });
  cases.push({
    name: 'Sequence ByteLevel → Split on Ġ (after byte mapping)',
    alphabet: 'byte-level',
    normalizer: null,
    preTokenizer: {
      type: 'Sequence',
      pretokenizers: [byteLevel(false, false), split({ String: '\u0120' }, 'MergedWithNext')],
    },
  });
  // Normalizers, each followed by a simple pre-tokenizer so the whole pipeline is compared too.
  const normalizers: HfComponent[] = [
    { type: 'NFC' },
    { type: 'NFD' },
    { type: 'NFKC' },
    { type: 'NFKD' },
    { type: 'Lowercase' },
    { type: 'Prepend', prepend: '\u2581' },
    { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
    { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
    { type: 'Replace', pattern: { Regex: '(?i:a|e)' }, content: '' },
    { type: 'Strip', strip_left: true, strip_right: true },
    { type: 'Strip', strip_left: false, strip_right: true },
    { type: 'StripAccents' },
    { type: 'Nmt' },
    { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] },
    {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '\u2581' },
        { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
      ],
    },
  ];
  for (const normalizer of normalizers) {
    cases.push({
      name: `normalizer ${JSON.stringify(normalizer)}`,
      alphabet: 'characters',
      normalizer,
      preTokenizer: { type: 'WhitespaceSplit' },
    });
  }
  cases.push({
    name: 'normalizer ByteLevel',
    alphabet: 'byte-level',
    normalizer: { type: 'ByteLevel' },
    preTokenizer: null,
  });
  return cases;
}
