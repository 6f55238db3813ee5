// Seed inputs for the loader fuzz suite, built at run time from what the project already has: the
// gpt2 and llama built-ins (cut to a few hundred merges) written out as tokenizer.json, merges.txt,
// vocab.json, .tiktoken and claude.json-style ranks, every pipeline of test/tokenizer/configs.ts,
// and small category files of every readable format.
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJson, toMergesTxt } from '../../src/tokenizer/export.js';
import { byteLevelToBytes } from '../../src/tokenizer/byte-level.js';
import { GPT2_PATTERN } from '../../src/tokenizer/pre-tokenizers.js';
import { CL100K_PATTERN, O200K_PATTERN } from '../../src/tokenizer/presets.js';
import type { TokenizerSpec } from '../../src/tokenizer/spec.js';
import { pipelineCases } from './../tokenizer/configs.js';
import type { Json } from './mutate.js';

export interface Seeds {
  /** Parsed tokenizer.json files. */
  tokenizerJson: Json[];
  /** claude.json-style `{bpe_ranks, pat_str}` objects. */
  rankJson: Json[];
  /** merges.txt texts with the vocab.json that goes beside each. */
  mergesTxt: Array<{ merges: string; vocab: Json }>;
  /** `.tiktoken` texts (GPT-2's first tokens, so the name r50k picks the pattern). */
  tiktoken: string;
  /** Category file texts by format. */
  categoryText: { txt: string; jsonl: string; csv: string; tsv: string };
}

const MERGES = 300;

function cut(spec: TokenizerSpec, merges: number): TokenizerSpec {
  return { ...spec, mergeList: spec.mergeList.slice(0, merges) };
}

/** The byte tokens then every merge's result, as base64, in rank order. */
function rankTokens(spec: TokenizerSpec): string[] {
  const tokens: string[] = [];
  for (let b = 0; b < 256; b++) tokens.push(Buffer.from([b]).toString('base64'));
  for (const [l, r] of spec.mergeList) tokens.push(Buffer.from(byteLevelToBytes(l + r)!).toString('base64'));
  return tokens;
}

const LINES = [
  "Hello world! It's a test, isn't it?",
  'Ünïcödé façade — ΑΒΓ αβγ; Привет, мир!',
  '日本語のテキスト。한국어 문장입니다.',
  'numbers 1234567890 3.14159 and tabs\tin\u00a0between',
  'const f = (x) => { return x ** 2; };',
  'emoji 👍🏽 family 👨‍👩‍👧',
];

export async function buildSeeds(): Promise<Seeds> {
  const gpt2 = cut(await loadTokenizer('gpt2'), MERGES);
  const llama = cut(await loadTokenizer('llama'), MERGES);
  const parse = (text: string): Json => JSON.parse(text) as Json;
  const tokenizerJson: Json[] = [parse(toTokenizerJson(gpt2)), parse(toTokenizerJson(llama))];
  // A SentencePiece conversion as Hugging Face writes Llama's: Prepend + Replace, byte_fallback, no pre-tokenizer.
  const converted = parse(toTokenizerJson({ ...llama, preTokenizer: null })) as Record<string, Json>;
  converted.normalizer = {
    type: 'Sequence',
    normalizers: [
      { type: 'Prepend', prepend: '\u2581' },
      { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
    ],
  };
  (converted.model as Record<string, Json>).byte_fallback = true;
  tokenizerJson.push(converted);
  for (const c of pipelineCases()) {
    const merges = (c.alphabet === 'byte-level' ? gpt2 : llama).mergeList.slice(0, 60);
    tokenizerJson.push(
      parse(
        toTokenizerJson({
          ...gpt2,
          alphabet: c.alphabet,
          normalizer: c.normalizer,
          preTokenizer: c.preTokenizer,
          mergeList: merges,
        }),
      ),
    );
  }
  const tokens = rankTokens(gpt2);
  const packed: string[] = [];
  for (let k = 0; k < tokens.length; k += 40) packed.push(`! ${k} ${tokens.slice(k, k + 40).join(' ')}`);
  const rankJson: Json[] = [GPT2_PATTERN, CL100K_PATTERN, O200K_PATTERN].map((pat_str) => ({
    bpe_ranks: packed.join('\n'),
    pat_str,
  }));
  const vocabOf = (json: Json): Json => ((json as Record<string, Json>).model as Record<string, Json>).vocab!;
  const mergesTxt = [
    { merges: toMergesTxt(gpt2), vocab: vocabOf(tokenizerJson[0]) },
    { merges: toMergesTxt(llama), vocab: vocabOf(tokenizerJson[1]) },
  ];
  const tiktoken = tokens.map((t, rank) => `${t} ${rank}`).join('\n') + '\n';
  const records = LINES.map((text, id) => ({ id, text }));
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  return {
    tokenizerJson,
    rankJson,
    mergesTxt,
    tiktoken,
    categoryText: {
      txt: LINES.join('\n') + '\n',
      jsonl: records.map((r) => JSON.stringify(r)).join('\n') + '\n',
      csv: 'id,text\n' + records.map((r) => `${r.id},${quote(r.text)}`).join('\n') + '\n',
      tsv: 'text\tother\n' + LINES.map((l) => `${l.replace(/\t/g, ' ')}\tx`).join('\n') + '\n',
    },
  };
}
