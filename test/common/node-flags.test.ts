// DESIGN's "Conventions" rule on Node 20's exit deadlock (nodejs/node#54918), as a check: the
// `tokmix` command and every test process run with --no-concurrent-recompilation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (dist/test/common → ../../..). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FLAG = '--no-concurrent-recompilation';

test('tokmix and the test runner start Node with --no-concurrent-recompilation', () => {
  const shebang = readFileSync(join(ROOT, 'bin/run.js'), 'utf8').split('\n')[0];
  assert.equal(shebang, `#!/usr/bin/env -S node ${FLAG}`);
  const runner = readFileSync(join(ROOT, 'scripts/run-tests.mjs'), 'utf8');
  assert.match(runner, new RegExp(`const args = \\[[^\\]]*'${FLAG}',\\s*'--test',`));
});
