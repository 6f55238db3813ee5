// Reading categories: every format and its .gz form, sequences as the native trainer sees them,
// invalid UTF-8 replaced and counted, and deterministic byte caps that never cut a character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSequences } from '../../src/corpus/read.js';
import { resolveCategories } from '../../src/corpus/resolve.js';
import type { CategorySpec } from '../../src/corpus/types.js';
import { planTasks, statFiles } from '../../src/corpus/read.js';
import { readTask } from '../../src/corpus/sample-reader.js';
import { tempDir, writeFixture } from './helpers.js';

async function collect(category: CategorySpec, options = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const sequence of readSequences(category, options)) out.push(sequence);
  return out;
}

test('txt, jsonl, csv, tsv and their .gz forms read as the reference reads them', async () => {
  const fixture = writeFixture();
  const categories = await resolveCategories(fixture.dir);
  assert.deepEqual(
    categories.map((c) => c.name),
    ['plain', 'records', 'table'],
  );
  for (const category of categories) {
    assert.deepEqual(await collect(category), fixture.sequences[category.name], category.name);
  }
  // A .txt line keeps its newline; a record's text keeps its inner newlines.
  const plain = await collect(categories[0]);
  assert.equal(plain[0], "Hello world! It's a test, isn't it? They'll say 'we've' won.\n");
  assert.equal(plain.at(-1 - 9), 'no newline at the end');
});

test('byte ranges of a split file give every line exactly once, whatever the chunk size', async () => {
  const dir = tempDir('ranges');
  const lines = Array.from({ length: 3000 }, (_, i) => `${'x'.repeat(i % 97)} line ${i} é\n`);
  writeFileSync(join(dir, 'big.txt'), lines.join(''));
  const files = statFiles({ name: 'big', kind: 'other', files: [join(dir, 'big.txt')] });
  for (const chunk of [1000, 4096, 77777]) {
    const tasks = planTasks(files, chunk);
    assert.ok(tasks.length > 1);
    const seen: string[] = [];
    for (const task of tasks) await readTask(task, { seed: 0 }, (text) => seen.push(text));
    assert.deepEqual(seen, lines, `chunk ${chunk}`);
  }
});

test('invalid UTF-8 becomes U+FFFD and is counted once per file; literal U+FFFD is not counted', async () => {
  const dir = tempDir('invalid');
  mkdirSync(join(dir, 'c'));
  const bytes = Buffer.concat([
    Buffer.from('good line\n'),
    Buffer.from([0x61, 0xff, 0x62, 0x0a]), // a, invalid byte, b
    Buffer.from([0xe6, 0x97, 0x0a]), // a truncated 3-byte character
    Buffer.from('already \ufffd here\n'),
  ]);
  writeFileSync(join(dir, 'c', 'bad.txt'), bytes);
  const [category] = await resolveCategories(dir);
  const sequences = await collect(category);
  assert.deepEqual(sequences, ['good line\n', 'a\ufffdb\n', '\ufffd\n', 'already \ufffd here\n']);
  const { countCategories } = await import('../../src/count/count.js');
  const { NATIVE_PIPELINE_MODULE } = await import('../oracles/native-pipeline.js');
  const [counts] = await countCategories(
    [category],
    { alphabet: 'characters', normalizer: null, preTokenizer: { type: 'WhitespaceSplit' } },
    { jobs: 1, pipelineModule: NATIVE_PIPELINE_MODULE },
  );
  assert.equal(counts.stats.replacedInvalid, 2);
  assert.equal(counts.notes?.length, 1);
  assert.match(counts.notes![0], /bad\.txt: 2 invalid UTF-8 sequences replaced by U\+FFFD/);
});

test('a byte cap takes whole sequences by seeded rank, cuts only the last at a character boundary', async () => {
  const dir = tempDir('cap');
  mkdirSync(join(dir, 'c'));
  const lines = Array.from(
    { length: 400 },
    (_, i) => `${i} ${'日本語'.repeat(1 + (i % 7))} ${'word '.repeat(i % 5)}\n`,
  );
  writeFileSync(join(dir, 'c', 'a.txt'), lines.slice(0, 250).join(''));
  writeFileSync(join(dir, 'c', 'b.txt'), lines.slice(250).join(''));
  const [category] = await resolveCategories(dir);
  const total = Buffer.byteLength(lines.join(''));
  for (const cap of [1, 7, 1000, 5001, total - 3]) {
    const sample = await collect(category, { bytes: cap, seed: 3 });
    const bytes = sample.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    assert.ok(bytes <= cap, `cap ${cap}: ${bytes} bytes`);
    assert.ok(bytes > cap - 10, `cap ${cap}: only ${bytes} bytes`); // at most one partial character short
    for (const s of sample) assert.ok(!s.includes('\ufffd'), 'a cap never cuts a character');
    // Every sequence but possibly one is a whole line of the input.
    const partial = sample.filter((s) => !lines.includes(s));
    assert.ok(partial.length <= 1);
    assert.deepEqual(await collect(category, { bytes: cap, seed: 3 }), sample, 'deterministic under a seed');
  }
  const a = await collect(category, { bytes: 3000, seed: 1 });
  const b = await collect(category, { bytes: 3000, seed: 2 });
  assert.notDeepEqual(a, b, 'another seed takes other sequences');
  assert.deepEqual(await collect(category, { bytes: total }), lines, 'a cap at the total takes everything');
});

test('capped samples of jsonl and gzipped files are deterministic too', async () => {
  const fixture = writeFixture();
  const categories = await resolveCategories(fixture.dir);
  for (const category of categories) {
    const first = await collect(category, { bytes: 200, seed: 9 });
    assert.deepEqual(await collect(category, { bytes: 200, seed: 9 }), first);
    assert.ok(first.reduce((sum, s) => sum + Buffer.byteLength(s), 0) <= 200);
  }
});
