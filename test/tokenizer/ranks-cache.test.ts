// Merges from ranks, cached by the rank list's content (stage `ranks`): a cached conversion is the
// fresh one, a changed rank list misses, a .tiktoken file given by path is converted once, and the
// stage's code is the converter's alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cache } from '../../src/common/cache.js';
import { stageModules } from '../../src/common/code-fingerprint.js';
import { mergesFromRanks } from '../../src/tokenizer/merges-from-ranks.js';
import { cachedMergesFromRanks, RANKS_STAGE } from '../../src/tokenizer/ranks-cache.js';
import { parsePackedRanks } from '../../src/tokenizer/formats/tiktoken.js';
import { byteLevelToBytes } from '../../src/tokenizer/byte-level.js';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { tempDir } from '../helpers/temp.js';
import { fileURLToPath } from 'node:url';

async function gpt2Tokens(): Promise<string[]> {
  const ranks = (await import('js-tiktoken/ranks/r50k_base')) as unknown as {
    default: { bpe_ranks: string };
  };
  return parsePackedRanks(ranks.default.bpe_ranks, 'r50k_base');
}

const entries = (dir: string): string[] => {
  try {
    return readdirSync(join(dir, RANKS_STAGE));
  } catch {
    return [];
  }
};

test('a cached conversion equals a fresh one; a changed rank list misses', async (t) => {
  const dir = tempDir('ranks-cache');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokens = await gpt2Tokens();
  const fresh = mergesFromRanks(tokens);
  const cache = new Cache(dir);
  assert.deepEqual(cachedMergesFromRanks(tokens, 'r50k', cache), fresh);
  assert.deepEqual(cache.stats, { hits: 0, misses: 1, rebuilt: 0 });
  assert.equal(entries(dir).length, 1);
  // Another process, another Cache object: read from the folder, equal to the fresh derivation.
  const again = new Cache(dir);
  assert.deepEqual(cachedMergesFromRanks(tokens, 'r50k', again), fresh);
  assert.deepEqual(again.stats, { hits: 1, misses: 0, rebuilt: 0 });

  // Two ranks swapped (300 and 301): a different list, a miss, and its own merges.
  const swapped = [...tokens];
  [swapped[300], swapped[301]] = [swapped[301], swapped[300]];
  const changed = cachedMergesFromRanks(swapped, 'r50k swapped', again);
  assert.deepEqual(again.stats, { hits: 1, misses: 1, rebuilt: 0 });
  assert.deepEqual(changed, mergesFromRanks(swapped));
  assert.notDeepEqual(changed.mergeList, fresh.mergeList);
  // One token fewer is another list too.
  cachedMergesFromRanks(tokens.slice(0, -1), 'r50k less one', again);
  assert.equal(again.stats.misses, 2);
  assert.equal(entries(dir).length, 3);
  // A truncated entry is rebuilt, not used.
  for (const name of entries(dir)) truncateSync(join(dir, RANKS_STAGE, name), 100);
  const rebuilt = new Cache(dir);
  assert.deepEqual(cachedMergesFromRanks(tokens, 'r50k', rebuilt), fresh);
  assert.deepEqual(rebuilt.stats, { hits: 0, misses: 1, rebuilt: 1 });
});

test('a .tiktoken file by path is converted once; an edited file misses', async (t) => {
  const dir = tempDir('ranks-cache-file');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokens = (await gpt2Tokens()).slice(0, 3000);
  const lines = tokens.map(
    (token, rank) => `${Buffer.from(byteLevelToBytes(token)!).toString('base64')} ${rank}`,
  );
  const file = join(dir, 'small.tiktoken');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const cacheDir = join(dir, 'cache');
  const first = new Cache(cacheDir);
  const spec = await loadTokenizer(file, { cache: first, preTokenizer: 'gpt2' });
  assert.equal(first.stats.misses, 1);
  const second = new Cache(cacheDir);
  assert.deepEqual(await loadTokenizer(file, { cache: second, preTokenizer: 'gpt2' }), spec);
  assert.deepEqual(second.stats, { hits: 1, misses: 0, rebuilt: 0 });
  // The file edited: its last two ranks swapped.
  [lines[2998], lines[2999]] = [`${lines[2999].split(' ')[0]} 2998`, `${lines[2998].split(' ')[0]} 2999`];
  writeFileSync(file, `${lines.join('\n')}\n`);
  const edited = await loadTokenizer(file, { cache: second, preTokenizer: 'gpt2' });
  assert.equal(second.stats.misses, 1);
  assert.notDeepEqual(edited.mergeList, spec.mergeList);
  assert.deepEqual(edited.mergeList, (await loadTokenizer(file, { preTokenizer: 'gpt2' })).mergeList);
});

test("the ranks stage's code is the converter's: loading or pipeline code is not in it", () => {
  const built = fileURLToPath(new URL('../../src/', import.meta.url));
  const modules = stageModules(built, RANKS_STAGE);
  assert.ok(modules.includes('tokenizer/merges-from-ranks.js'));
  for (const other of ['tokenizer/load.js', 'tokenizer/pipeline.js', 'tokenizer/ranks-cache.js'])
    assert.ok(!modules.includes(other), other);
});
