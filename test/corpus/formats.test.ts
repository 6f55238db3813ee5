// Parquet and zstd as datasets ship them: counts from Parquet (every codec, several row groups,
// extra columns, null texts), .jsonl.zst and .jsonl.gz equal those of the same records as plain
// .jsonl; Hugging Face folder layouts resolve; bad input is one UserError naming the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import zstd from '@bokuweb/zstd-wasm';
import { countCategories } from '../../src/count/count.js';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { readSequences } from '../../src/corpus/read.js';
import { planTasks, statFiles } from '../../src/corpus/read.js';
import { readTask } from '../../src/corpus/sample-reader.js';
import { zstdWindowBytes } from '../../src/corpus/zstd.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import type { CategorySpec } from '../../src/corpus/types.js';
import { TRICKY_LINES, asMap, tempDir } from './helpers.js';

await zstd.init();
const zstdCompress = (bytes: Uint8Array): Buffer => Buffer.from(zstd.compress(bytes, 3));
const writerCodecs = {
  ZSTD: (bytes: Uint8Array) => new Uint8Array(zstd.compress(bytes, 3)),
  GZIP: (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes)),
};

// 300 records over every script in TRICKY_LINES; every 37th has a null text in Parquet (absent in .jsonl).
const TEXTS = Array.from({ length: 300 }, (_, i) =>
  `${TRICKY_LINES[i % TRICKY_LINES.length]}#${i} `.repeat(1 + (i % 4)),
);
const isNull = (i: number): boolean => i % 37 === 5;

function writeParquet(path: string, codec: string, rowGroupSize: number, column = 'text'): void {
  const buffer = parquetWriteBuffer({
    codec: codec as 'SNAPPY',
    compressors: writerCodecs,
    rowGroupSize,
    columnData: [
      { name: 'id', data: TEXTS.map((_, i) => i), type: 'INT32' },
      { name: column, data: TEXTS.map((t, i) => (isNull(i) ? null : t)), type: 'STRING' },
      { name: 'url', data: TEXTS.map((_, i) => `https://example.org/${i}`), type: 'STRING' },
      { name: 'score', data: TEXTS.map((_, i) => i / 7), type: 'DOUBLE' },
    ],
  });
  writeFileSync(path, Buffer.from(buffer));
}

function jsonl(): string {
  return (
    TEXTS.flatMap((text, i) => (isNull(i) ? [] : [JSON.stringify({ id: i, text, url: `u${i}` })])).join(
      '\n',
    ) + '\n'
  );
}

function dirWith(t: { after: (fn: () => void) => void }, prefix: string): string {
  const dir = tempDir(prefix);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function collect(category: CategorySpec, options = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const sequence of readSequences(category, options)) out.push(sequence);
  return out;
}

test('Parquet (snappy, zstd, gzip, none; several row groups; extra columns), .jsonl.zst and .jsonl.gz count as plain .jsonl', async (t) => {
  const dir = dirWith(t, 'formats');
  const layout: Record<string, (folder: string) => void> = {
    plain: (f) => writeFileSync(join(f, 'r.jsonl'), jsonl()),
    gz: (f) => writeFileSync(join(f, 'r.jsonl.gz'), gzipSync(jsonl())),
    zst: (f) => writeFileSync(join(f, 'r.jsonl.zst'), zstdCompress(Buffer.from(jsonl()))),
    snappy: (f) => writeParquet(join(f, 'train-00000-of-00001.parquet'), 'SNAPPY', 23),
    zstd: (f) => writeParquet(join(f, 'train-00000-of-00001.parquet'), 'ZSTD', 41),
    gzip: (f) => writeParquet(join(f, 'train-00000-of-00001.parquet'), 'GZIP', 100),
    none: (f) => writeParquet(join(f, 'train-00000-of-00001.parquet'), 'UNCOMPRESSED', 300),
  };
  for (const [name, write] of Object.entries(layout)) {
    mkdirSync(join(dir, name));
    write(join(dir, name));
  }
  const categories = await resolveCategories(dir);
  assert.deepEqual(
    categories.map((c) => c.name),
    ['gz', 'gzip', 'none', 'plain', 'snappy', 'zst', 'zstd'],
  );
  const expected = TEXTS.filter((_, i) => !isNull(i));
  for (const category of categories) assert.deepEqual(await collect(category), expected, category.name);

  const tokenizer = await loadTokenizer('gpt2');
  const counts = await countCategories(categories, tokenizer, { jobs: 2 });
  const plain = counts[categories.findIndex((c) => c.name === 'plain')];
  assert.ok(plain.words.length > 100);
  for (const [i, category] of categories.entries()) {
    assert.deepEqual(
      asMap(counts[i].words, counts[i].counts),
      asMap(plain.words, plain.counts),
      category.name,
    );
    assert.deepEqual(counts[i].stats, plain.stats, category.name);
    const nulls = counts[i].notes!.filter((note) => /rows? with a null text skipped/.test(note));
    assert.equal(
      nulls.length,
      ['snappy', 'zstd', 'gzip', 'none'].includes(category.name) ? 1 : 0,
      category.name,
    );
  }
});

test('a Parquet file splits into tasks by row group: every row read once, and capped samples are seeded', async (t) => {
  const dir = dirWith(t, 'pqtasks');
  writeParquet(join(dir, 'a.parquet'), 'SNAPPY', 10);
  const category: CategorySpec = { name: 'a', kind: 'other', files: [join(dir, 'a.parquet')] };
  const files = statFiles(category);
  const tasks = planTasks(files, 2000);
  assert.ok(tasks.length > 3, `${tasks.length} tasks`);
  const seen: string[] = [];
  for (const task of tasks) await readTask(task, { seed: 0 }, (text) => seen.push(text));
  assert.deepEqual(
    seen,
    TEXTS.filter((_, i) => !isNull(i)),
  );
  const a = await collect(category, { bytes: 3000, seed: 1 });
  assert.deepEqual(await collect(category, { bytes: 3000, seed: 1 }), a);
  assert.notDeepEqual(await collect(category, { bytes: 3000, seed: 2 }), a);
  assert.equal(Buffer.byteLength(a.join('')), 3000);
});

test('Hugging Face layouts: data/<config>/ shards as a category, and manifest globs over them', async (t) => {
  const dir = dirWith(t, 'hf');
  for (const config of ['fr', 'de']) {
    mkdirSync(join(dir, 'ds', 'data', config), { recursive: true });
    for (const shard of [0, 1])
      writeParquet(join(dir, 'ds', 'data', config, `train-0000${shard}-of-00002.parquet`), 'ZSTD', 50);
  }
  writeFileSync(join(dir, 'ds', 'README.md'), '# a dataset card, not text to count\n');
  const manifest = join(dir, 'm.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      categories: [
        { name: 'fr', kind: 'language', files: ['ds/data/fr/*.parquet'] },
        { name: 'de', kind: 'language', files: ['ds/data/de'] },
      ],
    }),
  );
  const fromManifest = await resolveCategories(manifest);
  assert.deepEqual(
    fromManifest.map((c) => [c.name, c.files.length]),
    [
      ['fr', 2],
      ['de', 2],
    ],
  );
  // A dataset folder: data/ holds the configs, each a folder of shards, so --categories ds/data.
  const fromFolder = await resolveCategories(join(dir, 'ds', 'data'));
  assert.deepEqual(
    fromFolder.map((c) => [c.name, c.files.length]),
    [
      ['de', 2],
      ['fr', 2],
    ],
  );
  const one = await collect(fromFolder[0]);
  assert.equal(one.length, 2 * TEXTS.filter((_, i) => !isNull(i)).length);
});

test('bad Parquet and zstd input: one UserError naming the file and the fix', async (t) => {
  const dir = dirWith(t, 'badfmt');
  const reject = async (name: string, write: (path: string) => void, pattern: RegExp, column?: string) => {
    const folder = join(dir, name);
    mkdirSync(folder);
    const path = join(folder, name);
    write(path);
    await assert.rejects(
      (async () => {
        const categories = await resolveCategories(folder, { textColumn: column });
        await collect(categories[0], { textColumn: column });
      })(),
      (error: Error) =>
        error.name === 'UserError' &&
        pattern.test(error.message) &&
        error.message.includes(name) &&
        !/Cannot read properties|typed array|undefined/.test(error.message),
      name,
    );
  };
  await reject(
    'cols.parquet',
    (p) => writeParquet(p, 'SNAPPY', 50, 'content'),
    /no column "text" \(columns: id, content, url, score\); pass --text-column/,
  );
  await reject(
    'num.parquet',
    (p) => writeParquet(p, 'SNAPPY', 50),
    /column "score" holds DOUBLE values, not text/,
    'score',
  );
  await reject('short.parquet', (p) => writeFileSync(p, 'PAR1'), /not a valid Parquet file \(too short\)/);
  await reject(
    'footer.parquet',
    (p) => writeFileSync(p, 'PAR1 this is not parquet at all, no footer\n'),
    /not a valid Parquet file \(no PAR1 footer\)/,
  );
  // A zero-length or garbage footer, and a footer cut to its first bytes: said in words, no internals.
  const framed = (footer: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(footer.length);
    return Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(16, 0x41), footer, length, Buffer.from('PAR1')]);
  };
  await reject(
    'empty-footer.parquet',
    (p) => writeFileSync(p, framed(Buffer.alloc(0))),
    /its footer of 0 bytes cannot be decoded/,
  );
  await reject(
    'garbage-footer.parquet',
    (p) => writeFileSync(p, framed(Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff)))),
    /not a valid Parquet file \(its footer (of 64 bytes cannot be decoded|lacks the schema or the row groups)\)/,
  );
  // A valid footer over pages that are garbage: detected when the row group is read.
  await reject(
    'pages.parquet',
    (p) => {
      writeParquet(p, 'ZSTD', 300);
      const bytes = readFileSync(p);
      bytes.fill(0x55, 8, Math.floor(bytes.length / 2));
      writeFileSync(p, bytes);
    },
    /not a valid Parquet file \(the row group at byte \d+ cannot be decoded: a page or its header is corrupt\)/,
  );
  await reject(
    'bad.jsonl.zst',
    (p) => writeFileSync(p, 'not zstd at all\n'.repeat(4)),
    /not a valid zstd file \(no zstd magic number\)/,
  );
  await reject(
    'cut.jsonl.zst',
    (p) => {
      const whole = zstdCompress(Buffer.from(jsonl()));
      const bytes = Buffer.from(whole.subarray(0, whole.length - 40));
      writeFileSync(p, bytes);
    },
    /not a valid zstd file/,
  );
  // A frame header asking for a 1 GiB window (zstd --long=30) is refused before allocating it.
  await reject(
    'long.txt.zst',
    (p) => writeFileSync(p, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (30 - 10) << 3, 0, 0, 0, 0, 0, 0])),
    /zstd window of 1073741824 bytes exceeds/,
  );
});

test('zstd frame headers: window sizes as the format defines them', () => {
  assert.equal(zstdWindowBytes(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00])), 1024);
  assert.equal(zstdWindowBytes(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 << 3) | 4])), (1 << 27) * 1.5);
  // single segment, 2-byte content size (stored minus 256)
  assert.equal(zstdWindowBytes(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x60, 0x10, 0x00])), 0x10 + 256);
  assert.equal(zstdWindowBytes(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x60])), undefined);
  assert.equal(zstdWindowBytes(Buffer.from('hello!')), -1);
});
