// The corpus module's data: category descriptions and the pre-token counts of their samples.

export type CategoryKind = 'language' | 'code' | 'domain' | 'other';

export interface CategoryMeta {
  name: string;
  kind: CategoryKind;
  /** ISO 639 code, for natural languages. */
  language?: string;
  /** ISO 15924 script name (e.g. `Latn`, `Cyrl`), for natural languages. */
  script?: string;
  /** Where the text comes from (npm package@version, or a path). */
  source?: string;
  license?: string;
}

/** A category ready to read: its metadata and the files holding its text. */
export interface CategorySpec extends CategoryMeta {
  files: string[];
  /** A category read from a Hub dataset (`hf:datasets/org/name[@rev]/path`): until it is
   *  materialized (corpus/hub-sample.ts) `files` is empty; `column` names its text column or field. */
  hub?: { reference: string; column?: string };
  /** Facts about the files a user should know (e.g. a damaged built-in text was rebuilt). */
  notes?: string[];
}

export interface CategoryStats {
  bytes: number;
  characters: number;
  sequences: number;
  preTokens: number;
  distinctPreTokens: number;
  /** Invalid UTF-8 byte sequences replaced by U+FFFD. */
  replacedInvalid: number;
}

/** A category's sample as pre-token counts, in the tokenizer's alphabet. */
export interface WordCounts {
  category: CategoryMeta;
  /** Distinct pre-tokens (alphabet symbols), each with its frequency in `counts`. */
  words: string[];
  counts: Float64Array;
  stats: CategoryStats;
  /** Facts about the reading a user should know, one per file at most (e.g. invalid UTF-8 replaced). */
  notes?: string[];
}
