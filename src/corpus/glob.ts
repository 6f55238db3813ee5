// A small glob matcher for manifests (`*`, `?`, `**`, `[...]`), since Node 20 has no fs.glob:
// expands a pattern to the sorted list of existing files it names.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) source += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function entries(dir: string): { name: string; isDir: boolean }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { name: string; isDir: boolean }[] = [];
  for (const name of names.sort()) {
    try {
      out.push({ name, isDir: statSync(join(dir, name)).isDirectory() });
    } catch {
      // a dangling link names nothing
    }
  }
  return out;
}

/** Files (not folders) matching `pattern`, relative patterns taken from `base`; sorted, unique. */
export function expandGlob(pattern: string, base: string): string[] {
  const absolute = isAbsolute(pattern) ? pattern : resolve(base, pattern);
  const parts = absolute.split(/[\\/]+/);
  let fixed = parts[0] === '' ? sep : parts[0];
  let i = 1;
  while (i < parts.length && !hasGlobMagic(parts[i])) {
    fixed = join(fixed, parts[i]);
    i++;
  }
  const rest = parts.slice(i);
  const found = new Set<string>();
  const walk = (dir: string, k: number): void => {
    if (k === rest.length) {
      try {
        if (statSync(dir).isFile()) found.add(dir);
      } catch {
        // nothing there
      }
      return;
    }
    const segment = rest[k];
    if (segment === '**') {
      walk(dir, k + 1);
      for (const entry of entries(dir))
        if (entry.isDir && !entry.name.startsWith('.')) walk(join(dir, entry.name), k);
      return;
    }
    const re = segmentRegExp(segment);
    for (const entry of entries(dir)) {
      if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
      if (re.test(entry.name)) walk(join(dir, entry.name), k + 1);
    }
  };
  walk(fixed, 0);
  return [...found].sort();
}
