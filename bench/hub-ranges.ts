// Bytes a Hub dataset category reads from a large remote Parquet to take its sample: a ~1 GB
// file (written here with hyparquet-writer, uncompressed, so file bytes ≈ text bytes) served on
// loopback by the test Hub emulator; `resolveCategories` takes a 10 MB sample by HTTP ranges.
// Reference run, same script: the whole file fetched in one GET. A second sample run shows what
// the range and sample caches leave to fetch (nothing).
// Usage: node dist/bench/hub-ranges.js [file MB] [sample MB] [row group MB] (defaults 1024 10 32).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { resolveCategories } from '../src/corpus/resolve.js';
import { HubEmulator } from '../test/helpers/hub-emulator.js';
import { zipfRecords } from './zipf-text.js';

const fileMB = Number(process.argv[2] ?? 1024);
const sampleMB = Number(process.argv[3] ?? 10);
const groupMB = Number(process.argv[4] ?? 32);
const dir = mkdtempSync(join(tmpdir(), 'tokmix-bench-hub-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const path = join(dir, 'big.parquet');
const started = Date.now();
const writer = new ParquetWriter({
  writer: fileWriter(path),
  schema: [
    { name: 'root', num_children: 1 },
    { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  ],
  codec: 'UNCOMPRESSED',
});
// One row group's rows, written again for every group: the bench counts bytes, not words.
const texts = zipfRecords(groupMB * 1e6, 200, 400);
const groupBytes = texts.reduce((sum, text) => sum + text.length, 0);
let written = 0;
let groups = 0;
while (written < fileMB * 1e6) {
  await writer.write({ columnData: [{ name: 'text', data: texts }], rowGroupSize: texts.length });
  written += groupBytes;
  groups++;
}
await writer.finish();
const size = statSync(path).size;
console.log(
  `file: ${(size / 1e6).toFixed(0)} MB, ${groups} row groups of ~${groupMB} MB, written in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

const hub = new HubEmulator();
hub.addRepo({ type: 'dataset', id: 'bench/big', files: { 'big.parquet': readFileSync(path) } });
await hub.start();
process.env.HF_ENDPOINT = hub.url;
process.env.HF_HUB_CACHE = join(dir, 'hf');
const cacheDir = join(dir, 'cache');

// Reference: the whole file in one GET (what a download of the shard costs).
let t = Date.now();
const whole = await fetch(hub.cdnUrl('dataset', 'bench/big', 'big.parquet'));
const wholeBytes = (await whole.arrayBuffer()).byteLength;
const wholeSeconds = (Date.now() - t) / 1000;
const afterWhole = hub.bytesSent;

t = Date.now();
const requests = hub.requests.length;
const [sample] = await resolveCategories('hf:datasets/bench/big/big.parquet', {
  cacheDir,
  bytes: sampleMB * 1e6,
});
const sampleSeconds = (Date.now() - t) / 1000;
const fetched = hub.bytesSent - afterWhole;
const sampleRequests = hub.requests.length - requests;

const again = hub.requests.length;
const sentAgain = hub.bytesSent;
await resolveCategories('hf:datasets/bench/big/big.parquet', { cacheDir, bytes: sampleMB * 1e6 });
await hub.stop();

console.log(
  JSON.stringify({
    fileBytes: size,
    sampleFileBytes: statSync(sample.files[0]).size,
    fetchedBytes: fetched,
    fetchedShareOfFile: Number((fetched / size).toFixed(4)),
    requests: sampleRequests,
    sampleSeconds,
    wholeFileSeconds: wholeSeconds,
    wholeFileBytes: wholeBytes,
    secondsRatioSampleToWhole: Number((sampleSeconds / wholeSeconds).toFixed(3)),
    secondRun: { requests: hub.requests.length - again, bytes: hub.bytesSent - sentAgain },
  }),
);
