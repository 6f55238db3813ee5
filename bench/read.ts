// Read throughput: forEachSequence (the readers counting uses) and readSequences over a generated
// ~100 MB .txt, its .txt.gz and a .csv, so reader changes can be compared with earlier runs.
// Usage: node dist/bench/read.js [--mb 100] [--dir <temp folder to keep the files in>]
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { forEachSequence } from '../src/corpus/sequences.js';
import { readSequences } from '../src/corpus/read.js';
import { sourceOf } from '../src/corpus/read.js';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '100' }, dir: { type: 'string' } },
});
const target = Number(values.mb) * 1e6;
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'tokmix-read-bench-'));
const words = ['the', 'mixture', 'données', 'Привет', '日本語', 'x', 'tokenizer', '42', 'über', 'and'];

async function writeLines(path: string, line: (i: number) => string): Promise<void> {
  if (existsSync(path)) return;
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < target; i++) {
    const text = line(i);
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

// Lines of 1..400 words: short and long lines, several scripts.
const sentence = (i: number): string =>
  Array.from({ length: 1 + ((i * 7919) % 400) }, (_, j) => words[(i + j * 31) % words.length]).join(' ');
const txt = join(dir, 'big.txt');
const gz = join(dir, 'big.txt.gz');
const csv = join(dir, 'big.csv');
await writeLines(txt, (i) => `${sentence(i)}\n`);
if (!existsSync(gz)) await pipeline(createReadStream(txt), createGzip({ level: 1 }), createWriteStream(gz));
await writeLines(csv, (i) => (i === 0 ? 'id,text\n' : `${i},"${sentence(i).replace(/ x /g, ' ""x"", ')}"\n`));

for (const path of [txt, gz, csv]) {
  const raw = statSync(path).size;
  const file = sourceOf(path);
  for (let run = 0; run < 2; run++) {
    let start = performance.now();
    let bytes = 0;
    let sequences = 0;
    await forEachSequence(file, {}, (_text, _key, n) => {
      bytes += n;
      sequences++;
    });
    const seconds = (performance.now() - start) / 1000;
    start = performance.now();
    let streamed = 0;
    for await (const text of readSequences({ name: 'b', kind: 'other', files: [path] }))
      streamed += text.length;
    const streamSeconds = (performance.now() - start) / 1000;
    console.log(
      `${path.slice(dir.length + 1)} (${(raw / 1e6).toFixed(0)} MB on disk): forEachSequence ${(bytes / 1e6 / seconds).toFixed(0)} MB/s ` +
        `(${sequences} sequences, ${seconds.toFixed(2)} s); readSequences ${(bytes / 1e6 / streamSeconds).toFixed(0)} MB/s ` +
        `(${streamSeconds.toFixed(2)} s, peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB, ${streamed > 0 ? 'ok' : 'empty'})`,
    );
  }
}
if (!values.dir) rmSync(dir, { recursive: true, force: true });
console.log('(timings on a shared machine are noisy; rerun for stable figures)');
