// zstd read without trust (corpus/zstd.ts): XXH64 against its reference values, content checksums
// and sizes verified, skippable frames accepted anywhere, trailing bytes refused, and a bomb
// decoded one block at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Xxh64 } from '../../src/corpus/xxh64.js';
import { ZstdReader } from '../../src/corpus/zstd.js';
import { forEachSequence } from '../../src/corpus/sequences.js';
import { resolveCategories } from '../../src/corpus/resolve.js';
import { tempFolder } from '../helpers/temp.js';

const TEXT = 'hello zstd, checked\nsecond line\n';
// `printf '<TEXT>' | zstd -q -c`: one frame with its content checksum (made by the zstd CLI).
const CHECKED = Buffer.from(
  '28b52ffd045801010068656c6c6f207a7374642c20636865636b65640a7365636f6e64206c696e650a829edbe2',
  'hex',
);
// The same with --no-check.
const UNCHECKED = Buffer.from(
  '28b52ffd005801010068656c6c6f207a7374642c20636865636b65640a7365636f6e64206c696e650a',
  'hex',
);

function hex(bytes: Uint8Array | string): string {
  const hash = new Xxh64();
  hash.update(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  return hash
    .digest()
    .map((half) => half.toString(16).padStart(8, '0'))
    .join('');
}

function decode(bytes: Uint8Array, feed = bytes.length): string {
  const reader = new ZstdReader('x.zst');
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += feed) {
    reader.push(bytes.subarray(at, at + feed));
    for (let block = reader.next(); block; block = reader.next()) out.push(block);
  }
  reader.end();
  return Buffer.concat(out).toString('utf8');
}

function skippable(payload: string, magicLow = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a50 + magicLow, 0);
  head.writeUInt32LE(Buffer.byteLength(payload), 4);
  return Buffer.concat([head, Buffer.from(payload)]);
}

test('XXH64 (seed 0) gives the reference values, however the input is split', () => {
  assert.equal(hex(''), 'ef46db3751d8e999');
  assert.equal(hex('a'), 'd24ec4f1a98c6e5b');
  assert.equal(hex('abc'), '44bc2cf5ad770999');
  assert.equal(hex('Nobody inspects the spammish repetition'), 'fbcea83c8a378bf1');
  const long = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 131) % 251));
  const split = new Xxh64();
  for (let at = 0; at < long.length; at += 7) split.update(long.subarray(at, at + 7));
  const whole = new Xxh64();
  whole.update(long);
  assert.deepEqual(split.digest(), whole.digest());
});

test('a frame with its checksum decodes, fed whole or a byte at a time; a flipped byte is refused', () => {
  assert.equal(decode(CHECKED), TEXT);
  assert.equal(decode(CHECKED, 1), TEXT);
  assert.equal(decode(UNCHECKED), TEXT);
  const badChecksum = Buffer.from(CHECKED);
  badChecksum[badChecksum.length - 2] ^= 1;
  assert.throws(() => decode(badChecksum), /x\.zst: not a valid zstd file \(content checksum mismatch/);
  const badContent = Buffer.from(CHECKED);
  badContent[20] ^= 0x10;
  assert.throws(() => decode(badContent), /content checksum mismatch/);
  // Without a checksum, a declared content size still catches a frame that decodes short.
  // The same block in a single-segment frame that declares its content size: 32 is right, 33 not.
  const sized = (size: number) =>
    Buffer.concat([UNCHECKED.subarray(0, 4), Buffer.from([0x20, size]), UNCHECKED.subarray(6)]);
  assert.equal(decode(sized(32)), TEXT);
  assert.throws(
    () => decode(sized(33)),
    /x\.zst: not a valid zstd file \(a frame decodes to 32 bytes, its header says 33\)/,
  );
});

test('skippable frames are skipped wherever they are; bytes after the last frame are refused', () => {
  const stream = Buffer.concat([
    skippable('meta'),
    CHECKED,
    skippable('', 15),
    UNCHECKED,
    skippable('end', 7),
  ]);
  assert.equal(decode(stream), TEXT + TEXT);
  assert.equal(decode(stream, 3), TEXT + TEXT);
  assert.throws(() => decode(Buffer.concat([CHECKED, Buffer.from('junk')])), /bytes after the last frame/);
  assert.throws(() => decode(CHECKED.subarray(0, CHECKED.length - 1)), /truncated/);
  assert.throws(() => decode(Buffer.concat([skippable('abcdef').subarray(0, 10)])), /truncated/);
});

test('a zstd bomb comes out one block at a time: memory stays a block, not the file', () => {
  // A frame of 4,000 RLE blocks of 128 KiB: 16 KB that decode to 512 MiB of 'a'.
  const blocks = 4000;
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 - 10) << 3]);
  const rle = (last: boolean) => {
    const word = ((1 << 17) << 3) | (1 << 1) | (last ? 1 : 0);
    return Buffer.from([word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff, 0x61]);
  };
  const bomb = Buffer.concat([header, ...Array.from({ length: blocks }, (_, i) => rle(i === blocks - 1))]);
  const reader = new ZstdReader('bomb.zst');
  reader.push(bomb);
  let largest = 0;
  let total = 0;
  for (let block = reader.next(); block; block = reader.next()) {
    largest = Math.max(largest, block.length);
    total += block.length;
  }
  reader.end();
  assert.equal(total, blocks * (1 << 17));
  assert.ok(largest <= 1 << 17, `a block of ${largest} bytes`);
  // A block header claiming more than 128 KiB is refused before it is buffered.
  const word = ((1 << 20) << 3) | (0 << 1) | 1;
  const huge = Buffer.concat([header, Buffer.from([word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff])]);
  assert.throws(() => decode(huge), /a block of 1048576 bytes, over its frame's limit/);
});

test('a .txt.zst category: skippable frames accepted, a corrupt one refused by name', async (t) => {
  const dir = tempFolder(t, 'zstd-cat');
  mkdirSync(join(dir, 'ok', 'a'), { recursive: true });
  mkdirSync(join(dir, 'bad', 'a'), { recursive: true });
  writeFileSync(join(dir, 'ok', 'a', 'x.txt.zst'), Buffer.concat([skippable('header'), CHECKED]));
  const corrupt = Buffer.from(CHECKED);
  corrupt[25] ^= 0x01;
  writeFileSync(join(dir, 'bad', 'a', 'x.txt.zst'), corrupt);
  const [ok] = await resolveCategories(join(dir, 'ok'), { cacheDir: join(dir, 'cache') });
  const lines: string[] = [];
  await forEachSequence({ path: ok.files[0], format: 'txt', compression: 'zstd' }, {}, (text) =>
    lines.push(text),
  );
  assert.deepEqual(lines, ['hello zstd, checked\n', 'second line\n']);
  await assert.rejects(
    (async () => {
      const [bad] = await resolveCategories(join(dir, 'bad'), { cacheDir: join(dir, 'cache') });
      await forEachSequence({ path: bad.files[0], format: 'txt', compression: 'zstd' }, {}, () => {});
    })(),
    (error: Error) =>
      error.name === 'UserError' &&
      /x\.txt\.zst: not a valid zstd file \(content checksum/.test(error.message),
  );
});
