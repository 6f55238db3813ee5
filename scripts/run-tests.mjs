// Runs every compiled test file (dist/test/**/*.test.js) with Node's own test runner, or with
// --unit only the fast ones (no CLI runs, no built-in corpora, no fuzzing, no training runs).
// Node 20's `--test` does not expand globs, so the file list is gathered here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

/** Files that drive the CLI (test/commands/), the built-in corpora, trainers, the watchdog or a
 *  fuzzer: left out by --unit. */
const SLOW = /(\/commands\/|\/fuzz\/|(builtin|trial|count|train|bounds)[^/]*\.test\.js$)/;

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const only = args.filter((arg) => arg !== '--unit');
const distDir = process.env.TOKMIX_DIST || 'dist';
const files = findTests(join(distDir, 'test'))
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .filter((file) => !unit || !SLOW.test(file))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${distDir}/test: run npm run build first`);
  process.exit(1);
}
// Test files run two at a time: the machines have two cores.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
