// Over-long sequences: a giant .txt(.gz) line is cut at a character boundary and the rest skipped
// without buffering it, the same way whatever the chunking, with a note; a giant .jsonl record is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip, gzipSync } from 'node:zlib';
import { forEachSequence } from '../../src/corpus/sequences.js';
import { planTasks, readSequences, sourceOf, statFiles } from '../../src/corpus/read.js';
import { readTask } from '../../src/corpus/sample-reader.js';
import { countCategories } from '../../src/count/count.js';
import { NATIVE_PIPELINE_MODULE } from '../oracles/native-pipeline.js';
import { tempDir } from './helpers.js';

const LIMIT = 100_001; // odd: a run of 2-byte characters must be cut one byte short of it

function scratch(t: { after: (fn: () => void) => void }, name: string): string {
  const dir = tempDir(name);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a giant line in a .txt.gz is cut at a character boundary, the rest skipped, the next lines intact', async (t) => {
  const dir = scratch(t, 'giant');
  const path = join(dir, 'giant.txt.gz');
  // 8 MB of "é" on one line, written through gzip piece by piece (never one big string).
  const gzip = createGzip();
  const done = once(gzip.pipe(createWriteStream(path)), 'finish');
  gzip.write('first\n');
  const piece = 'é'.repeat(1 << 16);
  for (let i = 0; i < 64; i++) if (!gzip.write(piece)) await once(gzip, 'drain');
  gzip.end('\nlast line\n');
  await done;
  const seen: { text: string; key: number; bytes: number }[] = [];
  const tally = await forEachSequence(sourceOf(path), { maxSequenceBytes: LIMIT }, (text, key, bytes) =>
    seen.push({ text, key, bytes }),
  );
  assert.equal(seen.length, 3);
  assert.deepEqual(seen[0], { text: 'first\n', key: 0, bytes: 6 });
  assert.equal(seen[1].key, 6);
  assert.equal(seen[1].bytes, LIMIT - 1);
  assert.equal(seen[1].text, 'é'.repeat((LIMIT - 1) / 2));
  assert.deepEqual(seen[2], { text: 'last line\n', key: 6 + 2 * 64 * (1 << 16) + 1, bytes: 10 });
  assert.deepEqual(tally, { replacedInvalid: 0, cut: 1, nullText: 0 });

  // countCategories ends normally with the cut in its stats and a note naming the file.
  const [counts] = await countCategories(
    [{ name: 'g', kind: 'other', files: [path] }],
    { alphabet: 'characters', normalizer: null, preTokenizer: { type: 'WhitespaceSplit' } },
    { jobs: 1, pipelineModule: NATIVE_PIPELINE_MODULE, maxSequenceBytes: LIMIT },
  );
  assert.equal(counts.stats.sequences, 3);
  assert.equal(counts.stats.bytes, 6 + LIMIT - 1 + 10);
  assert.deepEqual(counts.notes, [
    `${path}: 1 line longer than ${LIMIT} bytes cut to it at a character boundary (the rest skipped)`,
  ]);
});

test('cutting does not depend on chunk or range boundaries', async (t) => {
  const dir = scratch(t, 'cut-ranges');
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    // Every 37th line is over-long, some starting or ending near any chunk boundary.
    const long = i % 37 === 5;
    lines.push(`${i} ${(long ? 'ж€𝄞x' : 'word ').repeat(long ? 9000 + i : 1 + (i % 13))}\n`);
  }
  writeFileSync(join(dir, 'mixed.txt'), lines.join(''));
  const limit = 50_000;
  const files = statFiles({ name: 'm', kind: 'other', files: [join(dir, 'mixed.txt')] });
  let reference: string[] | undefined;
  for (const chunk of [1000, 4096, 77_777, 1 << 30]) {
    const seen: string[] = [];
    let cut = 0;
    for (const task of planTasks(files, chunk)) {
      const result = await readTask(task, { seed: 0, maxSequenceBytes: limit }, (text) => seen.push(text));
      cut += result.tally.cut;
    }
    assert.equal(cut, lines.filter((line) => Buffer.byteLength(line) > limit).length, `chunk ${chunk}`);
    assert.ok(cut > 5);
    for (const text of seen) assert.ok(Buffer.byteLength(text) <= limit);
    reference ??= seen;
    assert.deepEqual(seen, reference, `chunk ${chunk}`);
  }
  // Short lines come through whole; cut ones are prefixes of their line ending in a whole character.
  assert.equal(reference!.length, lines.length);
  reference!.forEach((text, i) => {
    if (Buffer.byteLength(lines[i]) <= limit) assert.equal(text, lines[i]);
    else assert.ok(lines[i].startsWith(text) && !text.endsWith('\ufffd') && text.length > limit / 5);
  });
  // A capped sample (keys are byte offsets) is the same whatever the task size too.
  const capped = async (): Promise<string[]> => {
    const out: string[] = [];
    const category = { name: 'm', kind: 'other' as const, files: [join(dir, 'mixed.txt')] };
    for await (const text of readSequences(category, { bytes: 200_000, seed: 3, maxSequenceBytes: limit }))
      out.push(text);
    return out;
  };
  assert.deepEqual(await capped(), await capped());
});

test('a .jsonl record longer than the limit is refused with the file and byte offset', async (t) => {
  const dir = scratch(t, 'giant-jsonl');
  const path = join(dir, 'r.jsonl.gz');
  const record = JSON.stringify({ text: 'y'.repeat(3 * LIMIT) });
  writeFileSync(path, gzipSync(`{"text":"ok"}\n${record}\n`));
  await assert.rejects(
    forEachSequence(sourceOf(path), { maxSequenceBytes: LIMIT }, () => {}),
    (error: Error) =>
      error.name === 'UserError' &&
      error.message ===
        `${path}: byte 14: a line longer than ${LIMIT} bytes; split the record into smaller ones`,
  );
});
