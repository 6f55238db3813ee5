// Merges from ranks at the limits: a trie past 2^23 nodes (where packed 32-bit signed keys used to
// overflow and lose merges) derives every merge; a rank file with one huge token, or too many token
// bytes in all, is refused in one line naming the file and the rank, before any large allocation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_RANK_TOKEN_BYTES,
  MAX_RANK_TOTAL_BYTES,
  mergesFromRanks,
} from '../../src/tokenizer/merges-from-ranks.js';
import { BYTE_TO_SYMBOL, bytesToByteLevel } from '../../src/tokenizer/byte-level.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { isUserError } from '../../src/common/errors.js';
import { tempFolder } from '../helpers/temp.js';

const bytes = (text: string): string =>
  Array.from(Buffer.from(text, 'latin1'), (b) => BYTE_TO_SYMBOL[b]).join('');

/** `count` distinct tokens of `length` bytes that no merge reaches (filler that grows the trie). */
function filler(count: number, length: number): string[] {
  const random = new Uint8Array(count * length);
  let state = 12345;
  for (let i = 0; i < random.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    random[i] = state >>> 24;
  }
  return Array.from({ length: count }, (_, k) =>
    bytesToByteLevel(random.subarray(k * length, (k + 1) * length)),
  );
}

test('merges after more than 2^23 trie nodes are all derived', () => {
  const base = BYTE_TO_SYMBOL.slice();
  const fill = filler(86_000, 100); // 8.6 million trie nodes
  const own = ['ab', 'abc', 'abcd', 'xy', 'abcdxy'].map(bytes);
  const derived = mergesFromRanks([...base, ...fill, ...own]);
  assert.deepEqual(derived.mergeList, [
    ['a', 'b'],
    ['ab', 'c'],
    ['abc', 'd'],
    ['x', 'y'],
    ['abcd', 'xy'],
  ]);
  assert.equal(derived.unreachable.length, fill.length);
});

test('a rank list with a token longer than the limit is refused in one line naming the rank', () => {
  const tokens = [...BYTE_TO_SYMBOL, ...['ab', 'abc'].map(bytes), 'Ġ'.repeat(MAX_RANK_TOKEN_BYTES + 1)];
  assert.throws(
    () => mergesFromRanks(tokens, 'big.tiktoken'),
    (error: unknown) =>
      isUserError(error) &&
      /^big\.tiktoken: the token of rank 258 is 1025 bytes long, more than the 1024 tokmix accepts/.test(
        error.message,
      ) &&
      !error.message.includes('\n'),
  );
  const many = [...BYTE_TO_SYMBOL, ...filler(Math.ceil(MAX_RANK_TOTAL_BYTES / 1000) + 1, 1000)];
  assert.throws(
    () => mergesFromRanks(many, 'many.tiktoken'),
    /many\.tiktoken: its tokens are too long in all/,
  );
});

test('a .tiktoken whose rank 266 is a 5 MB token: one line, exit before any trie is built', async (t) => {
  const dir = tempFolder(t, 'huge-token');
  const lines = Array.from({ length: 256 }, (_, b) => `${Buffer.from([b]).toString('base64')} ${b}`);
  const pairs = ['ab', 'cd', 'ef', 'gh', 'ij', 'kl', 'mn', 'op', 'qr', 'st'];
  pairs.forEach((p, k) => lines.push(`${Buffer.from(p).toString('base64')} ${256 + k}`));
  lines.push(`${Buffer.alloc(5 << 20, 'z').toString('base64')} 266`);
  const path = join(dir, 'huge.tiktoken');
  writeFileSync(path, lines.join('\n') + '\n');
  const started = performance.now();
  await assert.rejects(
    loadTokenizer(path, { preTokenizer: 'gpt2' }),
    (error: unknown) =>
      isUserError(error) &&
      error.message.startsWith(`${path}: the token of rank 266 is ${5 << 20} bytes long`),
  );
  assert.ok(performance.now() - started < 60_000);
});
