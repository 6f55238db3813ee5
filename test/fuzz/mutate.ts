// Random mutations for the loader fuzz suite: byte-level (bit flips, truncation, NUL, invalid
// UTF-8, CRLF), line-level (swapped, duplicated, junk lines) and structural JSON (wrong types,
// deep nesting, huge numbers, broken regexes), all drawn from one seeded generator.
import type { Rng } from '../../src/common/random.js';

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xc3],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xc0, 0xaf], // overlong '/'
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

/** One random byte-level change. */
export function mutateBytes(rng: Rng, input: Buffer): Buffer {
  const at = (): number => rng.int(input.length + 1);
  const ops: Array<() => Buffer> = [
    () => {
      const out = Buffer.from(input);
      for (let k = 1 + rng.int(8); k > 0 && out.length > 0; k--) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    },
    () => input.subarray(0, at()),
    () => {
      const i = at();
      return Buffer.concat([input.subarray(0, i), Buffer.from([0]), input.subarray(i)]);
    },
    () => {
      const i = at();
      return Buffer.concat([input.subarray(0, i), Buffer.from(pick(rng, INVALID_UTF8)), input.subarray(i)]);
    },
    () => Buffer.from(input.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'),
    () => Buffer.from(input.toString('latin1').replace(/\n/g, '\r'), 'latin1'),
    () => {
      const i = at();
      const j = Math.min(input.length, i + rng.int(64));
      return Buffer.concat([input.subarray(0, i), input.subarray(j)]);
    },
    () => {
      const i = at();
      const j = Math.min(input.length, i + rng.int(256));
      return Buffer.concat([input.subarray(0, j), input.subarray(i, j), input.subarray(j)]);
    },
    () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input]),
    () => {
      const i = at();
      const junk = Buffer.alloc(1 + rng.int(16));
      for (let k = 0; k < junk.length; k++) junk[k] = rng.int(256);
      return Buffer.concat([input.subarray(0, i), junk, input.subarray(i)]);
    },
    () => Buffer.alloc(0),
  ];
  return pick(rng, ops)();
}

const JUNK_LINES = [
  '',
  ' ',
  '#version: 0.2',
  'a',
  'a  b',
  'a b c',
  ' a b',
  'a\tb',
  '\u0000 x',
  '\ufffd \ufffd',
  'Ġ Ġ',
  '▁ ▁',
  '{"text": 1}',
  '{"text": null}',
  '{"text": {"a": [1]}}',
  '{"text": "ok", "text": 2}',
  '{',
  '"',
  '"unclosed,quote',
  'text,text',
  'a,"b""c",d',
  '=== 1',
  'AAAA 99999999999999999999',
  'AAAA -1',
  'AAAA 1.5',
  '!!!! 0',
];

/** One random line-level change (merges.txt, .tiktoken, category text, JSON Lines, CSV). */
export function mutateLines(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const i = rng.int(lines.length);
  const j = rng.int(lines.length);
  const ops: Array<() => void> = [
    () => ([lines[i], lines[j]] = [lines[j], lines[i]]),
    () => lines.splice(i, 0, lines[j]),
    () => lines.splice(i, 1),
    () => lines.splice(i, 0, pick(rng, JUNK_LINES)),
    () => (lines[i] = lines[i].replace(' ', pick(rng, ['  ', '\t', '', ' \u00a0', ' x ']))),
    () => (lines[i] = lines[i].replace(',', pick(rng, ['"', ',,', '\t', '']))),
    () => (lines[i] = `${lines[i]} ${lines[j]}`),
    () => lines.reverse(),
    () => lines.splice(i, 0, 'x'.repeat(1 + rng.int(200_000))),
    () => lines.splice(0, lines.length, lines[i]),
    () => (lines[i] = lines[i].slice(0, rng.int(lines[i].length + 1))),
  ];
  pick(rng, ops)();
  return lines.join('\n');
}

/** Syntax fragments a regex mutation inserts: unbalanced groups, quantifiers, escapes, classes. */
const REGEX_FRAGMENTS = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '{2,}',
  '{,3}',
  '{99999}',
  '*',
  '+',
  '?',
  '++',
  '*?',
  '|',
  '\\',
  '\\p{',
  '\\p{Foo}',
  '\\p{^L}',
  '\\P{N}',
  '(?<',
  '(?<w>',
  '\\k<w>',
  '\\k<zz>',
  '(?i)',
  '(?i:',
  '(?x)',
  '(?=',
  '(?<=a+',
  '(?>',
  '\\x{',
  '\\x{110000}',
  '\\u',
  '\\Q',
  '\\G',
  '\\z',
  '^',
  '$',
  '.',
  '-',
  '[^]',
  '[z-a]',
  '[[:alpha:]]',
  '\\1',
  '\\h',
  '\\R',
  '\\X',
];

/** A regex source with a few random syntax fragments inserted or a slice removed. */
export function mutateRegex(rng: Rng, source: string): string {
  let out = source;
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const i = rng.int(out.length + 1);
    if (rng.int(4) === 0) out = out.slice(0, i) + out.slice(Math.min(out.length, i + 1 + rng.int(6)));
    else out = out.slice(0, i) + pick(rng, REGEX_FRAGMENTS) + out.slice(i);
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const WRONG_TYPES: readonly Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  '',
  'x',
  'NaN',
  [],
  [null],
  {},
  { type: 'Foo' },
  { type: 42 },
];

const COMPONENT_TYPES = [
  'Foo',
  'Sequence',
  'ByteLevel',
  'Split',
  'Metaspace',
  'Digits',
  'Whitespace',
  'WhitespaceSplit',
  'Punctuation',
  'BertPreTokenizer',
  'CharDelimiterSplit',
  'NFC',
  'NFKC',
  'Lowercase',
  'Replace',
  'Prepend',
  'Strip',
  'StripAccents',
  'Nmt',
  'Precompiled',
  'UnicodeScripts',
  'WordPiece',
  'Unigram',
  'BPE',
  'bpe',
  '',
];

/** Every [parent, key] slot of a JSON value, root excluded. */
function slots(value: Json, out: Array<[Json[] | Record<string, Json>, string | number]> = []) {
  if ((value as unknown) instanceof Deep) return out;
  if (Array.isArray(value)) {
    // Long arrays (merges, vocab) contribute a few sampled slots, not thousands.
    const step = Math.max(1, Math.floor(value.length / 16));
    for (let k = 0; k < value.length; k += step) {
      out.push([value, k]);
      slots(value[k], out);
    }
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const step = Math.max(1, Math.floor(keys.length / 16));
    for (let k = 0; k < keys.length; k += step) {
      out.push([value, keys[k]]);
      slots(value[keys[k]], out);
    }
  }
  return out;
}

/** A value to be written wrapped `depth` times in arrays or Sequence components. JSON.stringify
 *  overflows the stack long before JSON.parse does, so toJsonText writes the wrapping as text. */
class Deep {
  constructor(
    readonly inner: Json,
    readonly depth: number,
    readonly how: 'array' | 'pretokenizers' | 'normalizers',
  ) {}
}

/** JSON text of a mutated value, Deep wrappers written out as text. */
export function toJsonText(value: Json): string {
  const deep: Deep[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof Deep)) return v;
    deep.push(v);
    return `\u0000deep${deep.length - 1}`;
  });
  if (text === undefined) return '';
  return text.replace(/"\\u0000deep(\d+)"/g, (_m, k: string) => {
    const d = deep[Number(k)];
    const open = d.how === 'array' ? '[' : `{"type":"Sequence","${d.how}":[`;
    const close = d.how === 'array' ? ']' : ']}';
    return open.repeat(d.depth) + toJsonText(d.inner) + close.repeat(d.depth);
  });
}

/** One random structural change to a parsed JSON value (mutates it in place; returns the new root). */
export function mutateJson(rng: Rng, root: Json): Json {
  const all = slots(root);
  if (all.length === 0) return pick(rng, WRONG_TYPES);
  const [parent, key] = pick(rng, all);
  const get = (): Json => (parent as Record<string | number, Json>)[key];
  const set = (value: Json): void => {
    (parent as Record<string | number, Json>)[key] = value;
  };
  const ops: Array<() => void> = [
    () => {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    },
    () => set(pick(rng, WRONG_TYPES)),
    () =>
      set(
        new Deep(
          get(),
          1 + rng.int(rng.int(2) === 0 ? 50 : 20_000),
          pick(rng, ['array', 'pretokenizers', 'normalizers'] as const),
        ) as unknown as Json,
      ),
    () => {
      const value = get();
      if (typeof value === 'number') set(pick(rng, [1e308, -0, 2 ** 53 + 2, -(2 ** 31), 0.5, 1e-320]));
      else set(value === null ? 0 : String(value));
    },
    () => {
      const value = get();
      if (typeof value === 'string') set(mutateRegex(rng, value));
      else set(pick(rng, WRONG_TYPES));
    },
    () => {
      // Where a "type" lives, put another component type there.
      const value = get();
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        value.type = pick(rng, COMPONENT_TYPES);
      } else if (key === 'type') set(pick(rng, COMPONENT_TYPES));
      else set({ type: pick(rng, COMPONENT_TYPES) });
    },
    () => {
      if (Array.isArray(parent) && parent.length > 1) {
        const other = rng.int(parent.length);
        [parent[key as number], parent[other]] = [parent[other], parent[key as number]];
      } else set([get(), get()]);
    },
    () => {
      if (Array.isArray(parent)) parent.splice(key as number, 0, parent[rng.int(parent.length)]);
      else parent[`${String(key)}_${rng.int(9)}`] = get();
    },
  ];
  pick(rng, ops)();
  return root;
}

/** Edits aimed at tokenizer.json's known fields (model type, merges, pre-tokenizer, regexes). */
export function mutateTokenizerJson(rng: Rng, root: Json): Json {
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return mutateJson(rng, root);
  const model = root.model;
  const merges =
    model !== null && typeof model === 'object' && !Array.isArray(model) && Array.isArray(model.merges)
      ? model.merges
      : undefined;
  const regexHolders: Array<Record<string, Json>> = [];
  const findRegexes = (value: Json): void => {
    if (Array.isArray(value)) value.forEach(findRegexes);
    else if (value !== null && typeof value === 'object') {
      if (typeof value.Regex === 'string') regexHolders.push(value);
      Object.values(value).forEach(findRegexes);
    }
  };
  findRegexes(root);
  const ops: Array<() => void> = [
    () => mutateJson(rng, root),
    () => {
      if (model && typeof model === 'object' && !Array.isArray(model))
        model.type = pick(rng, ['WordPiece', 'Unigram', 'WordLevel', 'bpe', 'BPE ', 42, null] as Json[]);
    },
    () => {
      if (!merges || merges.length < 2) return;
      const i = rng.int(merges.length);
      const j = rng.int(merges.length);
      [merges[i], merges[j]] = [merges[j], merges[i]];
    },
    () => merges?.splice(rng.int(merges.length + 1), 0, merges[rng.int(merges.length)]),
    () => {
      if (!merges || merges.length === 0) return;
      const m = merges[rng.int(merges.length)];
      const text = Array.isArray(m) ? m.join(' ') : String(m);
      merges[rng.int(merges.length)] = pick(rng, [
        text.replace(' ', ''),
        `${text} x`,
        [text],
        text.split(' ').reverse(),
        ['', 'a'],
        [1, 2],
        text.replace(' ', '  '),
      ] as Json[]);
    },
    () => {
      if (merges) merges.splice(1 + rng.int(Math.max(1, merges.length - 1)));
    },
    () => {
      if (regexHolders.length > 0) {
        const holder = pick(rng, regexHolders);
        holder.Regex = mutateRegex(rng, holder.Regex as string);
      } else
        root.pre_tokenizer = {
          type: 'Split',
          pattern: { Regex: mutateRegex(rng, '\\p{L}+|\\s+') },
          behavior: pick(rng, ['Isolated', 'Removed', 'Contiguous', 'Nope']),
          invert: rng.int(2) === 0,
        };
    },
    () => {
      root.pre_tokenizer = {
        type: 'Sequence',
        pretokenizers: [{ type: pick(rng, COMPONENT_TYPES) }, root.pre_tokenizer ?? null],
      };
    },
    () => {
      if (model && typeof model === 'object' && !Array.isArray(model)) {
        const field = pick(rng, [
          'continuing_subword_prefix',
          'end_of_word_suffix',
          'byte_fallback',
          'vocab',
        ]);
        model[field] = pick(rng, [...WRONG_TYPES, '##', '</w>']);
      }
    },
  ];
  pick(rng, ops)();
  return root;
}

export type { Json };
