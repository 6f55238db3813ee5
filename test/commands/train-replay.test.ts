// `tokmix train` and `tokmix replay` end to end: ours and the native trainer write the same
// tokenizer.json from a seeded mixture, replay reports absent steps for foreign scripts, and bad
// input ends in exit code 2 with one line on stderr and no output folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokmix as runCli, type CliRun } from '../helpers/cli.js';
import { codeLines, multilingualLines, writeLines } from '../bpe/corpora.js';
import { tempDir } from '../helpers/temp.js';

const work = tempDir('bpe-cli');
const cacheDir = join(work, 'cache');

function tokmix(...args: string[]): CliRun {
  return runCli(args, { env: { TOKMIX_CACHE: cacheDir } });
}

const categories = join(work, 'categories');
mkdirSync(join(categories, 'udhr'), { recursive: true });
mkdirSync(join(categories, 'code'), { recursive: true });
writeLines(join(categories, 'udhr', 'sample.txt'), multilingualLines(60_000));
writeLines(join(categories, 'code', 'sample.txt'), codeLines(60_000));

test('train: our trainer and the native one write the same tokenizer from a seeded mixture', () => {
  const common = ['--categories', categories, '--weights', 'udhr=0.7,code=0.3', '--total-bytes', '150KB'];
  const ours = tokmix(
    'train',
    ...common,
    '--merges',
    '800',
    '--seed',
    '4',
    '--out',
    join(work, 'ours'),
    '--json',
  );
  assert.equal(ours.status, 0, ours.stderr);
  const native = tokmix(
    'train',
    ...common,
    '--merges',
    '800',
    '--seed',
    '4',
    '--trainer',
    'native',
    '--out',
    join(work, 'native'),
  );
  assert.equal(native.status, 0, native.stderr);
  const oursJson = readFileSync(join(work, 'ours', 'tokenizer.json'), 'utf8');
  assert.equal(oursJson, readFileSync(join(work, 'native', 'tokenizer.json'), 'utf8'));
  assert.equal((JSON.parse(oursJson) as { model: { merges: unknown[] } }).model.merges.length, 800);
  const mixture = JSON.parse(readFileSync(join(work, 'ours', 'mixture.json'), 'utf8')) as {
    categories: { name: string; bytes: number; byteShare: number }[];
  };
  const udhr = mixture.categories.find((c) => c.name === 'udhr')!;
  assert.ok(Math.abs(udhr.byteShare - 0.7) < 0.01, `udhr share ${udhr.byteShare}`);
  assert.deepEqual(JSON.parse(ours.stdout).categories, mixture.categories);
});

test('train --extend: the base list first, then merges learned on the new text; infer --skip-merges attacks them', () => {
  const base = join(work, 'ext-base');
  const made = tokmix('train', '--categories', join(categories, 'code'), '--merges', '300', '--out', base);
  assert.equal(made.status, 0, made.stderr);
  const extended = join(work, 'ext');
  const run = tokmix(
    'train',
    '--categories',
    join(categories, 'udhr'),
    '--extend',
    join(base, 'tokenizer.json'),
    '--merges',
    '200',
    '--out',
    extended,
    '--json',
  );
  assert.equal(run.status, 0, run.stderr);
  type Json = { model: { merges: unknown[] }; pre_tokenizer: unknown };
  const baseJson = JSON.parse(readFileSync(join(base, 'tokenizer.json'), 'utf8')) as Json;
  const extJson = JSON.parse(readFileSync(join(extended, 'tokenizer.json'), 'utf8')) as Json;
  assert.equal(extJson.model.merges.length, 500);
  assert.deepEqual(extJson.model.merges.slice(0, 300), baseJson.model.merges);
  assert.deepEqual(extJson.pre_tokenizer, baseJson.pre_tokenizer);
  const mixture = JSON.parse(readFileSync(join(extended, 'mixture.json'), 'utf8')) as {
    extends: { tokenizer: string; merges: number };
  };
  assert.equal(mixture.extends.merges, 300);
  assert.deepEqual(JSON.parse(run.stdout).extends, mixture.extends);

  // The added merges, attacked alone, are the udhr text's: one category explains all of them.
  const attack = tokmix(
    'infer',
    join(extended, 'tokenizer.json'),
    '--categories',
    categories,
    '--skip-merges',
    '300',
    '--merges',
    '200',
    '--out',
    join(work, 'ext-infer'),
    '--json',
  );
  assert.equal(attack.status, 0, attack.stderr);
  const shares = JSON.parse(attack.stdout) as { categories: { name: string; byteShare: number }[] };
  assert.ok(shares.categories.find((c) => c.name === 'udhr')!.byteShare > 0.95, attack.stdout.slice(0, 400));

  // 10 merges over `categories` extending `baseFile`, with the rest of the flags.
  const extendBy10 = (baseFile: string, ...flags: string[]) =>
    tokmix('train', '--categories', categories, '--extend', baseFile, '--merges', '10', ...flags);
  for (const [args, pattern] of [
    [['--trainer', 'native'], /^tokmix: --extend needs --trainer tokmix/],
    [['--pretokenizer', 'gpt2'], /^tokmix: --pretokenizer cannot be combined with --extend/],
  ] as [string[], RegExp][]) {
    const refused = extendBy10(join(base, 'tokenizer.json'), ...args, '--out', join(work, 'ext-bad'));
    assert.equal(refused.status, 2, refused.stderr);
    assert.equal(refused.stderr.trimEnd().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, pattern);
  }
  const missing = extendBy10(join(work, 'nope.json'), '--out', join(work, 'ext-bad'));
  assert.equal(missing.status, 2, missing.stderr);
  assert.equal(existsSync(join(work, 'ext-bad')), false);
  // The base is an input: writing over it is refused, even with --force, and it stays as it was.
  const baseBefore = readFileSync(join(base, 'tokenizer.json'), 'utf8');
  const overBase = extendBy10(join(base, 'tokenizer.json'), '--out', base, '--force');
  assert.equal(overBase.status, 2, overBase.stderr);
  assert.match(overBase.stderr, /^tokmix: .*holds the input/);
  assert.equal(readFileSync(join(base, 'tokenizer.json'), 'utf8'), baseBefore);
});

test('replay: per-category steps, and absent steps (not a crash) where the alphabet lacks the symbols', () => {
  const codeOnly = join(work, 'code-only');
  mkdirSync(join(codeOnly, 'code'), { recursive: true });
  writeLines(join(codeOnly, 'code', 'sample.txt'), codeLines(30_000));
  const codeTokenizer = tokmix(
    'train',
    '--categories',
    codeOnly,
    '--merges',
    '300',
    '--pretokenizer',
    'sentencepiece',
    '--out',
    join(work, 'sp-code'),
  );
  assert.equal(codeTokenizer.status, 0, codeTokenizer.stderr);
  const result = tokmix(
    'replay',
    join(work, 'sp-code', 'tokenizer.json'),
    '--categories',
    categories,
    '--merges',
    '300',
    '--json',
  );
  assert.equal(result.status, 0, result.stderr);
  const rows = (
    JSON.parse(result.stdout) as {
      categories: {
        category: string;
        stepsApplied: number;
        stepsAbsent: number;
        recordedChanges: number;
        transcriptBytes: number;
      }[];
    }
  ).categories;
  const code = rows.find((r) => r.category === 'code')!;
  const udhr = rows.find((r) => r.category === 'udhr')!;
  assert.equal(code.stepsApplied + code.stepsAbsent, 300);
  assert.ok(code.stepsAbsent < 10, `code absent ${code.stepsAbsent}`);
  assert.ok(udhr.stepsAbsent > code.stepsAbsent);
  assert.ok(udhr.recordedChanges > 0 && udhr.transcriptBytes > 0);
  const again = tokmix(
    'replay',
    join(work, 'sp-code', 'tokenizer.json'),
    '--categories',
    categories,
    '--merges',
    '300',
    '--json',
  );
  const hits = (JSON.parse(again.stdout) as { cache: { hits: number } }).cache.hits;
  assert.equal(hits >= 2, true);
  // --skip-merges 100 --merges 200 replays the same 300 steps (all cached) and counts the last 200.
  const skipping = tokmix(
    'replay',
    join(work, 'sp-code', 'tokenizer.json'),
    '--categories',
    categories,
    '--skip-merges',
    '100',
    '--merges',
    '200',
    '--json',
  );
  assert.equal(skipping.status, 0, skipping.stderr);
  const skipped = JSON.parse(skipping.stdout) as {
    merges: number;
    skipMerges: number;
    stepsReplayed: number;
    cache: { hits: number };
    categories: { stepsApplied: number; stepsAbsent: number }[];
  };
  assert.deepEqual([skipped.merges, skipped.skipMerges, skipped.stepsReplayed], [200, 100, 300]);
  assert.equal(skipped.cache.hits, hits);
  for (const row of skipped.categories) assert.equal(row.stepsApplied + row.stepsAbsent, 200);
});

test('bad input: exit code 2, one line on stderr, no output folder', () => {
  const cases: [string[], RegExp][] = [
    [
      [
        'train',
        '--categories',
        categories,
        '--weights',
        'udhr=0.5,xx=0.5',
        '--total-bytes',
        '10KB',
        '--merges',
        '10',
        '--out',
        join(work, 'bad1'),
      ],
      /unknown category xx/,
    ],
    [
      [
        'train',
        '--categories',
        categories,
        '--weights',
        'udhr=0.5,code=0.4',
        '--total-bytes',
        '10KB',
        '--merges',
        '10',
        '--out',
        join(work, 'bad2'),
      ],
      /sum to 0.9/,
    ],
    [
      [
        'train',
        '--categories',
        categories,
        '--weights',
        'udhr=x',
        '--total-bytes',
        '10KB',
        '--merges',
        '10',
        '--out',
        join(work, 'bad3'),
      ],
      /not name=share/,
    ],
    [
      ['replay', join(work, 'ours', 'tokenizer.json'), '--categories', categories, '--merges', '801'],
      /only 800 merges/,
    ],
    [
      [
        'replay',
        join(work, 'ours', 'tokenizer.json'),
        '--categories',
        categories,
        '--skip-merges',
        '795',
        '--merges',
        '10',
      ],
      /--merges 10: .* has 5 merges after --skip-merges 795; pass --merges 5 or fewer/,
    ],
    [
      ['replay', join(work, 'ours', 'tokenizer.json'), '--categories', categories, '--skip-merges', 'x'],
      /--skip-merges x: expected a whole number, 0 or more/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = tokmix(...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], message);
  }
  for (const name of ['bad1', 'bad2', 'bad3']) assert.equal(existsSync(join(work, name)), false);
});
