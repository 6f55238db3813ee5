// SentencePiece conversions in the shapes released tokenizer.json files take (Metaspace; Prepend +
// Replace; Replace + Split; Replace alone; byte-fallback tokens; added tokens): each is detected,
// its merges cleaned, and its family's approximation chosen and named in the notes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { createPipeline } from '../../src/tokenizer/pipeline.js';
import { preTokenizerPreset, type PreTokenizerPreset } from '../../src/tokenizer/presets.js';

const dir = mkdtempSync(join(tmpdir(), 'tokmix-spshapes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SPACE = '\u2581';
// "▁the" is produced twice (▁t + he, ▁th + e); the clean-up keeps one.
const MERGES = [
  ['t', 'h'],
  ['h', 'e'],
  [SPACE, 't'],
  [SPACE + 't', 'he'],
  [SPACE + 'th', 'e'],
  [SPACE, 'th'],
];
const BYTE_TOKENS = Object.fromEntries(
  Array.from({ length: 256 }, (_, b) => [`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 3 + b]),
);

function write(
  name: string,
  shape: { normalizer: object | null; preTokenizer: object | null },
  extra: object = {},
): string {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2, ...BYTE_TOKENS };
  for (const token of [SPACE, 't', 'h', 'e', ...MERGES.map(([l, r]) => l + r)]) {
    if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  }
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      version: '1.0',
      added_tokens: [
        { id: 0, content: '<unk>', special: true },
        { id: 1000, content: '<start_of_turn>', special: true },
      ],
      normalizer: shape.normalizer,
      pre_tokenizer: shape.preTokenizer,
      model: { type: 'BPE', unk_token: '<unk>', fuse_unk: true, vocab, merges: MERGES, ...extra },
    }),
  );
  return path;
}

const replace = { type: 'Replace', pattern: { String: ' ' }, content: SPACE };
const SHAPES: Array<
  [string, { normalizer: object | null; preTokenizer: object | null }, object, PreTokenizerPreset, RegExp]
> = [
  [
    'Metaspace pre-tokenizer (Llama 2 legacy)',
    { normalizer: null, preTokenizer: { type: 'Metaspace', replacement: SPACE, add_prefix_space: true } },
    {},
    'sentencepiece',
    /Llama\/Mistral family/,
  ],
  [
    'Prepend + Replace, no pre-tokenizer, byte fallback (Llama 2, Mistral)',
    {
      normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: SPACE }, replace] },
      preTokenizer: null,
    },
    { byte_fallback: true },
    'sentencepiece',
    /Llama\/Mistral family/,
  ],
  [
    'Replace + Split(" "), byte fallback, added tokens (Gemma 3)',
    {
      normalizer: replace,
      preTokenizer: {
        type: 'Split',
        pattern: { String: ' ' },
        behavior: 'MergedWithPrevious',
        invert: false,
      },
    },
    { byte_fallback: true },
    'sentencepiece-gemma',
    /Gemma family/,
  ],
  [
    'Replace alone, no pre-tokenizer (Gemma 2)',
    { normalizer: replace, preTokenizer: null },
    { byte_fallback: true },
    'sentencepiece-gemma',
    /Gemma family/,
  ],
  [
    'byte-fallback tokens without the flag, Replace alone',
    { normalizer: replace, preTokenizer: null },
    { byte_fallback: false },
    'sentencepiece-gemma',
    /Gemma family/,
  ],
];

for (const [label, shape, extra, preset, family] of SHAPES) {
  test(`SentencePiece shape: ${label} → preset ${preset}`, async () => {
    const spec = await loadTokenizer(write(`${preset}-${label.length}.json`, shape, extra));
    assert.equal(spec.alphabet, 'characters');
    assert.deepEqual(spec.preTokenizer, preTokenizerPreset(preset).preTokenizer);
    assert.equal(spec.mergeList.length, MERGES.length - 1, 'one duplicate producer of ▁the dropped');
    const note = spec.notes.find((n) => n.includes(`preset ${preset})`));
    assert.ok(note, spec.notes.join('\n'));
    assert.match(note, family);
  });
}

test('a character-level BPE that is no SentencePiece conversion keeps its own pipeline', async () => {
  const whitespace = { type: 'Whitespace' };
  const spec = await loadTokenizer(write('plain.json', { normalizer: null, preTokenizer: whitespace }));
  assert.deepEqual(spec.preTokenizer, whitespace);
  assert.ok(!spec.notes.some((n) => n.includes('SentencePiece')));
});

test('the Gemma approximation: digits split, whitespace runs kept, a space stays before its word, no prefix', () => {
  const pipeline = createPipeline(preTokenizerPreset('sentencepiece-gemma'));
  const text = 'a   foo\n\nbar 12\t\tx, y';
  assert.deepEqual(pipeline.preTokenize(pipeline.normalize(text)), [
    'a',
    `${SPACE}${SPACE}`,
    `${SPACE}foo`,
    '\n\n',
    'bar',
    SPACE,
    '1',
    '2',
    '\t\t',
    'x',
    ',',
    `${SPACE}y`,
  ]);
  const llama = createPipeline(preTokenizerPreset('sentencepiece'));
  assert.deepEqual(llama.preTokenize(llama.normalize('a\n\nb')), [`${SPACE}a`, '\n', '\n', 'b']);
});
