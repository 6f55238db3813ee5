// Plain-text tables for the corpus commands' human output (category figures, set listings).

/** Columns padded to their widest cell; those listed in `rightAligned` (numbers) to the right. */
export function formatTable(rows: string[][], rightAligned: number[] = []): string {
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
