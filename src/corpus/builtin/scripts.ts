// The writing system of a text as an ISO 15924 code: the script most of its letters belong to
// (Unicode Script property), for the metadata of built-in language categories.

const SCRIPTS: [iso: string, unicode: string][] = [
  ['Latn', 'Latin'],
  ['Cyrl', 'Cyrillic'],
  ['Arab', 'Arabic'],
  ['Grek', 'Greek'],
  ['Hebr', 'Hebrew'],
  ['Deva', 'Devanagari'],
  ['Beng', 'Bengali'],
  ['Guru', 'Gurmukhi'],
  ['Gujr', 'Gujarati'],
  ['Orya', 'Oriya'],
  ['Taml', 'Tamil'],
  ['Telu', 'Telugu'],
  ['Knda', 'Kannada'],
  ['Mlym', 'Malayalam'],
  ['Sinh', 'Sinhala'],
  ['Thai', 'Thai'],
  ['Laoo', 'Lao'],
  ['Tibt', 'Tibetan'],
  ['Mymr', 'Myanmar'],
  ['Geor', 'Georgian'],
  ['Armn', 'Armenian'],
  ['Ethi', 'Ethiopic'],
  ['Khmr', 'Khmer'],
  ['Hang', 'Hangul'],
  ['Hani', 'Han'],
  ['Hira', 'Hiragana'],
  ['Kana', 'Katakana'],
  ['Cher', 'Cherokee'],
  ['Cans', 'Canadian_Aboriginal'],
  ['Tfng', 'Tifinagh'],
  ['Mong', 'Mongolian'],
  ['Thaa', 'Thaana'],
  ['Syrc', 'Syriac'],
  ['Vaii', 'Vai'],
  ['Yiii', 'Yi'],
  ['Nkoo', 'Nko'],
  ['Bopo', 'Bopomofo'],
  ['Copt', 'Coptic'],
  ['Bali', 'Balinese'],
  ['Java', 'Javanese'],
  ['Bugi', 'Buginese'],
  ['Tale', 'Tai_Le'],
  ['Lana', 'Tai_Tham'],
  ['Tavt', 'Tai_Viet'],
  ['Olck', 'Ol_Chiki'],
  ['Adlm', 'Adlam'],
  ['Bamu', 'Bamum'],
  ['Hmng', 'Pahawh_Hmong'],
  ['Limb', 'Limbu'],
  ['Mtei', 'Meetei_Mayek'],
  ['Sund', 'Sundanese'],
  ['Tglg', 'Tagalog'],
  ['Cakm', 'Chakma'],
];

const PATTERNS = SCRIPTS.map(([iso, name]) => [iso, new RegExp(`\\p{Script=${name}}`, 'gu')] as const);

/** ISO 15924 code of the script with the most letters in `text` (Han with kana = Jpan, Han with
 *  Hangul = Kore), judged on the first 4,000 characters; `Zyyy` when no letter is found. */
export function dominantScript(text: string): string {
  // A few thousand characters decide it; the whole text would only cost time.
  text = text.slice(0, 4000);
  const counts = new Map<string, number>();
  for (const [iso, re] of PATTERNS) {
    const n = text.match(re)?.length ?? 0;
    if (n > 0) counts.set(iso, n);
  }
  const kana = (counts.get('Hira') ?? 0) + (counts.get('Kana') ?? 0);
  if (kana > 0 && (counts.get('Hani') ?? 0) > 0) counts.set('Jpan', kana + (counts.get('Hani') ?? 0));
  if ((counts.get('Hang') ?? 0) > 0 && (counts.get('Hani') ?? 0) > 0) {
    counts.set('Kore', (counts.get('Hang') ?? 0) + (counts.get('Hani') ?? 0));
  }
  let best = 'Zyyy';
  let most = 0;
  for (const [iso, n] of counts) {
    if (n > most) {
      best = iso;
      most = n;
    }
  }
  return best;
}
