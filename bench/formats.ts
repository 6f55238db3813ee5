// Reading and counting throughput per input format: the same synthetic records as .jsonl,
// .jsonl.gz, .jsonl.zst and Parquet (snappy, zstd), read alone and counted with gpt2 on 1 worker,
// against the native pre-tokenizer counting the same sequences (one thread) as the reference.
// Usage: node dist/bench/formats.js [MB] (default 20); prints one tab-separated row per format.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import zstd from '@bokuweb/zstd-wasm';
import { readSequences, resolveCategories } from '../src/corpus/index.js';
import { countCategories } from '../src/count/index.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import { createNativePipeline } from '../test/oracles/native-pipeline.js';
import { tempDir } from '../test/corpus/helpers.js';
import { zipfRecords } from './zipf-text.js';

const megabytes = Number(process.argv[2] ?? 20);
await zstd.init();
const texts = zipfRecords(megabytes * 1e6);
const jsonl = Buffer.from(texts.map((text, id) => JSON.stringify({ id, text })).join('\n') + '\n');
const parquet = (codec: 'SNAPPY' | 'ZSTD'): Buffer =>
  Buffer.from(
    parquetWriteBuffer({
      codec,
      compressors: { ZSTD: (bytes: Uint8Array) => new Uint8Array(zstd.compress(bytes, 3)) },
      rowGroupSize: 2000,
      columnData: [
        { name: 'id', data: texts.map((_, i) => i), type: 'INT32' },
        { name: 'text', data: texts, type: 'STRING' },
      ],
    }),
  );
const files: Record<string, [string, Buffer]> = {
  jsonl: ['a.jsonl', jsonl],
  'jsonl.gz': ['a.jsonl.gz', gzipSync(jsonl)],
  'jsonl.zst': ['a.jsonl.zst', Buffer.from(zstd.compress(jsonl, 3))],
  'parquet-snappy': ['a.parquet', parquet('SNAPPY')],
  'parquet-zstd': ['a.parquet', parquet('ZSTD')],
};
const dir = tempDir('bench-formats');
try {
  const text = preTokenizerPreset('gpt2');
  const native = createNativePipeline(text);
  console.log('format\tfile MB\ttext MB\tread MB/s\tcount MB/s (1 worker)\tnative MB/s\tcount/native');
  for (const [format, [name, bytes]] of Object.entries(files)) {
    const folder = join(dir, format);
    mkdirSync(join(folder, 'c'), { recursive: true });
    writeFileSync(join(folder, 'c', name), bytes);
    const [category] = await resolveCategories(folder);
    let started = performance.now();
    const sequences: string[] = [];
    let textBytes = 0;
    for await (const sequence of readSequences(category)) {
      sequences.push(sequence);
      textBytes += Buffer.byteLength(sequence, 'utf8');
    }
    const readSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    for (const sequence of sequences) native.preTokenize(native.normalize(sequence));
    const nativeSeconds = (performance.now() - started) / 1000;
    sequences.length = 0;
    started = performance.now();
    await countCategories([category], text, { jobs: 1 });
    const countSeconds = (performance.now() - started) / 1000;
    const mb = textBytes / 1e6;
    console.log(
      [
        format,
        (bytes.length / 1e6).toFixed(1),
        mb.toFixed(1),
        (mb / readSeconds).toFixed(1),
        (mb / countSeconds).toFixed(1),
        (mb / nativeSeconds).toFixed(1),
        (nativeSeconds / countSeconds).toFixed(2),
      ].join('\t'),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
