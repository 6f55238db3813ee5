// The kill -9 check: runs `infer`, `train` and `validate` through bin/run.js on tiny inputs, kills
// them with SIGKILL at random moments of their measured run, then checks the --out folder is empty,
// or a whole result, never a part of one, and that a re-run on the same cache gives the same shares
// as a clean run. Shared by bench/kill-nine.ts (many kills) and a bounded test in npm test.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createRng, type Rng } from '../../src/common/random.js';

export type KillCommand = 'infer' | 'train' | 'validate';

export interface KillNineOptions {
  /** Repository root (holds bin/run.js). */
  root: string;
  /** TOKMIX_DIST for the CLI (the compiled tree to run), when not dist/. */
  dist?: string;
  commands: readonly KillCommand[];
  /** Kills per command. */
  kills: number;
  seed: number;
  /** Stop starting new kills after this many milliseconds (the reference runs always happen). */
  budgetMs?: number;
  /** Lines of text per synthetic category (default 1500, about 60 KB). */
  linesPerCategory?: number;
  log?: (line: string) => void;
}

export interface KillRecord {
  command: KillCommand;
  /** False when the run finished before its kill was due (it is still checked). */
  killed: boolean;
  /** Whether the killed run started on an empty cache. */
  coldCache: boolean;
  delayMs: number;
  /** The stage the kill landed in: the one after the last finished stage line, or "writing". */
  stage: string;
  /** What --out held after the kill: nothing, or a whole result. */
  out: 'nothing' | 'whole result';
  /** tokmix temp files and folders the kill left (beside --out and in the cache). */
  leftovers: string[];
}

export interface KillNineReport {
  kills: KillRecord[];
  failures: string[];
  /** Reference run times (cold cache, warm cache) per command, ms. */
  durations: Partial<Record<KillCommand, { cold: number; warm: number }>>;
}

const EXPECTED_FILES: Record<KillCommand, string[]> = {
  infer: ['proportions.csv', 'proportions.png', 'proportions.svg', 'report.html', 'result.json'],
  train: ['mixture.json', 'tokenizer.json'],
  validate: ['report.html', 'validation.csv', 'validation.json', 'validation.png', 'validation.svg'],
};

/** Lines of small text for one synthetic category: words drawn from its own letters. */
function categoryText(rng: Rng, letters: string, lines: number): string {
  const chars = [...letters];
  const vocab = Array.from({ length: 300 }, () =>
    Array.from({ length: 2 + rng.int(6) }, () => chars[rng.int(chars.length)]).join(''),
  );
  const out: string[] = [];
  for (let k = 0; k < lines; k++) {
    const n = 4 + rng.int(10);
    // Zipf-like word choice: low indices far more often.
    out.push(Array.from({ length: n }, () => vocab[Math.floor(vocab.length * rng.next() ** 3)]).join(' '));
  }
  return out.join('\n') + '\n';
}

const LETTERS = ['abcdefghij', 'klmnopqrst', 'αβγδεζηθικ', 'абвгдежзик'];

function commandArgs(command: KillCommand, cats: string, out: string, cache: string): string[] {
  const common = ['--out', out, '--cache-dir', cache, '--force'];
  switch (command) {
    case 'infer':
      return ['infer', 'gpt2', '--categories', cats, '--merges', '300', '--jobs', '1', ...common];
    case 'train':
      return ['train', '--categories', cats, '--merges', '200', '--jobs', '1', ...common];
    case 'validate':
      return [
        'validate',
        '--set',
        cats,
        '--n',
        '2',
        '--trials',
        '2',
        '--merges',
        '150',
        '--total-bytes',
        '60KB',
        '--trainer',
        'tokmix',
        '--jobs',
        '1',
        ...common,
      ];
  }
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

function runCli(options: KillNineOptions, args: string[], killAfterMs?: number): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(options.root, 'bin', 'run.js'), ...args], {
    cwd: options.root,
    env: { ...process.env, ...(options.dist ? { TOKMIX_DIST: options.dist } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, ms: Date.now() - started });
    });
  });
}

/** The result with what legitimately differs between runs (times, dates, paths) removed. */
function comparable(command: KillCommand, out: string): unknown {
  const file = { infer: 'result.json', train: 'mixture.json', validate: 'validation.json' }[command];
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value !== null && typeof value === 'object') {
      const kept: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        if (/time|seconds|duration|elapsed|created|date|memory|cache|^out$/i.test(key)) continue;
        kept[key] = strip(v);
      }
      return kept;
    }
    return value;
  };
  const result = strip(JSON.parse(readFileSync(join(out, file), 'utf8')));
  if (command === 'train') {
    const tokenizer = JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8')) as {
      model: { merges: unknown };
    };
    return { result, merges: tokenizer.model.merges };
  }
  return result;
}

/** Problems with a folder that claims to hold a whole result; empty when it does. */
function wholeResultProblems(command: KillCommand, out: string): string[] {
  const problems: string[] = [];
  const names = readdirSync(out).sort();
  if (JSON.stringify(names) !== JSON.stringify(EXPECTED_FILES[command])) {
    problems.push(`holds [${names.join(', ')}], expected [${EXPECTED_FILES[command].join(', ')}]`);
  }
  for (const name of names) {
    const path = join(out, name);
    if (!statSync(path).isFile() || statSync(path).size === 0) {
      problems.push(`${name} is empty or not a file`);
      continue;
    }
    const bytes = readFileSync(path);
    const text = bytes.toString('utf8');
    if (name.endsWith('.json')) {
      try {
        JSON.parse(text);
      } catch {
        problems.push(`${name} does not parse`);
      }
    } else if (name.endsWith('.png') && !bytes.subarray(-8).equals(Buffer.from('IEND\xaeB`\x82', 'latin1'))) {
      problems.push(`${name} lacks its IEND end`);
    } else if (name.endsWith('.svg') && !text.trimEnd().endsWith('</svg>'))
      problems.push(`${name} is cut short`);
    else if (name.endsWith('.html') && !text.trimEnd().endsWith('</html>'))
      problems.push(`${name} is cut short`);
  }
  return problems;
}

/** Temp names tokmix uses: atomic writes' `.<name>.<pid>.<hex>.tmp`, the experiment's
 *  `.<name>.<pid>.tmp` and `<name>.<pid>.tmp`, and validate's `trial-<seed>-<pid>` folders. */
const TEMP_NAME = /^(.+\.\d+(\.[0-9a-f]{8})?\.tmp|trial-\d+-\d+)$/;

/** Every file or folder under `dir` (recursively) that is a tokmix temp name, and any other stray names. */
function tempEntries(dir: string): { temps: string[]; strays: string[] } {
  const temps: string[] = [];
  const strays: string[] = [];
  if (!existsSync(dir)) return { temps, strays };
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (TEMP_NAME.test(name)) temps.push(path);
    else if (statSync(path).isDirectory()) {
      const inner = tempEntries(path);
      temps.push(...inner.temps);
      strays.push(...inner.strays);
    } else if (name.startsWith('.')) strays.push(path);
  }
  return { temps, strays };
}

function stageOf(stderr: string): string {
  const finished = [...stderr.matchAll(/^tokmix: (\w[\w-]*): /gm)]
    .map((m) => m[1])
    .filter((stage) => stage !== 'note');
  return finished.length === 0
    ? 'start (before any stage finished)'
    : `after ${finished[finished.length - 1]}`;
}

export async function killNine(options: KillNineOptions): Promise<KillNineReport> {
  const log = options.log ?? (() => {});
  const rng = createRng(options.seed);
  const work = mkdtempSync(join(tmpdir(), 'tokmix-kill-nine-'));
  const report: KillNineReport = { kills: [], failures: [], durations: {} };
  try {
    const cats = join(work, 'cats');
    LETTERS.forEach((letters, k) => {
      mkdirSync(join(cats, `c${k}`), { recursive: true });
      writeFileSync(
        join(cats, `c${k}`, 'text.txt'),
        categoryText(rng, letters, options.linesPerCategory ?? 1500),
      );
    });
    for (const command of options.commands) {
      // Reference: a clean run on a fresh cache (cold), then the same again (warm).
      const refCache = join(work, `${command}-ref-cache`);
      const refOut = join(work, `${command}-ref-out`);
      const cold = await runCli(options, commandArgs(command, cats, refOut, refCache));
      if (cold.code !== 0) {
        report.failures.push(`${command}: the reference run failed (${cold.code}): ${cold.stderr.trim()}`);
        continue;
      }
      const warm = await runCli(options, commandArgs(command, cats, refOut, refCache));
      report.durations[command] = { cold: cold.ms, warm: warm.ms };
      const reference = JSON.stringify(comparable(command, refOut));
      log(`${command}: reference runs take ${cold.ms} ms (cold cache), ${warm.ms} ms (warm)`);
      // The budget is for the kills: the reference runs take what the machine's load makes them.
      const end = Date.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
      const cache = join(work, `${command}-cache`);
      const out = join(work, `${command}-out`, 'result');
      // The machine's load changes run times: a run that ends before its kill shortens the span.
      const spans = { cold: cold.ms, warm: warm.ms };
      let k = 0;
      for (let attempt = 0; k < options.kills && attempt < 2 * options.kills && Date.now() < end; attempt++) {
        const coldCache = rng.int(3) > 0;
        if (coldCache) rmSync(cache, { recursive: true, force: true });
        const span = coldCache ? spans.cold : spans.warm;
        const delayMs = Math.floor(rng.next() * span * 1.05);
        const killed = await runCli(options, commandArgs(command, cats, out, cache), delayMs);
        if (killed.signal === 'SIGKILL') k++;
        else if (coldCache) spans.cold = Math.min(spans.cold, killed.ms);
        else spans.warm = Math.min(spans.warm, killed.ms);
        const what = `${command} run ${attempt + 1}, killed at ${delayMs} ms (${coldCache ? 'cold' : 'warm'} cache)`;
        const siblings = tempEntries(dirname(out));
        const cacheTemps = tempEntries(cache);
        const writing = siblings.temps.length > 0;
        let state: KillRecord['out'] = 'nothing';
        if (existsSync(out) && readdirSync(out).length > 0) {
          const problems = wholeResultProblems(command, out);
          if (problems.length > 0)
            report.failures.push(`${what}: --out is half-written: ${problems.join('; ')}`);
          else if (JSON.stringify(comparable(command, out)) !== reference) {
            report.failures.push(`${what}: --out holds a whole result that differs from the reference`);
          }
          state = 'whole result';
        }
        for (const stray of [...siblings.strays, ...cacheTemps.strays]) {
          if (basename(stray) !== basename(out))
            report.failures.push(`${what}: left ${stray}, not a tokmix temp name`);
        }
        const record: KillRecord = {
          command,
          killed: killed.signal === 'SIGKILL',
          coldCache,
          delayMs,
          stage:
            killed.signal === 'SIGKILL'
              ? writing
                ? 'writing --out'
                : stageOf(killed.stderr)
              : 'finished before the kill',
          out: state,
          leftovers: [...siblings.temps, ...cacheTemps.temps].map((p) => p.slice(work.length + 1)),
        };
        report.kills.push(record);
        log(
          `${what}: ${record.stage}; --out ${record.out}${record.leftovers.length ? `; left ${record.leftovers.join(', ')}` : ''}`,
        );
        // The cache the kill left must never be trusted and wrong: a full re-run gives the reference.
        const rerun = await runCli(options, commandArgs(command, cats, out, cache));
        if (rerun.code !== 0) {
          report.failures.push(
            `${what}: the re-run on its cache failed (${rerun.code}): ${rerun.stderr.trim()}`,
          );
        } else if (JSON.stringify(comparable(command, out)) !== reference) {
          report.failures.push(`${what}: the re-run on its cache gives another result than a clean run`);
        }
        // The next run must clear or ignore what the kill left in the cache (validate's trial folders).
        const kept = tempEntries(cache).temps.filter((p) => cacheTemps.temps.includes(p));
        record.leftovers.push(
          ...kept.map((p) => `${p.slice(work.length + 1)} (still there after the re-run)`),
        );
        // Leftover temp folders beside --out are the kill's; clear them so the next kill's are its own.
        for (const temp of siblings.temps) rmSync(temp, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return report;
}
