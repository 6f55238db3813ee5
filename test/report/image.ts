// Test helpers that look at rendered charts: decode a PNG into pixels, find whether it is blank,
// and count the coloured bars a vertical line crosses.
import { createCanvas, loadImage } from '@napi-rs/canvas';

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export async function decodeImage(image: Buffer): Promise<Pixels> {
  const img = await loadImage(image);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, img.width, img.height);
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, img.width, img.height);
  return { width: img.width, height: img.height, data };
}

/** How many distinct colours (quantized to 4 bits per channel) the image holds. */
export function distinctColors(p: Pixels): number {
  const seen = new Set<number>();
  for (let i = 0; i < p.data.length; i += 4) {
    seen.add(((p.data[i] >> 4) << 8) | ((p.data[i + 1] >> 4) << 4) | (p.data[i + 2] >> 4));
  }
  return seen.size;
}

/** Fraction of pixels that are not white. */
export function inkFraction(p: Pixels): number {
  let ink = 0;
  for (let i = 0; i < p.data.length; i += 4) {
    if (p.data[i] < 245 || p.data[i + 1] < 245 || p.data[i + 2] < 245) ink++;
  }
  return ink / (p.width * p.height);
}

function isBarColor(p: Pixels, x: number, y: number, colors: [number, number, number][]): boolean {
  const i = (y * p.width + x) * 4;
  return colors.some(
    ([r, g, b]) =>
      Math.abs(p.data[i] - r) < 4 && Math.abs(p.data[i + 1] - g) < 4 && Math.abs(p.data[i + 2] - b) < 4,
  );
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Runs of at least `minRun` coloured pixels along a line; a gap of a few pixels (a whisker or
 * a value label drawn over a bar) does not split a run.
 */
function countRuns(length: number, colored: (i: number) => boolean, minRun: number, maxGap = 6): number {
  let runs = 0;
  let run = 0;
  let gap = maxGap + 1;
  for (let i = 0; i < length; i++) {
    if (colored(i)) {
      if (gap > maxGap) {
        if (run >= minRun) runs++;
        run = 0;
      }
      run += 1;
      gap = 0;
    } else gap++;
  }
  if (run >= minRun) runs++;
  return runs;
}

/**
 * Counts horizontal bars: the runs (at least `minRun` pixels tall) of bar colour in a band of
 * columns at the bars' common base (the leftmost column with a bar-coloured run), within the first `rows` rows
 * (pass `rows` to leave out a legend below the plot). Bars all start at the base, however short;
 * `minRun` is above the height of a glyph stroke, whose anti-aliased grey can match a grey bar.
 */
export function countBarsAcross(p: Pixels, colors: string[], rows = p.height, minRun = 24): number {
  const rgb = colors.map(hexToRgb);
  let base = -1;
  for (let x = 0; x < p.width && base < 0; x++) {
    if (countRuns(rows, (y) => isBarColor(p, x, y, rgb), minRun) > 0) base = x;
  }
  if (base < 0) return 0;
  const band = Math.min(6, p.width - base);
  return countRuns(
    rows,
    (y) => {
      for (let dx = 0; dx < band; dx++) if (isBarColor(p, base + dx, y, rgb)) return true;
      return false;
    },
    minRun,
  );
}

/** Same along rows: for a vertical (grouped) bar chart, the number of bars one row crosses. */
export function countBarsAlong(p: Pixels, colors: string[], rows = p.height, minRun = 4): number {
  const rgb = colors.map(hexToRgb);
  let best = 0;
  for (let y = 0; y < rows; y += 1) {
    best = Math.max(
      best,
      countRuns(p.width, (x) => isBarColor(p, x, y, rgb), minRun),
    );
  }
  return best;
}

/** The text of every <text> element of an SVG, in document order. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}
