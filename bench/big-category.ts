// Counting and replay at the paper's data scale (issue 16): one category of ~1 GB, counted and then
// replayed over 30,000 merges through the CLI as a user runs it, each stage in its own process so
// its peak RSS is its own. The reference run is the same pipeline on a tenth of the text: memory
// should follow distinct pre-tokens, not bytes.
// The text is made at run time from the 50 MB bench corpus (train-corpus.ts), repeated, with a
// seeded share of words given one random letter changed, so that distinct pre-tokens keep growing
// with the size as in real text rather than stopping at the corpus's own vocabulary.
// Usage: node dist/bench/big-category.js [bytes] [merges] [--mutate RATE] [--tokenizer NAME] [--keep]
// (defaults 1e9, 30000, 0.05, gpt2). Prints one JSON line per size and the ratios.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCorpus } from './train-corpus.js';
import { rng } from './rng.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const bytes = Number(positional[0] ?? 1e9);
const merges = Number(positional[1] ?? 30000);
const mutate = Number(option('--mutate', '0.05'));
const tokenizer = option('--tokenizer', 'gpt2');
const keep = args.includes('--keep');

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Writes `size` bytes: the corpus's lines over and over, a `rate` share of words with one letter changed. */
async function writeCategory(path: string, size: number, rate: number): Promise<void> {
  const lines = readFileSync(await benchCorpus(50e6), 'utf8').split('\n');
  const random = rng(1);
  const out = createWriteStream(path);
  let written = 0;
  let buffer: string[] = [];
  let buffered = 0;
  for (let i = 0; written < size; i = (i + 1) % lines.length) {
    const line = lines[i].replace(/[a-z]{3,}/g, (word) => {
      if (random() >= rate) return word;
      const at = Math.floor(random() * word.length);
      return word.slice(0, at) + LETTERS[Math.floor(random() * 26)] + word.slice(at + 1);
    });
    const piece = line + '\n';
    const length = Buffer.byteLength(piece);
    if (written + length > size) break;
    buffer.push(piece);
    buffered += length;
    written += length;
    if (buffered >= 1 << 22) {
      if (!out.write(buffer.join(''))) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = [];
      buffered = 0;
    }
  }
  out.end(buffer.join(''));
  await new Promise<void>((r) => out.on('finish', () => r()));
}

interface Stage {
  seconds: number;
  maxRssMB: number;
  json: Record<string, unknown>;
}

// Each stage is the CLI in its own process; a preloaded hook prints its peak RSS (worker threads
// included, they share the process) on exit.
const RSS_HOOK =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss-kb '+process.resourceUsage().maxRSS+'\\n'))";

function stage(command: string, dir: string, cacheDir: string): Stage {
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      RSS_HOOK,
      join(root, 'bin/run.js'),
      command,
      tokenizer,
      '--categories',
      dir,
      '--cache-dir',
      cacheDir,
      '--json',
      ...(command === 'replay' ? ['--merges', String(merges), '--skip-merges', '0'] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr}`);
  const rss = /maxrss-kb (\d+)/.exec(run.stderr);
  return { seconds, maxRssMB: rss ? Math.round(Number(rss[1]) / 1024) : NaN, json: JSON.parse(run.stdout) };
}

async function measure(size: number) {
  const top = join(tmpdir(), 'tokmix-bench', `big-${size}-${mutate}`);
  const dir = join(top, 'categories');
  const file = join(dir, 'big', 'big.txt');
  if (!existsSync(file)) {
    mkdirSync(join(dir, 'big'), { recursive: true });
    await writeCategory(file, size, mutate);
  }
  const cacheDir = join(top, 'cache');
  rmSync(cacheDir, { recursive: true, force: true });
  // Warm-up on a one-line category: the tokenizer's own conversion (tens of seconds for a tiktoken
  // rank file) is cached here, so the stages below time counting and replay only.
  const tiny = join(top, 'tiny');
  mkdirSync(join(tiny, 'a'), { recursive: true });
  writeFileSync(join(tiny, 'a', 'a.txt'), 'warm up\n');
  stage('replay', tiny, cacheDir);
  const count = stage('count', dir, cacheDir);
  // The replay process reads the counts from the cache the count stage left.
  const replay = stage('replay', dir, cacheDir);
  const counted = (count.json.categories as Record<string, number>[])[0];
  const replayed = (replay.json.categories as Record<string, number>[])[0];
  const row = {
    bytes: size,
    distinctPreTokens: counted.distinctPreTokens,
    preTokens: counted.preTokens,
    countSeconds: +count.seconds.toFixed(1),
    countPeakMB: count.maxRssMB,
    replaySeconds: +replay.seconds.toFixed(1),
    replayPeakMB: replay.maxRssMB,
    stepsApplied: replayed.stepsApplied,
    recordedChanges: replayed.recordedChanges,
    pairs: replayed.pairs,
    transcriptMB: +(replayed.transcriptBytes / 2 ** 20).toFixed(1),
  };
  if (!keep) rmSync(top, { recursive: true, force: true });
  return row;
}

const reference = await measure(Math.round(bytes / 10));
console.log(JSON.stringify(reference));
const full = await measure(bytes);
console.log(JSON.stringify(full));
const ratio = (key: keyof typeof full) => +(Number(full[key]) / Number(reference[key])).toFixed(2);
console.log(
  JSON.stringify({
    ratioToTenth: {
      bytes: ratio('bytes'),
      distinctPreTokens: ratio('distinctPreTokens'),
      countSeconds: ratio('countSeconds'),
      countPeakMB: ratio('countPeakMB'),
      replaySeconds: ratio('replaySeconds'),
      replayPeakMB: ratio('replayPeakMB'),
      recordedChanges: ratio('recordedChanges'),
      transcriptMB: ratio('transcriptMB'),
    },
  }),
);
