// Hugging Face normalizers (the `normalizer` field of tokenizer.json) compiled to string functions
// with HF's exact semantics; what tokmix cannot reproduce exactly is refused with a UserError.
import { UserError } from '../common/errors.js';
import type { HfComponent } from './spec.js';
import { compileRegex, escapeLiteral } from './regex.js';
import { regexSegments } from './split.js';
import { textToByteLevel } from './byte-level.js';

export type NormalizeFn = (text: string) => string;

const identity: NormalizeFn = (text) => text;

/** Compiles an HF normalizer (or null) into a function. */
export function compileNormalizer(component: HfComponent | null | undefined): NormalizeFn {
  if (component === null || component === undefined) return identity;
  const where = `normalizer ${component.type}`;
  switch (component.type) {
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = component.type;
      return (text) => text.normalize(form);
    }
    case 'Lowercase':
      return lowercase;
    case 'Prepend': {
      const prepend = stringField(component, 'prepend', where);
      return (text) => (text.length > 0 ? prepend + text : text);
    }
    case 'Replace': {
      const re = patternRegex(component.pattern, where);
      const content = stringField(component, 'content', where);
      const segments: number[] = [];
      return (text) => {
        regexSegments(re, text, segments);
        let out = '';
        for (let k = 0; k < segments.length; k += 3) {
          out += segments[k + 2] === 1 ? content : text.slice(segments[k], segments[k + 1]);
        }
        return out;
      };
    }
    case 'Strip': {
      const left = component.strip_left !== false;
      const right = component.strip_right !== false;
      return (text) => strip(text, left, right);
    }
    case 'StripAccents':
      return (text) => text.replace(/\p{M}/gu, '');
    case 'Nmt':
      return nmt;
    case 'ByteLevel':
      return textToByteLevel;
    case 'Sequence': {
      const list = component.normalizers;
      if (!Array.isArray(list)) throw new UserError(`${where}: expected a "normalizers" array`);
      const steps = list.map((c) => compileNormalizer(asComponent(c, where)));
      return (text) => {
        for (const step of steps) text = step(text);
        return text;
      };
    }
    default:
      throw new UserError(
        `normalizer ${component.type} is not supported by tokmix (supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, StripAccents, Nmt, ByteLevel, Sequence)`,
      );
  }
}

/** HF lowercases character by character (Rust char::to_lowercase): no final-sigma rule. */
function lowercase(text: string): string {
  return text.includes('\u03a3') ? text.replace(/\u03a3/g, '\u03c3').toLowerCase() : text.toLowerCase();
}

const WHITE_SPACE = /\p{White_Space}/u;

function strip(text: string, left: boolean, right: boolean): string {
  let start = 0;
  let end = text.length;
  if (left) while (start < end && WHITE_SPACE.test(text[start])) start++;
  if (right) while (end > start && WHITE_SPACE.test(text[end - 1])) end--;
  return text.slice(start, end);
}

function nmt(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- NMT removes exactly these control characters
      .replace(/[\x01-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]/g, '')
      .replace(/[\t\n\f\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]/g, ' ')
  );
}

/** An HF `{ String: "..." }` or `{ Regex: "..." }` pattern as a global V8 regex. */
export function patternRegex(pattern: unknown, where: string): RegExp {
  const p = pattern as { String?: unknown; Regex?: unknown } | null;
  if (p && typeof p.String === 'string') {
    return p.String === '' ? /(?!)/gu : new RegExp(escapeLiteral(p.String), 'gu');
  }
  if (p && typeof p.Regex === 'string') return compileRegex(p.Regex, where);
  throw new UserError(`${where}: expected "pattern" to be {"String": ...} or {"Regex": ...}`);
}

export function stringField(component: HfComponent, field: string, where: string): string {
  const value = component[field];
  if (typeof value !== 'string') throw new UserError(`${where}: expected a string "${field}"`);
  return value;
}

export function asComponent(value: unknown, where: string): HfComponent {
  if (value === null || typeof value !== 'object' || typeof (value as HfComponent).type !== 'string') {
    throw new UserError(`${where}: every entry must be an object with a "type"`);
  }
  return value as HfComponent;
}
