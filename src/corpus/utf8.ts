// UTF-8 facts the readers need: how many invalid byte sequences a decode replaced by U+FFFD,
// where to cut a string or bytes so a byte cap never splits a character, and code-point counts.

const REPLACEMENT = 0xfffd;

/** Invalid sequences that decoding `bytes[start, end)` into `text` replaced by U+FFFD (those
 *  already in the input as EF BF BD are not counted). */
export function replacedInvalid(text: string, bytes: Uint8Array, start: number, end: number): number {
  let decoded = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) decoded++;
  if (decoded === 0) return 0;
  let literal = 0;
  for (let i = start; i + 2 < end; i++) {
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) literal++;
  }
  return decoded - literal;
}

/** Counts U+FFFD characters in a decoded string. */
export function countReplacementChars(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return bytes.toString('utf8', 0, cutPoint(bytes, maxBytes));
}

/** Where to cut `bytes` so at most `maxBytes` are kept without splitting a character: `maxBytes`,
 *  less the continuation bytes (10xxxxxx) of a character straddling it (at most 3). */
export function cutPoint(bytes: Uint8Array, maxBytes: number): number {
  let end = Math.min(maxBytes, bytes.length);
  const floor = Math.max(0, end - 3);
  while (end > floor && end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
  return end;
}

/** Unicode code points in a string whose UTF-8 length is `byteLength` (ASCII needs no scan). */
export function codePointCount(text: string, byteLength: number): number {
  if (byteLength === text.length) return text.length;
  let surrogates = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) surrogates++;
  }
  return text.length - surrogates;
}

export { REPLACEMENT };
