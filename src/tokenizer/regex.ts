// Translation of Oniguruma / fancy-regex patterns (HF tokenizer.json, tiktoken pat_str) into V8
// regular expressions with the same matches: Unicode-aware \s \d \w \b, inline (?i:...) groups,
// line anchors, possessive quantifiers and atomic groups. Anything else unknown is a UserError.
import { UserError } from '../common/errors.js';

/** Onig's \s (= Unicode White_Space), inside a class. */
const SPACE = '\\p{White_Space}';
/** Onig's \w, inside a class: Alphabetic | Mark | Decimal_Number | Connector_Punctuation,
 *  plus the Latin-1 numbers ² ³ ¹ ¼ ½ ¾ (measured against the native package). */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\xb2\\xb3\\xb9\\xbc-\\xbe';
const DIGIT = '\\p{Nd}';
const HEX = '0-9a-fA-F';

/** Characters that V8's `u` mode lets (and needs) escaping outside a class. */
const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/');

/** The V8 source (for flags `gu`) matching exactly what `pattern` matches in Oniguruma. */
export function translateRegex(pattern: string, component: string): string {
  return new Translator(pattern, component).run();
}

/** A global Unicode RegExp for an Oniguruma / fancy-regex pattern; UserError if it cannot be honoured. */
export function compileRegex(pattern: string, component: string): RegExp {
  const source = translateRegex(pattern, component);
  try {
    return new RegExp(source, 'gu');
  } catch (error) {
    throw new UserError(
      `${component}: regex ${JSON.stringify(pattern)} cannot be translated (${(error as Error).message}); use a simpler pattern`,
    );
  }
}

/** A regex-escaped literal string, as the HF `String` split/replace patterns are compiled. */
export function escapeLiteral(text: string): string {
  let out = '';
  for (const ch of text) out += SYNTAX_CHARS.has(ch) ? `\\${ch}` : ch;
  return out;
}

interface Group {
  caseInsensitive: boolean;
  atomic: boolean;
  outStart: number;
}

class Translator {
  private i = 0;
  private out = '';
  private caseInsensitive = false;
  private atomStart = -1;
  private atomicCount = 0;
  private literalRun = '';
  private lastLiteralEnd = -1;
  private hasBackreference = false;
  private readonly groups: Group[] = [];

  constructor(
    private readonly pattern: string,
    private readonly component: string,
  ) {}

  fail(what: string): never {
    throw new UserError(
      `${this.component}: regex ${JSON.stringify(this.pattern)} uses ${what}, which tokmix cannot honour exactly; use another tokenizer or pre-tokenizer`,
    );
  }

  run(): string {
    const p = this.pattern;
    while (this.i < p.length) {
      const ch = p[this.i];
      switch (ch) {
        case '(':
          this.openGroup();
          break;
        case ')':
          this.closeGroup();
          break;
        case '|':
          this.out += '|';
          this.i++;
          this.atomStart = -1;
          break;
        case '[':
          this.atomStart = this.out.length;
          this.out += this.charClass();
          break;
        case '*':
        case '+':
        case '?':
          this.quantifier(ch);
          break;
        case '{':
          if (!this.braceQuantifier()) {
            this.i++; // not a quantifier: a literal brace, as in Oniguruma
            this.literal('{');
          }
          break;
        case '.':
          this.atomStart = this.out.length;
          this.out += '[^\\n]';
          this.i++;
          break;
        case '^':
          this.atomStart = this.out.length;
          this.out += '(?<![^\\n])';
          this.i++;
          break;
        case '$':
          this.atomStart = this.out.length;
          this.out += '(?![^\\n])';
          this.i++;
          break;
        case '\\':
          this.escape();
          break;
        default: {
          const cp = p.codePointAt(this.i)!;
          this.i += cp > 0xffff ? 2 : 1;
          this.literal(String.fromCodePoint(cp));
        }
      }
    }
    if (this.groups.length > 0) this.fail('an unclosed group');
    if (this.hasBackreference && this.atomicCount > 0) {
      this.fail('back-references together with possessive quantifiers or atomic groups');
    }
    return this.out;
  }

  /** Emits one literal character (case-folded into a class inside (?i)). */
  private literal(ch: string): void {
    const start = this.out.length;
    const run = this.atomStart >= 0 && this.lastLiteralEnd === start ? this.literalRun + ch : ch;
    this.atomStart = start;
    if (this.caseInsensitive) {
      // Oniguruma also folds across characters (ß ↔ ss, ﬁ ↔ fi): refuse what V8 cannot express.
      const folded = fullFold(run);
      for (const multi of multiCharFolds()) {
        if (folded.endsWith(multi.folded) || multi.chars.includes(ch)) {
          this.fail(
            `a case-insensitive ${JSON.stringify(run)}, which Oniguruma also matches as ${multi.chars.join(' or ')} / ${multi.folded} (multi-character case folding)`,
          );
        }
      }
    }
    this.literalRun = run;
    this.emitLiteral(ch);
    this.lastLiteralEnd = this.out.length;
  }

  private emitLiteral(ch: string): void {
    if (this.caseInsensitive) {
      const variants = foldVariants(ch);
      if (variants.length > 1) {
        this.out += `[${variants.map(escapeClassChar).join('')}]`;
        return;
      }
    }
    this.out += SYNTAX_CHARS.has(ch) ? `\\${ch}` : ch;
  }

  private openGroup(): void {
    const p = this.pattern;
    const start = this.out.length;
    const group: Group = { caseInsensitive: this.caseInsensitive, atomic: false, outStart: start };
    if (p[this.i + 1] !== '?') {
      this.out += '(';
      this.i++;
      this.groups.push(group);
      return;
    }
    const rest = p.slice(this.i + 2);
    const simple = ['<=', '<!', ':', '=', '!'].find((prefix) => rest.startsWith(prefix));
    if (simple !== undefined) {
      this.out += `(?${simple}`;
      this.i += 2 + simple.length;
      this.groups.push(group);
      return;
    }
    if (rest.startsWith('>')) {
      this.out += '(?:';
      this.i += 3;
      group.atomic = true;
      this.groups.push(group);
      return;
    }
    if (rest.startsWith('#')) {
      const end = p.indexOf(')', this.i);
      if (end < 0) this.fail('an unclosed comment');
      this.i = end + 1;
      return;
    }
    const named = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
    if (named) {
      this.out += `(?<${named[1] ?? named[2]}>`;
      this.i += 2 + named[0].length;
      this.groups.push(group);
      return;
    }
    const flags = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    if (flags) {
      const on = flags[1] ?? '';
      const off = flags[2] ?? '';
      for (const f of on + off) if (f !== 'i') this.fail(`the inline flag (?${f})`);
      const next = on.includes('i') ? true : off.includes('i') ? false : this.caseInsensitive;
      this.i += 2 + flags[0].length;
      if (flags[3] === ':') {
        this.out += '(?:';
        this.groups.push(group);
        this.caseInsensitive = next;
      } else {
        // (?i) applies to the rest of the enclosing group.
        this.caseInsensitive = next;
      }
      return;
    }
    this.fail(`the group syntax (?${rest.slice(0, 3)}`);
  }

  private closeGroup(): void {
    const group = this.groups.pop();
    if (!group) this.fail('an unmatched )');
    this.out += ')';
    this.i++;
    this.caseInsensitive = group.caseInsensitive;
    this.atomStart = group.outStart;
    if (group.atomic) this.makeAtomic(group.outStart);
  }

  /** Wraps out[from..] as an atomic group: (?=(?<aN>X))\k<aN> matches X once, never backtracking. */
  private makeAtomic(from: number): void {
    const name = `tokmixAtomic${this.atomicCount++}`;
    this.out = `${this.out.slice(0, from)}(?=(?<${name}>${this.out.slice(from)}))\\k<${name}>`;
    this.atomStart = from;
  }

  private quantifier(ch: string): void {
    if (this.atomStart < 0) this.fail(`a quantifier ${ch} with nothing to repeat`);
    this.out += ch;
    this.i++;
    this.quantifierSuffix();
  }

  /** A lazy (`?`) or possessive (`+`) suffix after a quantifier. */
  private quantifierSuffix(): void {
    const next = this.pattern[this.i];
    if (next === '?') {
      this.out += '?';
      this.i++;
    } else if (next === '+') {
      this.i++;
      this.makeAtomic(this.atomStart);
    }
    this.atomStart = -1;
  }

  private braceQuantifier(): boolean {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.pattern.slice(this.i));
    if (!m || (m[1] === '' && m[3] === '') || (m[1] === '' && m[2] === '')) return false;
    if (this.atomStart < 0) this.fail('a {n,m} quantifier with nothing to repeat');
    this.out += `{${m[1] === '' ? '0' : m[1]}${m[2]}${m[3]}}`;
    this.i += m[0].length;
    // Onig: {n,m}+ is not possessive but a second quantifier; only ? (lazy) is a suffix here.
    if (this.pattern[this.i] === '?') {
      this.out += '?';
      this.i++;
    }
    this.atomStart = -1;
    return true;
  }

  private escape(): void {
    const p = this.pattern;
    const e = p[this.i + 1];
    if (e === undefined) this.fail('a trailing backslash');
    const start = this.out.length;
    const emit = (s: string, consumed: number): void => {
      this.atomStart = start;
      this.out += s;
      this.i += consumed;
    };
    switch (e) {
      case 's':
        return emit(`[${SPACE}]`, 2);
      case 'S':
        return emit(`[^${SPACE}]`, 2);
      case 'd':
        return emit(`[${DIGIT}]`, 2);
      case 'D':
        return emit(`[^${DIGIT}]`, 2);
      case 'w':
        return emit(`[${WORD}]`, 2);
      case 'W':
        return emit(`[^${WORD}]`, 2);
      case 'h':
        return emit(`[${HEX}]`, 2);
      case 'H':
        return emit(`[^${HEX}]`, 2);
      case 'b':
        return emit(`(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`, 2);
      case 'B':
        return emit(`(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`, 2);
      case 'A':
        return emit('(?<![\\s\\S])', 2);
      case 'z':
        return emit('(?![\\s\\S])', 2);
      case 'Z':
        return emit('(?=\\n?(?![\\s\\S]))', 2);
      case 'p':
      case 'P': {
        const { source, consumed } = this.property(this.i);
        return emit(source, consumed);
      }
      case 'k': {
        const m = /^\\k<([A-Za-z_]\w*)>/.exec(p.slice(this.i));
        if (!m) this.fail('a \\k back-reference that is not \\k<name>');
        this.hasBackreference = true;
        return emit(m[0], m[0].length);
      }
      default: {
        if (/[1-9]/.test(e)) {
          this.hasBackreference = true;
          const m = /^\\\d+/.exec(p.slice(this.i))!;
          return emit(m[0], m[0].length);
        }
        const { ch, consumed } = this.escapedChar(this.i);
        this.i += consumed;
        this.literal(ch);
      }
    }
  }

  /** \p{Name}, \P{Name}, \p{^Name}, \pL as V8 source (a class item when inClass). */
  private property(at: number): { source: string; consumed: number } {
    const p = this.pattern;
    let negated = p[at + 1] === 'P';
    let name: string;
    let consumed: number;
    if (p[at + 2] === '{') {
      const end = p.indexOf('}', at);
      if (end < 0) this.fail('an unclosed \\p{');
      name = p.slice(at + 3, end);
      consumed = end + 1 - at;
    } else {
      name = p[at + 2] ?? '';
      consumed = 3;
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const v8Name = propertyName(name);
    if (v8Name === null) this.fail(`the Unicode property \\p{${name}}`);
    const source = `\\${negated ? 'P' : 'p'}{${v8Name}}`;
    if (this.caseInsensitive && /^(L[ult]|Lowercase|Uppercase)/.test(name)) {
      this.fail(`\\p{${name}} inside a case-insensitive group`);
    }
    return { source, consumed };
  }

  /** One escaped literal character at `at` (the backslash): \n \t \x41 \x{263A} \u0041 \. ... */
  private escapedChar(at: number): { ch: string; consumed: number } {
    const p = this.pattern;
    const e = p[at + 1];
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      f: '\f',
      v: '\v',
      a: '\x07',
      e: '\x1b',
    };
    if (simple[e] !== undefined) return { ch: simple[e], consumed: 2 };
    if (e === 'x') {
      const braced = /^\\x\{([0-9a-fA-F]{1,8})\}/.exec(p.slice(at));
      if (braced) return { ch: codePoint(parseInt(braced[1], 16), this), consumed: braced[0].length };
      const two = /^\\x([0-9a-fA-F]{1,2})/.exec(p.slice(at));
      if (two) return { ch: String.fromCodePoint(parseInt(two[1], 16)), consumed: two[0].length };
      this.fail('a malformed \\x escape');
    }
    if (e === 'u') {
      const four = /^\\u([0-9a-fA-F]{4})/.exec(p.slice(at));
      if (four) return { ch: String.fromCharCode(parseInt(four[1], 16)), consumed: 6 };
      this.fail('a malformed \\u escape');
    }
    if (e === '0') {
      const octal = /^\\0([0-7]{0,2})/.exec(p.slice(at))!;
      return { ch: String.fromCharCode(parseInt(octal[1] || '0', 8)), consumed: octal[0].length };
    }
    if (/[A-Za-z0-9]/.test(e)) this.fail(`the escape \\${e}`);
    const cp = p.codePointAt(at + 1)!;
    return { ch: String.fromCodePoint(cp), consumed: cp > 0xffff ? 3 : 2 };
  }

  /** A bracketed class at this.i, as V8 source. */
  private charClass(): string {
    const p = this.pattern;
    this.i++;
    let negated = false;
    if (p[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      if (this.i >= p.length) this.fail('an unclosed [');
      const ch = p[this.i];
      if (ch === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (ch === '[') this.fail('a nested character class or POSIX bracket [[:...:]]');
      if (ch === '&' && p[this.i + 1] === '&') this.fail('class intersection &&');
      // One item: a set escape, or a character possibly starting a range.
      if (ch === '\\') {
        const e = p[this.i + 1];
        const sets: Record<string, string> = { s: SPACE, d: DIGIT, w: WORD, h: HEX };
        if (e !== undefined && sets[e] !== undefined) {
          items.push(sets[e]);
          this.i += 2;
          continue;
        }
        if (e !== undefined && 'SDWH'.includes(e)) this.fail(`\\${e} inside a character class`);
        if (e === 'p' || e === 'P') {
          const { source, consumed } = this.property(this.i);
          items.push(source);
          this.i += consumed;
          continue;
        }
        if (e === 'b') {
          items.push('\\x08');
          this.i += 2;
          continue;
        }
      }
      const low = this.classChar();
      if (p[this.i] === '-' && p[this.i + 1] !== ']' && this.i + 1 < p.length) {
        const save = this.i;
        this.i++;
        if (p[this.i] === '\\' && /[sdwhpPSDWH]/.test(p[this.i + 1] ?? '')) {
          this.i = save;
        } else {
          const high = this.classChar();
          if (low.codePointAt(0)! > high.codePointAt(0)!) this.fail('an empty class range');
          items.push(`${escapeClassChar(low)}-${escapeClassChar(high)}`);
          if (this.caseInsensitive && hasCaseVariants(low, high)) {
            const from = low.codePointAt(0)!;
            const to = high.codePointAt(0)!;
            if (to - from > 512)
              this.fail('a letter range wider than 512 characters inside a case-insensitive group');
            for (let cp = from; cp <= to; cp++) {
              items.push(foldVariants(String.fromCodePoint(cp)).slice(1).map(escapeClassChar).join(''));
            }
          }
          continue;
        }
      }
      const variants = this.caseInsensitive ? foldVariants(low) : [low];
      items.push(variants.map(escapeClassChar).join(''));
    }
    return `[${negated ? '^' : ''}${items.join('')}]`;
  }

  private classChar(): string {
    const p = this.pattern;
    if (p[this.i] === '\\') {
      const { ch, consumed } = this.escapedChar(this.i);
      this.i += consumed;
      return ch;
    }
    const cp = p.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return String.fromCodePoint(cp);
  }
}

function codePoint(cp: number, translator: { fail(what: string): never }): string {
  if (cp > 0x10ffff) translator.fail('a code point beyond U+10FFFF');
  return String.fromCodePoint(cp);
}

function escapeClassChar(ch: string): string {
  if (ch === '\\' || ch === ']' || ch === '[' || ch === '^' || ch === '-') return `\\${ch}`;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  return ch;
}

const propertyCache = new Map<string, string | null>();

/** The V8 name of an Onig property (`L`, `Letter`, `Latin` → Script=Latin, `Alpha` → Alphabetic). */
function propertyName(name: string): string | null {
  const cached = propertyCache.get(name);
  if (cached !== undefined) return cached;
  const aliases: Record<string, string> = {
    Alpha: 'Alphabetic',
    Upper: 'Uppercase',
    Lower: 'Lowercase',
    Space: 'White_Space',
    Digit: 'Nd',
    Punct: 'P',
    Word: 'L',
  };
  const candidates = [aliases[name] ?? name, `Script=${name}`];
  let found: string | null = null;
  for (const candidate of candidates) {
    try {
      new RegExp(`\\p{${candidate}}`, 'u');
      found = candidate;
      break;
    } catch {
      // try the next reading
    }
  }
  if (name === 'Word') found = null; // Onig's Word is \w, not a V8 property: refuse rather than guess
  propertyCache.set(name, found);
  return found;
}

const foldCache = new Map<string, string[]>();
const FOLD_SCAN_END = 0x20000;

/** Every character Unicode simple case folding makes equal to `ch` (V8's /iu), `ch` first. */
export function foldVariants(ch: string): string[] {
  const cached = foldCache.get(ch);
  if (cached) return cached;
  const test = new RegExp(`^${SYNTAX_CHARS.has(ch) ? '\\' : ''}${ch}$`, 'iu');
  const variants = [ch];
  if (ch.toUpperCase() !== ch.toLowerCase() || /[\p{L}\p{M}]/u.test(ch)) {
    for (let cp = 0; cp < FOLD_SCAN_END; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const other = String.fromCodePoint(cp);
      if (other !== ch && test.test(other)) variants.push(other);
    }
  }
  foldCache.set(ch, variants);
  return variants;
}

function hasCaseVariants(low: string, high: string): boolean {
  const re = /[\p{Lu}\p{Ll}\p{Lt}]/u;
  for (let cp = low.codePointAt(0)!; cp <= high.codePointAt(0)!; cp++) {
    if (re.test(String.fromCodePoint(cp))) return true;
  }
  return false;
}

/** Full case folding of a string, as far as JavaScript exposes it (lower of upper: ß → ss, ﬁ → fi). */
function fullFold(text: string): string {
  return text.toUpperCase().toLowerCase();
}

let multiFolds: Array<{ folded: string; chars: string[] }> | undefined;

/** Characters whose full case folding is several characters, grouped by that folding. */
function multiCharFolds(): Array<{ folded: string; chars: string[] }> {
  if (multiFolds) return multiFolds;
  const byFold = new Map<string, string[]>();
  for (let cp = 0x80; cp < FOLD_SCAN_END; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    const folded = fullFold(ch);
    if ([...folded].length > 1 && /^[\p{L}\p{M}\p{N}\u02bc]+$/u.test(folded)) {
      const list = byFold.get(folded);
      if (list) list.push(ch);
      else byFold.set(folded, [ch]);
    }
  }
  multiFolds = [...byFold].map(([folded, chars]) => ({ folded, chars }));
  return multiFolds;
}
