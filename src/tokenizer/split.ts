// Hugging Face's NormalizedString::split on plain strings: find the pattern's matches (Oniguruma's
// iteration rules), then cut by a delimiter behaviour. Empty pieces are dropped, as HF does.
import { UserError } from '../common/errors.js';

export type SplitBehavior =
  'removed' | 'isolated' | 'merged_with_previous' | 'merged_with_next' | 'contiguous';

const BEHAVIORS: Record<string, SplitBehavior> = {
  removed: 'removed',
  isolated: 'isolated',
  mergedwithprevious: 'merged_with_previous',
  mergedwithnext: 'merged_with_next',
  contiguous: 'contiguous',
};

/** Reads an HF behaviour name (`MergedWithPrevious`, `merged_with_previous`, ...). */
export function parseBehavior(value: unknown, component: string): SplitBehavior {
  const key = typeof value === 'string' ? value.replace(/_/g, '').toLowerCase() : '';
  const behavior = BEHAVIORS[key];
  if (!behavior) {
    throw new UserError(
      `${component}: unknown split behavior ${JSON.stringify(value)}; expected one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous`,
    );
  }
  return behavior;
}

/**
 * The segments of `text`, as flat triples [start, end, isMatch, ...] covering it in order: matches
 * of `re` (a global regex) and the gaps between them. Like Oniguruma's find_iter, an empty match
 * right where the previous match ended is skipped.
 */
export function regexSegments(re: RegExp, text: string, out: number[]): void {
  out.length = 0;
  if (text.length === 0) {
    out.push(0, 0, 0);
    return;
  }
  let prev = 0;
  let lastMatchEnd = -1;
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(text);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    if (start === end) {
      if (end === lastMatchEnd) {
        if (start >= text.length) break;
        const code = text.charCodeAt(start);
        re.lastIndex = start + (code >= 0xd800 && code <= 0xdbff ? 2 : 1);
        continue;
      }
      if (start >= text.length) {
        // Empty match at the very end: recorded as Onig does, then the search stops.
        if (prev !== start) out.push(prev, start, 0);
        out.push(start, end, 1);
        prev = end;
        break;
      }
    }
    if (prev !== start) out.push(prev, start, 0);
    out.push(start, end, 1);
    prev = end;
    lastMatchEnd = end;
    re.lastIndex = end;
  }
  if (prev !== text.length) out.push(prev, text.length, 0);
}

/** Segments where each character satisfying `isDelimiter` (tested on a code point) is a match. */
export function charSegments(isDelimiter: (cp: number) => boolean, text: string, out: number[]): void {
  out.length = 0;
  if (text.length === 0) {
    out.push(0, 0, 0);
    return;
  }
  let last = 0;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isDelimiter(cp)) {
      if (last < i) out.push(last, i, 0);
      out.push(i, i + width, 1);
      last = i + width;
    }
    i += width;
  }
  if (last < text.length) out.push(last, text.length, 0);
}

/**
 * Cuts `text` by its segments under a behaviour (HF's SplitDelimiterBehavior), pushing the
 * non-empty pieces to `out`. Returns the offset in `text` of the first piece pushed, or -1.
 */
export function cutSegments(
  text: string,
  segments: number[],
  behavior: SplitBehavior,
  invert: boolean,
  out: string[],
): number {
  const n = segments.length;
  let firstOffset = -1;
  const push = (start: number, end: number): void => {
    if (end > start) {
      if (firstOffset < 0) firstOffset = start;
      out.push(start === 0 && end === text.length ? text : text.slice(start, end));
    }
  };
  const isMatch = (k: number): boolean => (segments[k + 2] === 1) !== invert;
  switch (behavior) {
    case 'isolated':
      for (let k = 0; k < n; k += 3) push(segments[k], segments[k + 1]);
      break;
    case 'removed':
      for (let k = 0; k < n; k += 3) if (!isMatch(k)) push(segments[k], segments[k + 1]);
      break;
    case 'contiguous': {
      let previous = false;
      let start = -1;
      let end = -1;
      for (let k = 0; k < n; k += 3) {
        const match = isMatch(k);
        if (match === previous && start >= 0) {
          end = segments[k + 1];
        } else {
          if (start >= 0) push(start, end);
          start = segments[k];
          end = segments[k + 1];
        }
        previous = match;
      }
      if (start >= 0) push(start, end);
      break;
    }
    case 'merged_with_previous': {
      let previous = false;
      let start = -1;
      let end = -1;
      for (let k = 0; k < n; k += 3) {
        const match = isMatch(k);
        if (match && !previous && start >= 0) {
          end = segments[k + 1];
        } else {
          if (start >= 0) push(start, end);
          start = segments[k];
          end = segments[k + 1];
        }
        previous = match;
      }
      if (start >= 0) push(start, end);
      break;
    }
    case 'merged_with_next': {
      // HF folds from the end: a match not followed (in reverse: preceded) by a match joins the next piece.
      const starts: number[] = [];
      const ends: number[] = [];
      let previous = false;
      for (let k = n - 3; k >= 0; k -= 3) {
        const match = isMatch(k);
        if (match && !previous && starts.length > 0) {
          starts[starts.length - 1] = segments[k];
        } else {
          starts.push(segments[k]);
          ends.push(segments[k + 1]);
        }
        previous = match;
      }
      for (let j = starts.length - 1; j >= 0; j--) push(starts[j], ends[j]);
      break;
    }
  }
  return firstOffset;
}
