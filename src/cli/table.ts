// Plain-text tables for the corpus commands' human output (category figures, set listings).
import { oneLine } from './terminal-text.js';

/** Columns padded to their widest cell; those listed in `rightAligned` (numbers) to the right.
 *  A cell is one line: control characters in it (a name's newline) are shown escaped. */
export function formatTable(cells: string[][], rightAligned: number[] = []): string {
  const rows = cells.map((row) => row.map(oneLine));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
