// GPT-2's byte-level alphabet: each of the 256 byte values stands for one printable code point
// (`Ġ` = space), so byte-level merge lists are plain strings. Precomputed tables keep mapping cheap.

/** BYTE_TO_SYMBOL[b] is the one-character stand-in of byte b (GPT-2's `bytes_to_unicode`). */
export const BYTE_TO_SYMBOL: readonly string[] = buildByteToSymbol();

/** The stand-in's code point → its byte, or -1 (indexed by code point, all stand-ins are < 324). */
const SYMBOL_CODE_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(512).fill(-1);
  BYTE_TO_SYMBOL.forEach((symbol, byte) => {
    table[symbol.charCodeAt(0)] = byte;
  });
  return table;
})();

function buildByteToSymbol(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  }
  return table;
}

/** The byte a stand-in symbol represents, or -1 when the character is not a stand-in. */
export function symbolToByte(symbol: string): number {
  if (symbol.length !== 1) return -1;
  return byteOfCode(symbol.charCodeAt(0));
}

/** The byte the stand-in with this UTF-16 code unit represents, or -1 (no string per character). */
export function byteOfCode(code: number): number {
  return code < 512 ? SYMBOL_CODE_TO_BYTE[code] : -1;
}

/** The 256 stand-in symbols in byte order. */
export function byteLevelAlphabet(): string[] {
  return [...BYTE_TO_SYMBOL];
}

const BYTE_TO_CODE: Uint16Array = Uint16Array.from(BYTE_TO_SYMBOL, (s) => s.charCodeAt(0));

/** Maps bytes to their stand-in symbols (a flat string: no rope to flatten on every slice). */
export function bytesToByteLevel(bytes: Uint8Array): string {
  const codes = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) codes[i] = BYTE_TO_CODE[bytes[i]];
  let out = '';
  for (let i = 0; i < codes.length; i += 4096) {
    out += String.fromCharCode.apply(null, codes.subarray(i, i + 4096) as unknown as number[]);
  }
  return out;
}

/**
 * Maps text to the stand-ins of its UTF-8 bytes without allocating the bytes: ASCII through the
 * table, other code points encoded inline. A lone surrogate becomes U+FFFD (as TextEncoder does).
 */
export function textToByteLevel(text: string): string {
  let out = '';
  const table = BYTE_TO_SYMBOL;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out += table[code];
      continue;
    }
    if (code < 0x800) {
      out += table[0xc0 | (code >> 6)] + table[0x80 | (code & 0x3f)];
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out +=
          table[0xf0 | (code >> 18)] +
          table[0x80 | ((code >> 12) & 0x3f)] +
          table[0x80 | ((code >> 6) & 0x3f)] +
          table[0x80 | (code & 0x3f)];
        continue;
      }
      code = 0xfffd;
    }
    out += table[0xe0 | (code >> 12)] + table[0x80 | ((code >> 6) & 0x3f)] + table[0x80 | (code & 0x3f)];
  }
  return out;
}

/** The bytes behind a byte-level string, or null when it holds a character that is no stand-in. */
export function byteLevelToBytes(symbols: string): Uint8Array | null {
  const bytes = new Uint8Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const code = symbols.charCodeAt(i);
    const byte = code < 512 ? SYMBOL_CODE_TO_BYTE[code] : -1;
    if (byte < 0) return null;
    bytes[i] = byte;
  }
  return bytes;
}

/** Decodes a byte-level string back to text (invalid UTF-8 becomes U+FFFD); null if not byte-level. */
export function byteLevelToText(symbols: string): string | null {
  const bytes = byteLevelToBytes(symbols);
  return bytes === null ? null : Buffer.from(bytes).toString('utf8');
}

/** True when every character of the string is a byte-level stand-in. */
export function isByteLevelString(symbols: string): boolean {
  for (let i = 0; i < symbols.length; i++) {
    const code = symbols.charCodeAt(i);
    if (code >= 512 || SYMBOL_CODE_TO_BYTE[code] < 0) return false;
  }
  return true;
}
