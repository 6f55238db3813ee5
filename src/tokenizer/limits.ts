// Limits on what a tokenizer file may hold, generous for real tokenizers (≤ ~300k merges, files of
// 20-35 MB, components nested a few levels) and checked before any work that grows with them.
import { statSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import type { HfComponent } from './spec.js';

/** Largest tokenizer file (tokenizer.json, merges.txt, vocab.json, .tiktoken) read. */
export const MAX_TOKENIZER_FILE_BYTES = 512 << 20;
/** Most merges (or ranks) a tokenizer may have. */
export const MAX_MERGES = 2_000_000;
/**
 * Most entries one JSON object or array of a tokenizer file may hold: a vocabulary or merge list
 * of MAX_MERGES plus the alphabet and added tokens. Checked on the text before JSON.parse, which
 * takes minutes and gigabytes on an object of tens of millions of keys.
 */
export const MAX_JSON_CONTAINER_ENTRIES = MAX_MERGES + (1 << 20);
/** Deepest nesting of objects and arrays inside a normalizer or pre-tokenizer (about 32 Sequences). */
export const MAX_COMPONENT_DEPTH = 64;

function mb(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MB`;
}

/** UserError unless the file at `path` is at most `limit` bytes (checked before reading it). */
export function checkFileSize(path: string, limit = MAX_TOKENIZER_FILE_BYTES): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // the read that follows reports missing files
  }
  if (size > limit) {
    throw new UserError(
      `${path}: ${mb(size)} is larger than the ${mb(limit)} tokmix reads for a tokenizer file (real ones are under 50 MB); is this the right file?`,
      path,
    );
  }
}

/**
 * UserError when a JSON object or array in `text` has more than MAX_JSON_CONTAINER_ENTRIES
 * entries, found by one pass over the text (strings skipped, commas counted per open container)
 * without parsing it.
 */
export function checkJsonContainerSizes(text: string, path: string): void {
  const commas: number[] = [];
  let depth = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, over escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) commas[++depth] = 0;
    else if (c === 0x7d || c === 0x5d) depth = Math.max(depth - 1, -1);
    else if (c === 0x2c && depth >= 0 && ++commas[depth] >= MAX_JSON_CONTAINER_ENTRIES) {
      throw new UserError(
        `${path}: a JSON object or array with more than ${MAX_JSON_CONTAINER_ENTRIES} entries, more than any tokenizer tokmix accepts (real vocabularies and merge lists are under 300000); is this the right file?`,
        path,
      );
    }
  }
}

/** UserError unless `count` merges (or ranks) are within MAX_MERGES. */
export function checkMergeCount(count: number, path: string, what = 'merges'): void {
  if (count > MAX_MERGES) {
    throw new UserError(
      `${path}: ${count} ${what}, more than the ${MAX_MERGES} tokmix accepts (real tokenizers have under 300000); is this the right file?`,
      path,
    );
  }
}

/**
 * UserError when a `normalizer`/`pre_tokenizer` value nests objects and arrays more than
 * MAX_COMPONENT_DEPTH deep. Iterative, so hostile nesting cannot overflow the stack here, and
 * everything that walks components recursively afterwards is safe.
 */
export function checkComponentDepth(value: unknown, field: string, path?: string): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_COMPONENT_DEPTH) {
      throw new UserError(
        `${path ? `${path}: ` : ''}"${field}" nests more than ${MAX_COMPONENT_DEPTH} levels of objects and arrays (about ${MAX_COMPONENT_DEPTH / 2} nested Sequences); real tokenizers nest a few levels, so simplify it`,
        path,
      );
    }
    for (const child of Object.values(node as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}

/** The user regexes of a normalizer and pre-tokenizer, as `pre_tokenizer Split regex "…"`. */
export function componentRegexes(components: {
  normalizer?: HfComponent | null;
  preTokenizer?: HfComponent | null;
}): string[] {
  const out: string[] = [];
  const visit = (field: string, root: HfComponent | null | undefined): void => {
    const stack: unknown[] = root ? [root] : [];
    while (stack.length > 0) {
      const c = stack.pop() as HfComponent | null;
      if (c === null || typeof c !== 'object') continue;
      const pattern = c.pattern as { Regex?: unknown } | undefined;
      if (pattern && typeof pattern.Regex === 'string') {
        const shown = pattern.Regex.length > 80 ? `${pattern.Regex.slice(0, 77)}...` : pattern.Regex;
        out.push(`${field} ${c.type} regex ${JSON.stringify(shown)}`);
      }
      const list = c.normalizers ?? c.pretokenizers;
      if (Array.isArray(list)) for (let k = list.length - 1; k >= 0; k--) stack.push(list[k]);
    }
  };
  visit('normalizer', components.normalizer);
  visit('pre_tokenizer', components.preTokenizer);
  return out;
}
