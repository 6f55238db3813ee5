// Ranks → merges: today's mergesFromRanks against the reference implementation of commit e519cb3
// (the O(parts²) scan over a trie with packed Int32 keys), on every built-in rank list, back to back
// in one process: seconds of each, their ratio, and whether the merge lists are equal. Usage:
//   node dist/bench/ranks-to-merges.js [--reference <commit>] [--rounds 3]
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { mergesFromRanks, type RankDerivation } from '../src/tokenizer/merges-from-ranks.js';
import { parsePackedRanks } from '../src/tokenizer/formats/tiktoken.js';
import { packageInfo } from '../src/tokenizer/builtins.js';

const { values } = parseArgs({
  options: { reference: { type: 'string', default: 'e519cb3' }, rounds: { type: 'string', default: '3' } },
});
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const source = execFileSync('git', ['show', `${values.reference}:src/tokenizer/merges-from-ranks.ts`], {
  cwd: repo,
  encoding: 'utf8',
});
const byteLevel = pathToFileURL(join(here, '..', 'src', 'tokenizer', 'byte-level.js')).href;
const js = ts
  .transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  })
  .outputText.replace(/from '\.\/byte-level\.js'/, `from '${byteLevel}'`)
  .replace(
    /from '\.\.\/common\/errors\.js'/,
    `from '${byteLevel.replace('tokenizer/byte-level', 'common/errors')}'`,
  );
const dir = mkdtempSync(join(tmpdir(), 'tokmix-ranks-bench-'));
writeFileSync(join(dir, 'reference.mjs'), js);
const reference = (await import(pathToFileURL(join(dir, 'reference.mjs')).href)) as {
  mergesFromRanks: (tokens: readonly string[]) => RankDerivation;
};
rmSync(dir, { recursive: true, force: true });

interface RankFile {
  bpe_ranks: string;
}
const lists: Array<[string, string[]]> = [];
for (const encoding of ['r50k_base', 'cl100k_base', 'o200k_base']) {
  const ranks = ((await import(`js-tiktoken/ranks/${encoding}`)) as { default: RankFile }).default;
  lists.push([encoding, parsePackedRanks(ranks.bpe_ranks, encoding)]);
}
const claude = JSON.parse(
  readFileSync(join(packageInfo('@anthropic-ai/tokenizer').dir, 'claude.json'), 'utf8'),
) as RankFile;
lists.push(['claude', parsePackedRanks(claude.bpe_ranks, 'claude')]);

const seconds = (f: () => RankDerivation): [number, RankDerivation] => {
  const t0 = performance.now();
  const out = f();
  return [(performance.now() - t0) / 1000, out];
};
const same = (a: RankDerivation, b: RankDerivation): boolean =>
  JSON.stringify(a.mergeList) === JSON.stringify(b.mergeList) &&
  JSON.stringify(a.unreachable) === JSON.stringify(b.unreachable);
console.log(`load: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
console.log(['ranks', 'tokens', 'reference s', 'now s', 'reference/now', 'equal'].join('\t'));
for (const [name, tokens] of lists) {
  let ref = Infinity;
  let now = Infinity;
  let equal = true;
  for (let round = 0; round < Number(values.rounds); round++) {
    const [a, outA] = seconds(() => reference.mergesFromRanks(tokens));
    const [b, outB] = seconds(() => mergesFromRanks(tokens));
    ref = Math.min(ref, a);
    now = Math.min(now, b);
    equal &&= same(outA, outB);
  }
  console.log(
    [name, tokens.length, ref.toFixed(2), now.toFixed(2), (ref / now).toFixed(2), equal].join('\t'),
  );
}
