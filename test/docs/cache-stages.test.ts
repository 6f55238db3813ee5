// docs/DESIGN.md's table of cache stages is the one list of what the cache holds; this keeps it
// complete. Every stage name the source passes to the cache (a literal first argument of read,
// write, readJson, writeJson or getOrBuild, or a *_STAGE constant) must have a row.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const CACHE_CALL = /cache\??\.(?:read|write|readJson|writeJson|getOrBuild)(?:<[^>]*>)?\(\s*'([a-z-]+)'/g;
const STAGE_CONSTANT = /export const [A-Z_]+_STAGE = '([a-z-]+)'/g;

test("every cache stage the source uses has a row in DESIGN.md's table of stage folders", () => {
  const stages = new Set<string>();
  for (const file of sourceFiles(join(repoRoot, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of [CACHE_CALL, STAGE_CONSTANT]) {
      for (const match of text.matchAll(pattern)) stages.add(match[1]);
    }
  }
  // The scan must see the stages it is meant to: a pattern that stopped matching would pass vacuously.
  for (const known of ['estimate', 'estimate-rows', 'intervals', 'ranks', 'count', 'blocks']) {
    assert.ok(stages.has(known), `the scan found no use of stage ${known}`);
  }
  const design = readFileSync(join(repoRoot, 'docs', 'DESIGN.md'), 'utf8');
  const missing = [...stages].filter((stage) => !design.includes(`| \`${stage}/\` |`));
  assert.deepEqual(missing, [], "stages without a row in DESIGN.md's cache table");
});
