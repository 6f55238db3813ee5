// tokmix's own version, read once from its package.json (recorded in results and in cache keys).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in tokmix's package.json ('unknown' if it cannot be read). */
export function toolVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  // dist/src/common/ in a build; the package root is three levels up.
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'tokmix' && pkg.version) {
        cached = pkg.version;
        break;
      }
    } catch {
      // try the next candidate
    }
  }
  return cached;
}
