// Fuzzing every loader of external input for about a minute: mutated tokenizer.json, claude.json
// ranks, merges.txt, vocab.json, .tiktoken, category manifests and category files must each end in
// a result or a one-line UserError; any other error, or a hang past the per-input timeout, fails
// with the seed, the input's index and a copy of the input. TOKMIX_FUZZ_SEED / _SECONDS override.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import zstd from '@bokuweb/zstd-wasm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { encodeCheckpoint } from '../../src/solve/checkpoint.js';
import { encodeEntry, decodeEntry } from '../../src/common/cache.js';
import { createRng, deriveSeed, type Rng } from '../../src/common/random.js';
import { buildSeeds, type Seeds } from './seeds.js';
import {
  type Json,
  mutateBytes,
  mutateJson,
  mutateLines,
  mutateTokenizerJson,
  pick,
  toJsonText,
} from './mutate.js';
import type { FuzzJob, FuzzOutcome } from './loader-worker.js';
import { fuzzSeed } from './seed.js';

const SEED = fuzzSeed(process.env.TOKMIX_FUZZ_SEED);
const SECONDS = Number(process.env.TOKMIX_FUZZ_SECONDS ?? 60);
/** A load of these tiny inputs takes milliseconds; far past that is a hang. */
const TIMEOUT_MS = 10_000;
/** Failures recorded per loader before it stops (one bug tends to repeat). */
const MAX_FAILURES = 5;

const work = mkdtempSync(join(tmpdir(), 'tokmix-fuzz-'));
let seeds: Seeds;

/** The fuzz worker: one at a time, replaced when an input hangs it. */
class Runner {
  private worker?: Worker;
  private ready?: Promise<void>;

  private start(): Promise<void> {
    const worker = new Worker(new URL('./loader-worker.js', import.meta.url));
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return this.ready;
  }

  async run(job: FuzzJob): Promise<FuzzOutcome | { outcome: 'hang' }> {
    if (!this.worker) await this.start();
    else await this.ready;
    const worker = this.worker!;
    return new Promise((resolve) => {
      const done = (outcome: FuzzOutcome | { outcome: 'hang' }): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(outcome);
      };
      const onMessage = (outcome: FuzzOutcome): void => done(outcome);
      // An error escaping the load (an uncaught exception in a callback) ends the thread.
      const onError = (error: Error): void => {
        this.worker = undefined;
        done({ outcome: 'crash', error: `worker died: ${error.stack ?? error}` });
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        done({ outcome: 'hang' });
      }, TIMEOUT_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

const runner = new Runner();

before(async () => {
  seeds = await buildSeeds();
  await zstd.init();
});

/** A zstd frame of `bytes`, sometimes between skippable frames (valid, to be skipped). */
function zstdFrames(rng: Rng, bytes: Uint8Array): Buffer {
  const frame = Buffer.from(zstd.compress(bytes, 1 + rng.int(5)));
  if (rng.int(3) > 0) return frame;
  const skippable = (payload: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(0x184d2a50 + rng.int(16), 0);
    head.writeUInt32LE(payload.length, 4);
    return Buffer.concat([head, payload]);
  };
  return Buffer.concat([skippable(Buffer.from('meta')), frame, skippable(Buffer.alloc(rng.int(40)))]);
}

/** A small valid Parquet file of the category text's lines (a text column and an id). */
function parquetFile(): Buffer {
  const lines = seeds.categoryText.txt.split('\n').slice(0, 40);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: lines.map((_, i) => i), type: 'INT32' },
      { name: 'text', data: lines, type: 'STRING' },
    ],
  });
  return Buffer.from(buffer);
}

/** A checkpoint with a whole frame (its checksum right) whose content is hostile. */
function hostileCheckpoint(rng: Rng): Buffer {
  const n = 1 + rng.int(4);
  const value = () =>
    pick(rng, [0, 1, -1, 0.5, 1e-300, 1e300, Number.NaN, Number.POSITIVE_INFINITY, rng.next()]);
  const alpha = Float64Array.from({ length: n }, () => (rng.int(2) === 0 ? 1 / n : value()));
  const bytes = encodeCheckpoint({
    fingerprint: rng.int(8) === 0 ? 'not hex' : '0123456789abcdef0123456789abcdef',
    steps: 1 + rng.int(50),
    vocabSize: 1 + rng.int(300),
    categories: n,
    rows: Array.from({ length: rng.int(20) }, () => ({
      step: rng.int(60),
      left: rng.int(320),
      right: rng.int(320),
    })),
    lower: rng.int(2) === 0 ? 1 : value(),
    upper: rng.int(2) === 0 ? 2 : value(),
    gap: rng.int(2) === 0 ? 0.5 : value(),
    alpha,
    pairSlacks: Array.from({ length: rng.int(4) }, () => ({
      left: rng.int(320),
      right: rng.int(320),
      value: value(),
    })),
  });
  if (rng.int(3) > 0) return bytes;
  // The payload's bytes mutated, framed again with a right checksum.
  return Buffer.from(encodeEntry(mutateBytes(rng, Buffer.from(decodeEntry(bytes)!))));
}

after(async () => {
  await runner.close();
  rmSync(work, { recursive: true, force: true });
});

type Files = Record<string, string | Buffer>;

interface Loader {
  name: string;
  /** Share of the time budget: counting categories starts worker threads, so it gets more. */
  weight?: number;
  /** The files of one mutated input (relative paths) and the job that loads them from `dir`. */
  make(rng: Rng, dir: string): { files: Files; job: FuzzJob };
}

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/** 1-3 mutations of a JSON value: mostly structural, sometimes of its bytes. */
function mutatedJsonText(rng: Rng, value: Json, structural: (rng: Rng, v: Json) => Json): Buffer {
  let root = clone(value);
  let text: Buffer | undefined;
  for (let k = 1 + rng.int(3); k > 0; k--) {
    if (text === undefined && rng.int(4) > 0) root = structural(rng, root);
    else text = mutateBytes(rng, text ?? Buffer.from(toJsonText(root)));
  }
  return text ?? Buffer.from(toJsonText(root));
}

/** 1-3 line-level or byte-level mutations of a text. */
function mutatedText(rng: Rng, text: string): Buffer {
  let out: Buffer = Buffer.from(text);
  for (let k = 1 + rng.int(3); k > 0; k--) {
    out = rng.int(2) === 0 ? Buffer.from(mutateLines(rng, out.toString('utf8'))) : mutateBytes(rng, out);
  }
  return out;
}

const tokenizerJob = (rng: Rng, dir: string, file: string): FuzzJob => ({
  type: 'tokenizer',
  ref: rng.int(4) === 0 ? dir : join(dir, file),
});

/** A category folder holding one file of every readable format. */
function categoryFiles(): Files {
  const t = seeds.categoryText;
  return {
    'cats/plain/a.txt': t.txt,
    'cats/records/r.jsonl': t.jsonl,
    'cats/table/t.csv': t.csv,
    'cats/table/u.tsv.gz': gzipSync(t.tsv),
    'cats/gz/b.txt.gz': gzipSync(t.txt),
    'cats/gz/s.jsonl.gz': gzipSync(t.jsonl),
  };
}

const categoriesJob = (rng: Rng, dir: string, ref: string): FuzzJob => ({
  type: 'categories',
  ref,
  cacheDir: join(work, 'cache'),
  bytes: rng.int(3) === 0 ? 1 + rng.int(400) : undefined,
});

const MANIFEST: Json = {
  categories: [
    {
      name: 'plain',
      kind: 'language',
      language: 'en',
      script: 'Latn',
      source: 'fuzz',
      license: 'MIT',
      files: ['cats/plain/a.txt', 'cats/gz/*.gz'],
    },
    { name: 'records', files: 'cats/records' },
    { name: 'table', kind: 'other', files: ['cats/table/t.csv', 'cats/**/*.tsv.gz'] },
  ],
};

const LOADERS: Loader[] = [
  {
    name: 'tokenizer.json',
    make: (rng, dir) => ({
      files: { 'tokenizer.json': mutatedJsonText(rng, pick(rng, seeds.tokenizerJson), mutateTokenizerJson) },
      job: tokenizerJob(rng, dir, 'tokenizer.json'),
    }),
  },
  {
    name: 'claude.json ranks',
    make: (rng, dir) => {
      const seed = clone(pick(rng, seeds.rankJson)) as Record<string, string>;
      if (rng.int(3) === 0) seed.bpe_ranks = mutateLines(rng, seed.bpe_ranks!);
      return {
        files: { 'ranks.json': mutatedJsonText(rng, seed, mutateTokenizerJson) },
        job: { type: 'tokenizer', ref: join(dir, 'ranks.json') },
      };
    },
  },
  {
    name: 'merges.txt',
    make: (rng, dir) => {
      const seed = pick(rng, seeds.mergesTxt);
      const files: Files = { 'merges.txt': mutatedText(rng, seed.merges) };
      if (rng.int(2) === 0) files['vocab.json'] = JSON.stringify(seed.vocab);
      return { files, job: tokenizerJob(rng, dir, 'merges.txt') };
    },
  },
  {
    name: 'vocab.json',
    make: (rng, dir) => {
      const seed = pick(rng, seeds.mergesTxt);
      return {
        files: { 'merges.txt': seed.merges, 'vocab.json': mutatedJsonText(rng, seed.vocab, mutateJson) },
        job: tokenizerJob(rng, dir, 'merges.txt'),
      };
    },
  },
  {
    name: '.tiktoken',
    make: (rng, dir) => {
      const name = rng.int(8) === 0 ? 'fuzz.tiktoken' : 'r50k.tiktoken';
      return { files: { [name]: mutatedText(rng, seeds.tiktoken) }, job: tokenizerJob(rng, dir, name) };
    },
  },
  {
    name: 'category manifest',
    weight: 2,
    make: (rng, dir) => ({
      files: { ...categoryFiles(), 'manifest.json': mutatedJsonText(rng, MANIFEST, mutateJson) },
      job: categoriesJob(rng, dir, join(dir, 'manifest.json')),
    }),
  },
  {
    name: 'category files',
    weight: 2,
    make: (rng, dir) => {
      const files = categoryFiles();
      const name = pick(rng, Object.keys(files));
      const content = files[name];
      if (typeof content === 'string') files[name] = mutatedText(rng, content);
      else if (rng.int(2) === 0) files[name] = mutateBytes(rng, content);
      else {
        // The text inside the gzip stream, mutated and compressed again.
        const t = seeds.categoryText;
        files[name] = gzipSync(
          mutatedText(rng, /\.tsv/.test(name) ? t.tsv : /\.jsonl/.test(name) ? t.jsonl : t.txt),
        );
      }
      return { files, job: categoriesJob(rng, dir, join(dir, 'cats')) };
    },
  },
];

LOADERS.push(
  {
    name: '.zst category files',
    weight: 2,
    make: (rng, dir) => {
      const t = seeds.categoryText;
      const text = rng.int(2) === 0 ? mutatedText(rng, t.txt) : Buffer.from(t.txt);
      let file = zstdFrames(rng, text);
      if (rng.int(2) === 0) file = mutateBytes(rng, file);
      const records = zstdFrames(rng, rng.int(2) === 0 ? mutatedText(rng, t.jsonl) : Buffer.from(t.jsonl));
      return {
        files: { 'cats/z/a.txt.zst': file, 'cats/y/r.jsonl.zst': records },
        job: categoriesJob(rng, dir, join(dir, 'cats')),
      };
    },
  },
  {
    name: 'Parquet footers',
    weight: 2,
    make: (rng, dir) => {
      const file = parquetFile();
      const length = file.readUInt32LE(file.length - 8);
      const footerStart = file.length - 8 - length;
      let mutated: Buffer;
      if (rng.int(4) === 0) {
        // The footer's length field itself.
        mutated = Buffer.from(file);
        mutated.writeUInt32LE(
          pick(rng, [0, 1, length - 1, length + 1, file.length, 0xffffffff]),
          file.length - 8,
        );
      } else {
        const footer = mutateBytes(rng, file.subarray(footerStart, file.length - 8));
        const size = Buffer.alloc(4);
        size.writeUInt32LE(footer.length);
        mutated = Buffer.concat([file.subarray(0, footerStart), footer, size, Buffer.from('PAR1')]);
      }
      return { files: { 'cats/p/t.parquet': mutated }, job: categoriesJob(rng, dir, join(dir, 'cats')) };
    },
  },
  {
    name: 'checkpoints',
    make: (rng, dir) => ({
      files: { 'x.ckpt': hostileCheckpoint(rng) },
      job: { type: 'checkpoint', ref: join(dir, 'x.ckpt') },
    }),
  },
);

interface Failure {
  index: number;
  input: string;
  what: string;
}

function saveFailure(dir: string, loader: string, index: number): string {
  const saved = join(tmpdir(), 'tokmix-fuzz-failures', `${SEED}-${loader.replace(/\W+/g, '_')}-${index}`);
  mkdirSync(saved, { recursive: true });
  cpSync(dir, saved, { recursive: true });
  return saved;
}

/** A UserError must be one line naming the input (a path inside the input's folder). */
function userErrorProblem(message: string, dir: string, job: FuzzJob): string | undefined {
  if (message.includes('\n')) return 'a UserError message spans several lines';
  if (job.type !== 'categories' && !message.includes(dir)) return 'a UserError message names no input file';
  if (/Cannot read properties|typed array length/.test(message)) return 'a UserError message shows internals';
  return undefined;
}

const totalWeight = LOADERS.reduce((sum, loader) => sum + (loader.weight ?? 1), 0);

for (const [loaderIndex, loader] of LOADERS.entries()) {
  test(`fuzz ${loader.name}: every mutated input gives a result or a one-line UserError`, async (t) => {
    const budgetMs = (SECONDS * 1000 * (loader.weight ?? 1)) / totalWeight;
    const failures: Failure[] = [];
    const tally = { result: 0, 'user-error': 0 };
    const end = Date.now() + budgetMs;
    let index = 0;
    for (; Date.now() < end && failures.length < MAX_FAILURES; index++) {
      const rng = createRng(deriveSeed(SEED, loaderIndex, index));
      const dir = join(work, `${loaderIndex}-${index}`);
      const { files, job } = loader.make(rng, dir);
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), content);
      }
      const outcome = await runner.run(job);
      let problem: string | undefined;
      if (outcome.outcome === 'hang') problem = `no answer within ${TIMEOUT_MS / 1000} s (a hang)`;
      else if (outcome.outcome === 'crash') problem = `not a UserError: ${outcome.error}`;
      else if (outcome.outcome === 'user-error') {
        problem = userErrorProblem(outcome.message, dir, job);
        if (problem) problem += `: ${JSON.stringify(outcome.message.slice(0, 300))}`;
      }
      if (problem) failures.push({ index, input: saveFailure(dir, loader.name, index), what: problem });
      else tally[outcome.outcome as 'result' | 'user-error']++;
      rmSync(dir, { recursive: true, force: true });
    }
    t.diagnostic(
      `seed ${SEED}: ${index} inputs in ${(budgetMs / 1000).toFixed(1)} s (${tally.result} results, ${tally['user-error']} UserErrors, ${failures.length} failures)`,
    );
    assert.deepEqual(
      failures.map((f) => `input ${f.index} (TOKMIX_FUZZ_SEED=${SEED}; saved in ${f.input}): ${f.what}`),
      [],
    );
  });
}
