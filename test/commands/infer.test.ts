// `tokmix infer` end to end through the CLI: a small run on a tokenizer.json file and a category
// folder, and bad input (unknown tokenizer, bad --merges, unknown solver, existing output, a
// category without pairs) ending in one line, exit 2 and nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJsonText } from '../../src/tokenizer/formats/hf-json.js';
import { ALPHABETS, syntheticLanguage } from '../solve/helpers.js';
import { tokmix as runCli, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const work = tempDir('infer-cli');
const cacheDir = join(work, 'cache');

function tokmix(...args: string[]): CliRun {
  return runCli(['infer', ...args, '--cache-dir', cacheDir], { cwd: work });
}

function categoryFolder(name: string, texts: Record<string, string>): string {
  const dir = join(work, name);
  for (const [category, text] of Object.entries(texts)) {
    mkdirSync(join(dir, category), { recursive: true });
    writeFileSync(join(dir, category, 'sample.txt'), text);
  }
  return dir;
}

function textOf(seed: number, alphabet: string): string {
  const lines: string[] = [];
  for (const [word, count] of syntheticLanguage(seed, alphabet, 3000, 200)) {
    for (let k = 0; k < count; k++) lines.push(word.trim());
  }
  const out: string[] = [];
  for (let k = 0; k < lines.length; k += 12) out.push(lines.slice(k, k + 12).join(' '));
  return out.join('\n') + '\n';
}

function assertOneLine(run: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(run.status, 2, run.stderr);
  const lines = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('tokmix:') && !/: (count|replay|solve)/.test(l));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], pattern);
}

test('infer on a tokenizer.json file and a category folder writes the whole result', async () => {
  const spec = await loadTokenizer('gpt2');
  const tokenizerPath = join(work, 'tokenizer.json');
  writeFileSync(tokenizerPath, toTokenizerJsonText(spec));
  const categories = categoryFolder('cats', {
    latin: textOf(1, ALPHABETS[0]),
    greek: textOf(2, ALPHABETS[4]),
  });
  const out = join(work, 'out-ok');
  const run = tokmix(tokenizerPath, '--categories', categories, '--merges', '200', '--out', out, '--json');
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.kind, 'tokmix-infer-result');
  assert.equal(result.tokenizer.mergesUsed, 200);
  assert.deepEqual(result.categories.map((c: { name: string }) => c.name).sort(), ['greek', 'latin']);
  const total = result.categories.reduce((s: number, c: { byteShare: number }) => s + c.byteShare, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  assert.deepEqual(readdirSync(out).sort(), [
    'proportions.csv',
    'proportions.png',
    'proportions.svg',
    'report.html',
    'result.json',
  ]);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')), result);

  // The same folder again without --force is refused before any work; with --force it is replaced.
  const again = tokmix(tokenizerPath, '--categories', categories, '--merges', '200', '--out', out);
  assertOneLine(again, /already holds results; pass --force/);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')), result);
});

test('bad input ends in one line, exit 2 and no output folder', () => {
  const categories = categoryFolder('cats-bad', { latin: textOf(3, ALPHABETS[0]), dots: 'a\nb\nc\n.\n' });
  const out = join(work, 'out-bad');
  assertOneLine(tokmix('no-such-tokenizer', '--out', out), /no-such-tokenizer: not a built-in tokenizer/);
  assertOneLine(
    tokmix('gpt2', '--merges', '0', '--out', out),
    /--merges 0: expected a positive whole number/,
  );
  assertOneLine(
    tokmix('gpt2', '--merges', 'abc', '--out', out),
    /--merges abc: expected a positive whole number/,
  );
  assertOneLine(tokmix('gpt2', '--solver', 'cplex', '--out', out), /--solver cplex: unknown solver/);
  assertOneLine(
    tokmix('gpt2', '--categories', categories, '--merges', '50', '--out', out),
    /dots: the category's sample has no pairs/,
  );
  assert.equal(existsSync(out), false);
});

/** A run that fails before any work: exit 2 and exactly one line on stderr. */
function assertRefused(run: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(run.status, 2, run.stderr);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], pattern);
}

test('bad --skip-merges ends in one line, exit 2 and no output folder', () => {
  const out = join(work, 'out-skip-bad');
  for (const value of ['abc', '1.5', '-1']) {
    assertRefused(
      tokmix('gpt2', `--skip-merges=${value}`, '--out', out),
      new RegExp(`^tokmix: --skip-merges ${value.replace('.', '\\.')}: expected a whole number, 0 or more$`),
    );
  }
  assertRefused(
    tokmix('gpt2', '--skip-merges', '49990', '--merges', '20', '--out', out),
    /^tokmix: --merges 20: gpt2 has 10 merges after --skip-merges 49990; pass --merges 10 or fewer$/,
  );
  assertRefused(
    tokmix('gpt2', '--skip-merges', '50000', '--out', out),
    /^tokmix: --skip-merges 50000: gpt2 has 50000 merges, so none would be left to use/,
  );
  // llama3 after its inherited 100,000 has 27,049 merges left: the message names the way out.
  assertRefused(
    tokmix('llama3', '--skip-merges', '100000', '--merges', '30000', '--out', out),
    /^tokmix: --merges 30000: llama3 has 27049 merges after --skip-merges 100000; pass --merges 27049 or fewer$/,
  );
  assert.equal(existsSync(out), false);
});

test("infer llama3 says its first merges are gpt-3.5's, and skips them only when asked", () => {
  const categories = categoryFolder('cats-llama3', {
    latin: textOf(4, ALPHABETS[0]),
    greek: textOf(5, ALPHABETS[4]),
  });
  const note =
    "llama3: its first 100000 merges are gpt-3.5's, so an estimate from them is gpt-3.5's; --skip-merges 100000 attacks only llama3's own merges";
  const run = tokmix(
    'llama3',
    '--categories',
    categories,
    '--merges',
    '20',
    '--out',
    join(work, 'l3'),
    '--json',
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, `${note}\n`);
  const result = JSON.parse(run.stdout);
  assert.equal(result.options.skipMerges, 0);
  assert.equal(result.options.merges, 20);
  assert.ok(result.options.notes.includes(note));
  assert.deepEqual(
    [result.tokenizer.mergesUsed, result.tokenizer.firstStep, result.tokenizer.lastStep],
    [20, 0, 19],
  );

  // Asked for, the inherited merges are applied but not attacked, and nothing more is said.
  const skipOut = join(work, 'l3-skip');
  const skip = tokmix(
    'llama3',
    '--categories',
    categories,
    '--merges',
    '20',
    '--skip-merges',
    '100000',
    '--out',
    skipOut,
  );
  assert.equal(skip.status, 0, skip.stderr);
  assert.doesNotMatch(skip.stderr, /gpt-3\.5's/);
  assert.match(
    skip.stdout,
    /^llama3: 20 of 127049 merges \(steps 100000–100019, after 100000 skipped\), 2 categories/,
  );
  const skipResult = JSON.parse(readFileSync(join(skipOut, 'result.json'), 'utf8'));
  assert.equal(skipResult.options.skipMerges, 100_000);
  assert.deepEqual([skipResult.tokenizer.firstStep, skipResult.tokenizer.lastStep], [100_000, 100_019]);
  for (const m of skipResult.solver.unexplainedMerges) assert.ok(m.step >= 100_000);

  // A skip of another size, with the summary line naming the steps.
  const some = tokmix(
    'gpt2',
    '--categories',
    categories,
    '--merges',
    '30',
    '--skip-merges',
    '40',
    '--out',
    join(work, 'g2'),
  );
  assert.equal(some.status, 0, some.stderr);
  assert.match(some.stdout, /^gpt2: 30 of 50000 merges \(steps 40–69, after 40 skipped\), 2 categories/);
});

test('infer --bootstrap: bad counts and levels, and a category too small to resample, end in one line', () => {
  const spec = categoryFolder('boot-cats', {
    one: textOf(1, ALPHABETS[0]),
    two: textOf(2, ALPHABETS[1]),
  });
  for (const [args, pattern] of [
    [['--bootstrap', '0'], /^tokmix: --bootstrap 0: expected a positive whole number/],
    [['--bootstrap', '-3'], /^tokmix: --bootstrap -3: expected a positive whole number/],
    [['--bootstrap', '10', '--ci', '1.5'], /^tokmix: --ci 1.5: expected a level between 0 and 1/],
    [['--bootstrap', '10', '--ci', '0'], /^tokmix: --ci 0: expected a level between 0 and 1/],
  ] as [string[], RegExp][]) {
    const out = join(work, `boot-out-${args.join('')}`);
    const run = tokmix('gpt2', '--categories', spec, '--merges', '20', '--out', out, ...args);
    assertOneLine(run, pattern);
    assert.ok(!existsSync(out), 'nothing written');
  }
  // A category of a single line is a single block.
  const tiny = categoryFolder('boot-tiny', { big: textOf(3, ALPHABETS[0]), tiny: 'just one line of text\n' });
  const out = join(work, 'boot-tiny-out');
  const run = tokmix('gpt2', '--categories', tiny, '--merges', '20', '--bootstrap', '4', '--out', out);
  assertOneLine(run, /^tokmix: tiny: the category's sample holds 1 block of text, too few to resample/);
  assert.ok(!existsSync(out), 'nothing written');
});
