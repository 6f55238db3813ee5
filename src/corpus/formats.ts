// Which files a category can hold and how each is read: plain text line by line, JSON Lines
// record by record, CSV/TSV row by row, each optionally gzip-compressed.
import { basename } from 'node:path';

export type SourceFormat = 'txt' | 'jsonl' | 'csv' | 'tsv';

export interface SourceFile {
  path: string;
  format: SourceFormat;
  gzip: boolean;
}

export const READABLE_EXTENSIONS = ['.txt', '.jsonl', '.csv', '.tsv'] as const;
export const READABLE_DESCRIPTION = '.txt, .jsonl, .csv, .tsv or their .gz';

/** The format of a file from its name, or undefined when tokmix does not read that kind. */
export function sourceFormatOf(path: string): SourceFile | undefined {
  let name = basename(path).toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -3);
  if (name.startsWith('.')) return undefined;
  for (const extension of READABLE_EXTENSIONS) {
    if (name.endsWith(extension) && name.length > extension.length) {
      return { path, format: extension.slice(1) as SourceFormat, gzip };
    }
  }
  return undefined;
}

/** Whether a format's byte stream can be split at newlines into independent ranges. */
export function isSplittable(file: SourceFile): boolean {
  return !file.gzip && (file.format === 'txt' || file.format === 'jsonl');
}
