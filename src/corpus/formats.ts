// Which files a category can hold and how each is read: plain text line by line, JSON Lines
// record by record, CSV/TSV row by row (each optionally gzip- or zstd-compressed), and Parquet
// row group by row group (its own codecs inside).
import { basename } from 'node:path';

export type SourceFormat = 'txt' | 'jsonl' | 'csv' | 'tsv' | 'parquet';

/** A stream compression around a text format (Parquet compresses its pages itself). */
export type Compression = 'none' | 'gzip' | 'zstd';

/** A file's bytes read by ranges from elsewhere (a Hub dataset file; src/hub/ranges.ts). */
export interface RemoteBytes {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface SourceFile {
  /** The local path, or for a remote file the name messages use. */
  path: string;
  format: SourceFormat;
  compression: Compression;
  /** Set for a remote file: its bytes come from here, not from `path`. */
  remote?: RemoteBytes;
}

export const READABLE_EXTENSIONS = ['.txt', '.jsonl', '.csv', '.tsv', '.parquet'] as const;
export const READABLE_DESCRIPTION = '.txt, .jsonl, .csv, .tsv or their .gz/.zst, .parquet';

const COMPRESSION_SUFFIXES: [string, Compression][] = [
  ['.gz', 'gzip'],
  ['.zst', 'zstd'],
  ['.zstd', 'zstd'],
];

/** The format of a file from its name, or undefined when tokmix does not read that kind. */
export function sourceFormatOf(path: string): SourceFile | undefined {
  let name = basename(path).toLowerCase();
  let compression: Compression = 'none';
  for (const [suffix, kind] of COMPRESSION_SUFFIXES) {
    if (name.endsWith(suffix)) {
      compression = kind;
      name = name.slice(0, -suffix.length);
      break;
    }
  }
  if (name.startsWith('.')) return undefined;
  for (const extension of READABLE_EXTENSIONS) {
    if (name.endsWith(extension) && name.length > extension.length) {
      const format = extension.slice(1) as SourceFormat;
      // A compressed Parquet file is not what Hugging Face ships, and hyparquet needs random access.
      if (format === 'parquet' && compression !== 'none') return undefined;
      return { path, format, compression };
    }
  }
  return undefined;
}

/** Whether a format's byte stream can be split at newlines into independent ranges. */
export function isSplittable(file: SourceFile): boolean {
  return file.compression === 'none' && (file.format === 'txt' || file.format === 'jsonl');
}

/** Whether the file's bytes on disk understate its text (compressed), so a size cannot bound a sample. */
export function isCompressed(file: SourceFile): boolean {
  return file.compression !== 'none' || file.format === 'parquet';
}
