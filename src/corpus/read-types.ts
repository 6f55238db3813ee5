// The options and tallies every streaming reader shares (sequences.ts and parquet.ts), kept apart so
// neither reader imports the other for its types.

export interface ReadOptions {
  /** JSON Lines: the field holding a record's text (default `text`). */
  textField?: string;
  /** CSV/TSV and Parquet: the column holding a row's text (default `text`). */
  textColumn?: string;
  /** Raw byte range of a splittable file: lines starting in [start, end) are read. */
  start?: number;
  end?: number;
  /** Longest sequence in UTF-8 bytes (default DEFAULT_MAX_SEQUENCE_BYTES): a longer .txt line or
   *  CSV/TSV field is cut at a character boundary; a longer .jsonl line is refused. */
  maxSequenceBytes?: number;
}

export interface ReadTally {
  /** Invalid UTF-8 byte sequences replaced by U+FFFD. */
  replacedInvalid: number;
  /** Sequences cut at `maxSequenceBytes` (the rest of their line or field skipped). */
  cut: number;
  /** Parquet rows whose text is null (skipped). */
  nullText: number;
}

/** The sequences read from one raw chunk, as parallel arrays. */
export interface SequenceBatch {
  texts: string[];
  keys: number[];
  bytes: number[];
}
