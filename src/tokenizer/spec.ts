// TokenizerSpec: what every loader produces — the ordered merge list in the tokenizer's own
// alphabet plus the normalizer and pre-tokenizer its trainer saw, as Hugging Face JSON components.

/** `byte-level`: symbols are GPT-2's printable stand-ins for the 256 bytes (`Ġ` = space).
 *  `characters`: symbols are Unicode characters, with `▁` for spaces (SentencePiece-style). */
export type Alphabet = 'byte-level' | 'characters';

export type TokenizerFormat = 'tokenizer.json' | 'merges.txt' | 'tiktoken' | 'claude.json';

/** A Hugging Face `normalizer` or `pre_tokenizer` object exactly as in `tokenizer.json`. */
export interface HfComponent {
  type: string;
  [field: string]: unknown;
}

export type Merge = readonly [left: string, right: string];

export interface TokenizerSpec {
  /** Built-in name (`gpt-4o`) or the file's base name. */
  name: string;
  /** The file path, or `npm:<package>@<version>` for built-ins. */
  source: string;
  format: TokenizerFormat;
  alphabet: Alphabet;
  /** The ordered merge list, in alphabet symbols: merge t joins `left` and `right`. */
  mergeList: Merge[];
  /** Normalizer applied before pre-tokenization (HF JSON), or null. */
  normalizer: HfComponent | null;
  /** The whole pre-tokenizer pipeline (HF JSON; byte-level ones include their ByteLevel step). */
  preTokenizer: HfComponent | null;
  /** Facts about the loading a user should know (e.g. duplicate SentencePiece merges dropped). */
  notes: string[];
  /** For `hf:org/name[@rev]`: the repo, the revision asked and the commit it resolved to. */
  hub?: { repo: string; revision: string; commit: string };
}

/** The text side of a spec, compiled: turns raw text into pre-tokens in the spec's alphabet. */
export interface TextPipeline {
  readonly alphabet: Alphabet;
  normalize(text: string): string;
  /** Pre-tokens of already-normalized text, mapped into the alphabet (`Ġhello` for byte-level). */
  preTokenize(normalized: string): string[];
  /** Stable hash of alphabet + normalizer + pre-tokenizer: the part of cache keys that depends on the tokenizer. */
  readonly key: string;
}
