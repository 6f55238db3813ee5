// Runs every compiled test file (dist/test/**/*.test.js) with Node's own test runner, or with
// --unit only the fast ones: not the folders of CLI runs and fuzzers, not the files tagged slow
// (built-in corpora, training runs, the counting watchdog) by a `// @tag slow: why` header line.
// Node 20's `--test` does not expand globs, so the file list is gathered here.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
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

/** Folders whose every test is slow: CLI runs (test/commands/) and fuzzers (test/fuzz/). */
const SLOW_FOLDERS = ['commands', 'fuzz'];

/** The first bytes of a file: a compiled test keeps its header comments, where its tags are. */
function head(path, bytes = 4096) {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function isSlow(file, testDir) {
  const folder = file.slice(testDir.length + 1).split(/[\\/]/)[0];
  return SLOW_FOLDERS.includes(folder) || /^\/\/ @tag slow\b/m.test(head(file));
}

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const only = args.filter((arg) => arg !== '--unit');
const distDir = process.env.TOKMIX_DIST || 'dist';
const testDir = join(distDir, 'test');
const files = findTests(testDir)
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .filter((file) => !unit || !isSlow(file, testDir))
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
