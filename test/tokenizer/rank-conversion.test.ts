// Conversions of tiktoken ranks (every split of each token listed, grouped by rank, vocab ids =
// ranks, as Hugging Face's TikTokenConverter writes them): tokenizer.json and merges.txt + vocab.json
// load with the merges the ranks give; a conversion whose ids are not ranks is one UserError line.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { parsePackedRanks } from '../../src/tokenizer/formats/tiktoken.js';
import { mergesFromRanks } from '../../src/tokenizer/merges-from-ranks.js';
import { mergeOrderProblem } from '../../src/tokenizer/rank-conversion.js';
import { preTokenizerPreset } from '../../src/tokenizer/presets.js';
import { isUserError } from '../../src/common/errors.js';
import type { Merge } from '../../src/tokenizer/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'tokmix-rankconv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ranksModule = (await import('js-tiktoken/ranks/o200k_base')) as { default: { bpe_ranks: string } };
const tokens = parsePackedRanks(ranksModule.default.bpe_ranks, 'o200k_base').slice(0, 2000);

/** HF's TikTokenConverter: per token (by rank) every split into two vocabulary tokens, sorted by the
 *  parts' ranks; no condition on the parts' ranks. */
function convert(byRank: readonly string[]): { vocab: Record<string, number>; merges: Merge[] } {
  const rank = new Map(byRank.map((token, r) => [token, r]));
  const merges: Merge[] = [];
  byRank.forEach((token) => {
    const local: Merge[] = [];
    for (let i = 1; i < token.length; i++) {
      const [l, r] = [token.slice(0, i), token.slice(i)];
      if (rank.has(l) && rank.has(r)) local.push([l, r]);
    }
    local.sort((a, b) => rank.get(a[0])! - rank.get(b[0])! || rank.get(a[1])! - rank.get(b[1])!);
    merges.push(...local);
  });
  return { vocab: Object.fromEntries(rank), merges };
}

function writeTokenizerJson(name: string, vocab: Record<string, number>, merges: Merge[]): string {
  const path = join(dir, name);
  const special = '<|endoftext|>';
  writeFileSync(
    path,
    JSON.stringify({
      version: '1.0',
      added_tokens: [{ id: 2000, content: special, special: true }],
      normalizer: null,
      pre_tokenizer: preTokenizerPreset('o200k').preTokenizer,
      model: { type: 'BPE', vocab: { ...vocab, [special]: 2000 }, merges: merges.map(([l, r]) => [l, r]) },
    }),
  );
  return path;
}

const expected = mergesFromRanks(tokens).mergeList;
const conversion = convert(tokens);

test('the built conversion is one: more merges than tokens, parts produced only later', () => {
  assert.ok(conversion.merges.length > tokens.length - 256, `${conversion.merges.length} merges`);
  assert.match(mergeOrderProblem(conversion.merges, tokens.length) ?? '', /before any earlier merge/);
});

test("a tiktoken-converted tokenizer.json: merges derived from its ids equal the ranks' merges", async () => {
  const spec = await loadTokenizer(writeTokenizerJson('conv.json', conversion.vocab, conversion.merges));
  assert.deepEqual(spec.mergeList, expected);
  assert.ok(
    spec.notes.some((n) => n.includes('conversion of tiktoken ranks')),
    spec.notes.join('\n'),
  );
});

test('a tiktoken-converted merges.txt + vocab.json: the same merges', async () => {
  const folder = join(dir, 'txt');
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'merges.txt'),
    `#version: 0.2\n${conversion.merges.map(([l, r]) => `${l} ${r}`).join('\n')}\n`,
  );
  writeFileSync(join(folder, 'vocab.json'), JSON.stringify(conversion.vocab));
  const spec = await loadTokenizer(join(folder, 'merges.txt'), { preTokenizer: 'o200k' });
  assert.deepEqual(spec.mergeList, expected);
});

test('a conversion whose vocabulary ids are not ranks: one UserError line, and exit 2 in the CLI', async () => {
  // Swap the ids of two merged tokens: the merge list is no longer grouped by increasing id.
  const [a, b] = [tokens[300], tokens[1500]];
  const vocab = { ...conversion.vocab, [a]: 1500, [b]: 300 };
  const path = writeTokenizerJson('not-ranks.json', vocab, conversion.merges);
  await assert.rejects(loadTokenizer(path), (error: unknown) => {
    assert.ok(isUserError(error));
    const message = (error as Error).message;
    assert.match(message, /before any earlier merge produces it.*no conversion of tiktoken ranks.*not ranks/);
    assert.doesNotMatch(message, /\n/);
    return true;
  });
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const run = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), 'tokenizers', 'show', path], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 2);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, /^tokmix: .*not-ranks\.json/);
});

test('an out-of-order merge list whose listed merges miss a rank merge is refused too', async () => {
  // Drop the merges of one token: its ids still look like ranks, but the ranks' merge is not listed.
  const target = expected[500];
  const merges = conversion.merges.filter(([l, r]) => l + r !== target[0] + target[1]);
  const path = writeTokenizerJson('missing-merge.json', conversion.vocab, merges);
  await assert.rejects(loadTokenizer(path), /a merge the file does not list/);
});
