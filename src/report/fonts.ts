// Fonts for charts, loaded from npm font packages (Noto Sans, OFL-1.1) so a machine with no
// system fonts draws the same labels: each package's CSS names its files and the Unicode ranges
// they cover; a face is registered with the canvas only when a label needs one of its characters.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

const require = createRequire(import.meta.url);

/** A font package, the CSS files that list its faces, and the family a reader's machine may know. */
interface FontPackage {
  name: string;
  css: string[];
  cssFamily: string;
  /** When set, the package is used only for these code point ranges (inclusive). */
  only?: [number, number][];
  /** Code point ranges the package's CSS claims but its files have no glyphs for. */
  exclude?: [number, number][];
}

/** Hangul: Jamo, compatibility Jamo, Jamo extended A/B, syllables. */
const HANGUL: [number, number][] = [
  [0x1100, 0x11ff],
  [0x3130, 0x318f],
  [0xa960, 0xa97f],
  [0xac00, 0xd7ff],
];

/** In fallback order: the first face covering a character draws it. */
const FONT_PACKAGES: FontPackage[] = [
  { name: '@fontsource/noto-sans', css: ['400.css', '700.css'], cssFamily: 'Noto Sans' },
  { name: '@fontsource/noto-sans-arabic', css: ['400.css'], cssFamily: 'Noto Sans Arabic' },
  { name: '@fontsource/noto-sans-hebrew', css: ['400.css'], cssFamily: 'Noto Sans Hebrew' },
  { name: '@fontsource/noto-sans-thai', css: ['400.css'], cssFamily: 'Noto Sans Thai' },
  { name: '@fontsource/noto-sans-bengali', css: ['400.css'], cssFamily: 'Noto Sans Bengali' },
  { name: '@fontsource/noto-sans-tamil', css: ['400.css'], cssFamily: 'Noto Sans Tamil' },
  { name: '@fontsource/noto-sans-georgian', css: ['400.css'], cssFamily: 'Noto Sans Georgian' },
  { name: '@fontsource/noto-sans-armenian', css: ['400.css'], cssFamily: 'Noto Sans Armenian' },
  // Noto Sans SC's CSS lists Hangul ranges its files have no glyphs for: Korean comes first.
  { name: '@fontsource-variable/noto-sans-kr', css: ['index.css'], cssFamily: 'Noto Sans KR', only: HANGUL },
  {
    name: '@fontsource-variable/noto-sans-sc',
    css: ['index.css'],
    cssFamily: 'Noto Sans SC',
    exclude: HANGUL,
  },
];

/** The packages and licences, for the README and the report page. */
export const FONT_CREDITS = FONT_PACKAGES.map((p) => `${p.name} (SIL OFL 1.1)`);

interface FontFace {
  /** The canvas family name this face is registered under (one per subset file group). */
  alias: string;
  cssFamily: string;
  /** The face's files, one per weight ('100 900' for a variable font). */
  files: { path: string; weight: string }[];
  /** Sorted, inclusive code point ranges. */
  ranges: Uint32Array;
  registered: boolean;
}

let faces: FontFace[] | undefined;

/** [low, high] minus the excluded ranges, as a flat list of inclusive pairs. */
function subtract(low: number, high: number, exclude: [number, number][]): number[] {
  let pieces: [number, number][] = [[low, high]];
  for (const [a, b] of exclude) {
    pieces = pieces.flatMap(([lo, hi]): [number, number][] => {
      if (b < lo || a > hi) return [[lo, hi]];
      const kept: [number, number][] = [];
      if (lo < a) kept.push([lo, a - 1]);
      if (hi > b) kept.push([b + 1, hi]);
      return kept;
    });
  }
  return pieces.flat();
}

function parseRanges(text: string, only?: [number, number][], exclude: [number, number][] = []): Uint32Array {
  const values: number[] = [];
  for (const part of text.split(',')) {
    const match = /U\+([0-9a-fA-F?]+)(?:-([0-9a-fA-F]+))?/.exec(part.trim());
    if (!match) continue;
    const low = parseInt(match[1].replace(/\?/g, '0'), 16);
    const high = match[2] ? parseInt(match[2], 16) : parseInt(match[1].replace(/\?/g, 'f'), 16);
    if (!only) {
      values.push(...subtract(low, high, exclude));
      continue;
    }
    for (const [a, b] of only) {
      if (high >= a && low <= b) values.push(Math.max(low, a), Math.min(high, b));
    }
  }
  return Uint32Array.from(values);
}

function loadFaces(): FontFace[] {
  const found: FontFace[] = [];
  for (const pkg of FONT_PACKAGES) {
    let root: string;
    try {
      root = dirname(require.resolve(`${pkg.name}/package.json`));
    } catch {
      continue; // a missing package only loses its scripts; labels fall back to Latin names
    }
    // Faces of one package with the same unicode-range are one subset in several weights.
    const byRange = new Map<string, FontFace>();
    for (const cssName of pkg.css) {
      const css = readFileSync(join(root, cssName), 'utf8');
      for (const block of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
        const src = /url\(\.\/(files\/[^)]+\.woff2)\)/.exec(block[1]);
        const weight = /font-weight:\s*([^;]+);/.exec(block[1])?.[1].trim() ?? '400';
        const range = /unicode-range:\s*([^;]+);/.exec(block[1]);
        if (!src || !range) continue;
        const key = range[1].trim();
        const ranges = parseRanges(key, pkg.only, pkg.exclude);
        if (ranges.length === 0) continue;
        let face = byRange.get(key);
        if (!face) {
          face = {
            alias: `tokmix-${found.length}`,
            cssFamily: pkg.cssFamily,
            files: [],
            ranges,
            registered: false,
          };
          byRange.set(key, face);
          found.push(face);
        }
        face.files.push({ path: join(root, src[1]), weight });
      }
    }
  }
  return found;
}

function allFaces(): FontFace[] {
  faces ??= loadFaces();
  return faces;
}

function covers(face: FontFace, codePoint: number): boolean {
  const r = face.ranges;
  for (let i = 0; i < r.length; i += 2) if (codePoint >= r[i] && codePoint <= r[i + 1]) return true;
  return false;
}

/** Characters that need no glyph of their own (spaces, joiners, marks handled by shaping). */
function isInvisible(codePoint: number): boolean {
  return codePoint < 0x20 || codePoint === 0x200c || codePoint === 0x200d || codePoint === 0xfe0f;
}

/** The face that draws a character, or undefined when no bundled font has it. */
function faceFor(codePoint: number): FontFace | undefined {
  for (const face of allFaces()) if (covers(face, codePoint)) return face;
  return undefined;
}

/** True when the bundled fonts can draw every character of `text`. */
export function canDraw(text: string): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (!isInvisible(cp) && !faceFor(cp)) return false;
  }
  return true;
}

/**
 * A label the bundled fonts can draw: `text` itself, or else `fallback` (a Latin name such as
 * the category's ISO code), or else `text` with the undrawable characters replaced by `?`.
 */
export function drawableLabel(text: string, fallback?: string): string {
  if (canDraw(text)) return text;
  if (fallback && canDraw(fallback)) return fallback;
  return Array.from(text, (ch) => (canDraw(ch) ? ch : '?')).join('');
}

export interface FontStack {
  /** A CSS font-family list of the registered faces, for ctx.font and chart.js. */
  family: string;
  /** Canvas family alias → the family name a reader's machine may have, for SVG output. */
  svgFamilies: Map<string, string>;
}

/** The faces that draw the characters of `texts`, in fallback order. */
function facesFor(texts: Iterable<string>): FontFace[] {
  const needed = new Set<FontFace>();
  for (const text of texts) {
    for (const ch of text) {
      const face = faceFor(ch.codePointAt(0)!);
      if (face) needed.add(face);
    }
  }
  return allFaces().filter((face) => needed.has(face));
}

/**
 * CSS @font-face rules embedding (as data: URIs) the bundled faces that `texts` need, one family
 * per font package (a browser falls back from family to family per character), and the
 * font-family list naming them: a page using them shows every script the same on any machine.
 */
export function embeddedFonts(texts: Iterable<string>, prefix: string): { css: string; family: string } {
  const rules: string[] = [];
  const families: string[] = [];
  for (const face of facesFor(texts)) {
    const family = `${prefix} ${face.cssFamily}`;
    if (!families.includes(family)) families.push(family);
    for (const file of face.files) {
      const data = readFileSync(file.path).toString('base64');
      const unicodeRange = Array.from({ length: face.ranges.length / 2 }, (_, i) => {
        const [lo, hi] = [face.ranges[2 * i], face.ranges[2 * i + 1]];
        return lo === hi ? `U+${lo.toString(16)}` : `U+${lo.toString(16)}-${hi.toString(16)}`;
      }).join(',');
      rules.push(
        `@font-face { font-family: '${family}'; font-style: normal; font-weight: ${file.weight}; ` +
          `src: url(data:font/woff2;base64,${data}) format('woff2'); unicode-range: ${unicodeRange}; }`,
      );
    }
  }
  return { css: rules.join('\n'), family: families.map((f) => `'${f}'`).join(', ') };
}

/**
 * Registers the faces needed to draw `texts` (the Latin subsets always) and returns the font
 * family list to draw them with.
 */
export function fontStackFor(texts: Iterable<string>): FontStack {
  const needed = new Set<FontFace>(facesFor(texts));
  for (const face of allFaces()) if (face.cssFamily === 'Noto Sans') needed.add(face);
  const ordered = allFaces().filter((face) => needed.has(face));
  for (const face of ordered) {
    if (face.registered) continue;
    for (const file of face.files) GlobalFonts.registerFromPath(file.path, face.alias);
    face.registered = true;
  }
  const svgFamilies = new Map<string, string>();
  for (const face of ordered) svgFamilies.set(face.alias, face.cssFamily);
  return {
    family: ordered.length > 0 ? ordered.map((face) => `'${face.alias}'`).join(', ') : 'sans-serif',
    svgFamilies,
  };
}
