// Grouping categories for comparison charts: the paper's Figure 4 groups (English / code /
// Latin- or Cyrillic-script languages / other languages), the category kinds, or a user mapping.
import { UserError } from '../common/errors.js';
import type { CategoryResult } from './result.js';

export type GroupPreset = 'paper' | 'kind';
export type Grouping = GroupPreset | Record<string, string>;

const PAPER_ORDER = ['English', 'code', 'Latin/Cyrillic languages', 'other languages', 'domains', 'other'];
const KIND_ORDER = ['language', 'code', 'domain', 'other'];

function isEnglish(c: CategoryResult): boolean {
  return c.language === 'en' || c.language === 'eng' || /^(en|eng|english)$/i.test(c.name);
}

/** The group a category belongs to under a preset or mapping. */
export function groupOf(c: CategoryResult, grouping: Grouping): string {
  if (grouping === 'kind') return c.kind;
  if (grouping === 'paper') {
    if (c.kind === 'code') return 'code';
    if (c.kind === 'domain') return 'domains';
    if (c.kind !== 'language') return 'other';
    if (isEnglish(c)) return 'English';
    return c.script === 'Latn' || c.script === 'Cyrl' ? 'Latin/Cyrillic languages' : 'other languages';
  }
  return grouping[c.name] ?? 'other';
}

/** The groups in display order: the preset's order, or the mapping's first-seen order. */
export function groupOrder(groups: Iterable<string>, grouping: Grouping): string[] {
  const present = new Set(groups);
  const order = grouping === 'paper' ? PAPER_ORDER : grouping === 'kind' ? KIND_ORDER : [];
  const known = order.filter((g) => present.has(g));
  const mapped = typeof grouping === 'object' ? [...new Set(Object.values(grouping))] : [];
  const rest = [...present]
    .filter((g) => !known.includes(g) && g !== 'other')
    .sort((a, b) => {
      const ia = mapped.indexOf(a);
      const ib = mapped.indexOf(b);
      return ia !== ib ? ia - ib : a.localeCompare(b);
    });
  return [
    ...known,
    ...rest.filter((g) => !known.includes(g)),
    ...(present.has('other') && !known.includes('other') ? ['other'] : []),
  ];
}

/** Parses a mapping file's JSON: an object of category name → group name. */
export function parseGroupMapping(text: string, path: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${path}: not valid JSON; a group mapping is {"category": "group", ...}`, path);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${path}: a group mapping must be a JSON object {"category": "group", ...}`, path);
  }
  const mapping: Record<string, string> = {};
  for (const [name, group] of Object.entries(value)) {
    if (typeof group !== 'string' || group.trim() === '') {
      throw new UserError(`${path}: the group of category "${name}" must be a non-empty string`, path);
    }
    mapping[name] = group;
  }
  if (Object.keys(mapping).length === 0) {
    throw new UserError(`${path}: the group mapping is empty; map at least one category to a group`, path);
  }
  return mapping;
}
