// Runs every compiled test file (dist/test/**/*.test.js) with Node's own test runner, or with
// --unit only the fast ones: not the folders of CLI runs and fuzzers, not the files tagged slow
// (built-in corpora, training runs, the counting watchdog) by a `// @tag slow: why` header line.
// Node 20's `--test` does not expand globs, so the file list is gathered here.
import { closeSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';

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
// Test files run two at a time: the machines have two cores. Progress is a dot per test on stdout
// (failures in full at the end); the whole TAP report goes to test-results/, so a CI log stays
// small. A file that runs past FILE_TIMEOUT_MS is killed and named, so a hang costs minutes, not
// CI's whole limit; files that only timed out are run once more, and the re-run is said out loud.
/** A positive number of milliseconds from the environment, else `fallback`. */
const millisFromEnv = (name, fallback) =>
  Number(process.env[name]) > 0 ? Number(process.env[name]) : fallback;
const FILE_TIMEOUT_MS = millisFromEnv('TOKMIX_TEST_FILE_TIMEOUT_MS', 600_000);
// And the whole run is bounded too, in case the runner itself wedges (it then dies with the line below).
const RUN_TIMEOUT_MS = millisFromEnv('TOKMIX_TEST_RUN_TIMEOUT_MS', 2_400_000);
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const resultsDir = 'test-results';
mkdirSync(resultsDir, { recursive: true });

/**
 * Runs `node --test` over `list` in a process group of its own, so a stop (Ctrl-C, SIGTERM) or the
 * run's time limit kills every test process it started, not only the runner. Resolves to its exit
 * status.
 */
function runFiles(list, report) {
  const args = [
    // Node 20 can deadlock as a test process ends: its main thread drains the platform's tasks
    // while a background TurboFan job waits for that thread to collect garbage (nodejs/node#54918;
    // caught here with gdb in test/solve/cached-solve.test.ts, 3 of 200 runs). Optimizing on the
    // main thread removes that job: 0 of 200. Every test process inherits the flag.
    '--no-concurrent-recompilation',
    '--test',
    '--test-concurrency=2',
    `--test-timeout=${FILE_TIMEOUT_MS}`,
    '--test-reporter=dot',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${report}`,
    ...list,
  ];
  const child = spawn(process.execPath, args, { stdio: 'inherit', detached: true });
  const killGroup = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  const onStop = (signal) => {
    killGroup();
    process.kill(process.pid, signal);
  };
  const timer = setTimeout(() => {
    console.log(`\ntests: the run passed ${RUN_TIMEOUT_MS / 60_000} minutes and was stopped (see ${report})`);
    killGroup();
  }, RUN_TIMEOUT_MS);
  for (const signal of STOP_SIGNALS) process.once(signal, onStop);
  return new Promise((done) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      for (const signal of STOP_SIGNALS) process.removeListener(signal, onStop);
      killGroup(); // a test's stray process does not outlive the run
      done(code ?? 1);
    });
  });
}

/** The top-level failures of a TAP report: each `not ok` line's name and its failureType. */
function failuresOf(report) {
  const lines = readFileSync(report, 'utf8').split('\n');
  const failures = [];
  lines.forEach((line, k) => {
    const match = /^not ok \d+ - (.*)$/.exec(line);
    if (!match) return;
    let type = 'unknown';
    for (let j = k + 1; j < lines.length && lines[j] !== '  ...'; j++) {
      const found = /^ {2}failureType: '(\w+)'/.exec(lines[j]);
      if (found) type = found[1];
    }
    failures.push({ name: match[1].replace(/ # .*$/, ''), type });
  });
  return failures;
}

const firstReport = join(resultsDir, 'tests.tap');
let status = await runFiles(files, firstReport);
if (status !== 0) {
  const failures = failuresOf(firstReport);
  const timedOut = failures.filter(
    (f) => f.type === 'testTimeoutFailure' && files.some((file) => resolve(file) === f.name),
  );
  if (timedOut.length > 0 && timedOut.length === failures.length) {
    const names = timedOut.map((f) => f.name);
    console.log(
      `\ntests: ${names.join(', ')} ran past ${FILE_TIMEOUT_MS / 1000} s and were killed; running them once more`,
    );
    status = await runFiles(names, join(resultsDir, 'tests-rerun.tap'));
    console.log(
      status === 0
        ? `tests: the re-run passed; a hang that comes and goes is a bug to find (${firstReport})`
        : 'tests: the re-run failed too',
    );
  }
}
console.log(`tests: the full TAP report is in ${firstReport}`);
process.exit(status);
