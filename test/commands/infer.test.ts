// `tokmix infer` end to end through the CLI: a small run on a tokenizer.json file and a category
// folder, and bad input (unknown tokenizer, bad --merges, unknown solver, existing output, a
// category without pairs, a checkpoint of another problem) ending in one line, exit 2 and nothing
// written; a solve stopped early resumed from its checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJsonText } from '../../src/tokenizer/formats/hf-json.js';
import { ALPHABETS, syntheticLanguage } from '../solve/helpers.js';
import { tokmix as runCli, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import type { InferResult } from '../../src/report/result.js';

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
    .filter(
      (l) => l.startsWith('tokmix:') && !l.startsWith('tokmix: note:') && !/: (count|replay|solve)/.test(l),
    );
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
  // Synthetic words meet few of gpt2's first merges: solve anyway (the refusal has its own test).
  const run = tokmix(
    tokenizerPath,
    '--categories',
    categories,
    '--merges',
    '200',
    '--allow-unconstrained',
    '--out',
    out,
    '--json',
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.kind, 'tokmix-infer-result');
  assert.equal(result.tokenizer.mergesUsed, 200);
  assert.deepEqual(result.categories.map((c: { name: string }) => c.name).sort(), ['greek', 'latin']);
  const total = result.categories.reduce((s: number, c: { byteShare: number }) => s + c.byteShare, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  // gpt2's merges in a tokenizer.json of their own order: assumed HF-trained, but OpenAI's ties
  // leave no tie regime, so the training size is a bound at most (solve/training-size.ts).
  assert.equal(result.trainingSize.family, 'hf-tokenizers');
  assert.equal(result.trainingSize.status, 'lower-bound');
  assert.match(result.trainingSize.reason, /no tie regime/);
  assert.deepEqual(readdirSync(out).sort(), [
    'proportions.csv',
    'proportions.png',
    'proportions.svg',
    'report.html',
    'result.json',
  ]);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')), result);

  // The same folder again without --force is refused before any work; with --force it is replaced.
  const again = tokmix(
    tokenizerPath,
    '--categories',
    categories,
    '--merges',
    '200',
    '--allow-unconstrained',
    '--out',
    out,
  );
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
  assertOneLine(tokmix('gpt2', '--normalize-at', 'step-1', '--out', out), /--normalize-at/);
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
      new RegExp(
        `^tokmix: --skip-merges ${value.replace('.', '\\.')}: expected a whole number, 0 or more, or auto$`,
      ),
    );
  }
  assertRefused(
    tokmix('gpt2', '--skip-merges', '49990', '--merges', '20', '--out', out),
    /^tokmix: --merges 20: gpt2 has 10 merges after --skip-merges 49990; pass --merges 10 or fewer$/,
  );
  assertRefused(
    tokmix('gpt2', '--skip-merges', '50000', '--out', out),
    /^tokmix: --skip-merges 50000: gpt2 has 50000 merges, so none would be left to attack/,
  );
  // llama3 after its inherited 100,000 has 27,049 merges left: the message names the way out.
  assertRefused(
    tokmix('llama3', '--skip-merges', '100000', '--merges', '30000', '--out', out),
    /^tokmix: --merges 30000: llama3 has 27049 merges after --skip-merges 100000; pass --merges 27049 or fewer$/,
  );
  assert.equal(existsSync(out), false);
});

test('infer llama3 skips the merges it shares with gpt-3.5; an attack the samples cannot constrain is refused', () => {
  const categories = categoryFolder('cats-llama3', {
    latin: textOf(4, ALPHABETS[0]),
    greek: textOf(5, ALPHABETS[4]),
  });
  // By default only llama3's own merges are attacked; synthetic Latin and Greek words meet almost
  // none of them, so the run ends before the solve with one line naming the ways out.
  const out = join(work, 'l3');
  const refused = tokmix('llama3', '--categories', categories, '--merges', '20', '--out', out);
  assertOneLine(
    refused,
    /^tokmix: llama3: \d+ of the 20 attacked merges \(steps 100000–100019\) occur in no category's sample, so the samples cannot decide the mixture; attack other merges \(--skip-merges, --merges\), give more or other categories \(--categories, --bytes\), or pass --allow-unconstrained$/,
  );
  assert.match(
    refused.stderr,
    /^tokmix: note: llama3 extends gpt-3\.5: its first 100000 merges are gpt-3\.5's; attacking only/m,
  );
  assert.equal(existsSync(out), false);

  // --allow-unconstrained solves anyway, and the table opens with what the data left open.
  const skipOut = join(work, 'l3-skip');
  const skip = tokmix(
    'llama3',
    '--categories',
    categories,
    '--merges',
    '20',
    '--allow-unconstrained',
    '--out',
    skipOut,
  );
  assert.equal(skip.status, 0, skip.stderr);
  const lines = skip.stdout.split('\n');
  assert.match(
    lines[0],
    /^llama3: 20 of 127049 merges \(steps 100000–100019, after 100000 skipped\), 2 categories/,
  );
  assert.match(lines[1], /^lineage: llama3 extends gpt-3\.5: its first 100000 merges are gpt-3\.5's/);
  assert.match(
    lines[2],
    /^caution: \d+ of the 20 attacked merges occur in no category's sample and constrain nothing/,
  );
  assert.ok(
    lines.some((l) =>
      l.startsWith('shares: pair share = share of the pairs left after the 100000 skipped merges'),
    ),
    skip.stdout,
  );
  const skipResult = JSON.parse(readFileSync(join(skipOut, 'result.json'), 'utf8'));
  assert.equal(skipResult.options.skipMerges, 100_000);
  assert.equal(skipResult.options.normalizeAt, 'first-step');
  assert.deepEqual(skipResult.tokenizer.lineage, {
    base: 'gpt-3.5',
    sharedMerges: 100_000,
    omittedBaseMerges: 0,
  });
  assert.deepEqual([skipResult.tokenizer.firstStep, skipResult.tokenizer.lastStep], [100_000, 100_019]);
  assert.ok(skipResult.solver.unconstrainedMerges > 10, String(skipResult.solver.unconstrainedMerges));
  for (const m of skipResult.solver.unexplainedMerges) assert.ok(m.step >= 100_000);

  // --skip-merges 0 attacks the shared merges, and says whose estimate that is.
  const zero = tokmix(
    'llama3',
    '--categories',
    categories,
    '--merges',
    '20',
    '--skip-merges',
    '0',
    '--allow-unconstrained',
    '--out',
    join(work, 'l3-0'),
    '--json',
  );
  assert.equal(zero.status, 0, zero.stderr);
  const result = JSON.parse(zero.stdout);
  assert.deepEqual(
    [result.tokenizer.mergesUsed, result.tokenizer.firstStep, result.tokenizer.lastStep],
    [20, 0, 19],
  );
  assert.ok(
    result.options.notes.some((n: string) =>
      /so an estimate from them is gpt-3\.5's; --skip-merges auto/.test(n),
    ),
  );
});

test('--skip-merges auto on a tokenizer that extends no built-in: one line, exit 2', () => {
  const out = join(work, 'out-auto');
  assertRefused(
    tokmix('gpt2', '--skip-merges', 'auto', '--out', out),
    /^tokmix: --skip-merges auto: gpt2's merge list does not begin with any built-in tokenizer's; pass a number of merges to skip, or leave the flag out$/,
  );
  assert.equal(existsSync(out), false);
});

test('--name names the result; hand-added head merges are excluded and reported', async () => {
  const spec = await loadTokenizer('gpt2');
  // A list that opens with 36 hand-added runs of spaces (every split up to 9), then gpt2's.
  const head: [string, string][] = [];
  for (let len = 2; len <= 9; len++)
    for (let l = 1; l < len; l++) head.push(['Ġ'.repeat(l), 'Ġ'.repeat(len - l)]);
  const dir = join(work, 'handmade', 'models');
  mkdirSync(dir, { recursive: true });
  const mergeList = [...head, ...spec.mergeList.filter((m) => !/^Ġ+$/.test(m[0] + m[1]))];
  writeFileSync(join(dir, 'tokenizer.json'), toTokenizerJsonText({ ...spec, mergeList }));
  const categories = categoryFolder('cats-hand', {
    latin: textOf(6, ALPHABETS[0]),
    greek: textOf(7, ALPHABETS[4]),
  });
  const run = tokmix(
    join(dir, 'tokenizer.json'),
    '--categories',
    categories,
    '--merges',
    '50',
    '--allow-unconstrained',
    '--out',
    join(work, 'hand'),
    '--json',
  );
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.tokenizer.name, 'handmade');
  assert.equal(result.tokenizer.mergesUsed, 50);
  assert.deepEqual(result.tokenizer.excludedMerges, {
    count: 36,
    blocks: [{ rule: 'head-whitespace-run', first: 0, last: 35, count: 36 }],
  });
  assert.deepEqual([result.tokenizer.firstStep, result.tokenizer.lastStep], [0, 85]);
  assert.match(
    run.stderr,
    /tokmix: note: 36 hand-added merges applied but not attacked: 36 head-whitespace-run \(#0–35\)/,
  );
  const named = tokmix(
    join(dir, 'tokenizer.json'),
    '--categories',
    categories,
    '--merges',
    '50',
    '--keep-hand-added',
    '--allow-unconstrained',
    '--allow-unconstrained',
    '--name',
    'my-tok',
    '--out',
    join(work, 'hand-kept'),
    '--json',
  );
  assert.equal(named.status, 0, named.stderr);
  const kept = JSON.parse(named.stdout);
  assert.equal(kept.tokenizer.name, 'my-tok');
  assert.equal(kept.tokenizer.excludedMerges, undefined);
  assert.equal(kept.tokenizer.lastStep, 49);
});

test('a numeric --skip-merges: the summary line names the steps', () => {
  const categories = categoryFolder('cats-g2', {
    latin: textOf(4, ALPHABETS[0]),
    greek: textOf(5, ALPHABETS[4]),
  });
  const some = tokmix(
    'gpt2',
    '--categories',
    categories,
    '--merges',
    '30',
    '--skip-merges',
    '40',
    '--allow-unconstrained',
    '--allow-unconstrained',
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
    [
      ['--bootstrap', '-3'],
      /^tokmix: --bootstrap -3: expected a whole number of replicates \(0: no intervals\)/,
    ],
    [['--bootstrap', '2.5'], /^tokmix: --bootstrap 2.5: expected a whole number of replicates/],
    [['--bootstrap', '100000'], /^tokmix: --bootstrap 100000: at most 1000 replicates/],
    [['--bootstrap', '0', '--ci', '0.8'], /^tokmix: --ci 0.8: intervals need --bootstrap/],
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
  // --bootstrap 0 asks for none, as without the flag.
  const none = tokmix(
    'gpt2',
    '--categories',
    spec,
    '--merges',
    '20',
    '--bootstrap',
    '0',
    '--allow-unconstrained',
    '--json',
    '--out',
    join(work, 'boot-none'),
  );
  assert.equal(none.status, 0, none.stderr);
  assert.equal((JSON.parse(none.stdout) as InferResult).bootstrap, undefined);
});

test('infer --bootstrap 8: intervals in the summary, result and CSV, holding each share; a fixed seed repeats them', () => {
  const spec = categoryFolder('default-intervals', {
    one: textOf(1, ALPHABETS[0]),
    two: textOf(2, ALPHABETS[1]),
    three: textOf(3, ALPHABETS[2]),
  });
  const run = (name: string, cache = cacheDir) => {
    const result = runCli(
      [
        'infer',
        'gpt2',
        '--categories',
        spec,
        '--merges',
        '40',
        '--allow-unconstrained',
        '--bootstrap',
        '8',
        '--out',
        join(work, name),
        '--cache-dir',
        cache,
      ],
      { cwd: work },
    );
    assert.equal(result.status, 0, result.stderr);
    return {
      stdout: result.stdout,
      json: JSON.parse(readFileSync(join(work, name, 'result.json'), 'utf8')) as InferResult,
    };
  };
  const first = run('default-intervals-1');
  assert.match(first.stdout, /90% interval/);
  assert.match(
    first.stdout,
    /^intervals: 90% intervals from 8 replicates: 20 chunks of each sample resampled twice/m,
  );
  assert.ok(first.json.bootstrap && first.json.bootstrap.replicates === 8);
  for (const c of first.json.categories) {
    assert.ok(c.byteShareCI && c.byteShareCI[0] <= c.byteShare && c.byteShare <= c.byteShareCI[1], c.name);
  }
  const csv = readFileSync(join(work, 'default-intervals-1', 'proportions.csv'), 'utf8');
  assert.match(csv.split('\n')[0], /byte_share_ci_lo,byte_share_ci_hi/);
  assert.equal(first.json.bootstrap.cached, undefined);
  // Computed again in an empty cache, the seed repeats them; in the same cache they are read back.
  const second = run('default-intervals-2', join(work, 'default-intervals-cache'));
  assert.equal(second.json.bootstrap?.cached, undefined);
  assert.deepEqual(
    second.json.categories.map((c) => c.byteShareCI),
    first.json.categories.map((c) => c.byteShareCI),
  );
  const third = run('default-intervals-3');
  assert.equal(third.json.bootstrap?.cached, true);
  assert.match(third.stdout, /^intervals: .*; cached \(computed in [\d.]+ s\)$/m);
  assert.deepEqual(
    third.json.categories.map((c) => [c.byteShare, c.byteShareCI, c.byteShareByMerges]),
    first.json.categories.map((c) => [c.byteShare, c.byteShareCI, c.byteShareByMerges]),
  );
  assert.deepEqual(third.json.bootstrap.byteShareReplicates, first.json.bootstrap.byteShareReplicates);
});

test('a solve stopped by --gap leaves a checkpoint the next run resumes from; --no-resume and --resume <file>', () => {
  const cats = categoryFolder('ckpt-cats', {
    a: textOf(1, ALPHABETS[0]),
    b: textOf(2, ALPHABETS[1]),
    c: textOf(3, ALPHABETS[2]),
  });
  const common = ['gpt2', '--categories', cats, '--merges', '300', '--allow-unconstrained', '--json'];
  const run = (name: string, ...args: string[]) => {
    const result = tokmix(...common, '--out', join(work, name), ...args);
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as InferResult;
  };
  const stopped = run('ckpt-1', '--gap', '0.9');
  assert.equal(stopped.solver.certified, false);
  const file = stopped.solver.checkpoint!;
  assert.ok(existsSync(file), 'an uncertified solve leaves its checkpoint');
  assert.equal(statSync(file).size, stopped.solver.checkpointBytes);
  const copy = join(work, 'copied.ckpt');
  copyFileSync(file, copy);

  // The same problem again: resumed from the cache's checkpoint, certified, the checkpoint removed.
  const resumed = tokmix(...common, '--out', join(work, 'ckpt-2'));
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /tokmix: note: resuming from checkpoint .*: \d+ rows, previous gap/);
  const result = JSON.parse(readFileSync(join(work, 'ckpt-2', 'result.json'), 'utf8')) as InferResult;
  assert.equal(result.solver.certified, true);
  assert.ok(result.solver.resumed && result.solver.resumed.rows > 0);
  assert.ok(Math.abs(result.solver.resumed.previousGap - stopped.solver.gap!) < 1e-12);
  assert.equal(existsSync(file), false, 'a certified solve removes its checkpoint');

  // --no-resume starts over; --resume <file> takes a copied checkpoint of the same problem.
  run('ckpt-3', '--gap', '0.9');
  const fresh = run('ckpt-4', '--no-resume');
  assert.equal(fresh.solver.resumed, undefined);
  assert.equal(fresh.solver.certified, true);
  assert.ok(Math.abs(fresh.solver.objective - result.solver.objective) <= 1e-7 * result.solver.objective);
  const explicit = run('ckpt-5', '--resume', copy);
  assert.equal(explicit.solver.resumed?.previousGap, stopped.solver.gap);
  assert.equal(existsSync(copy), true, 'tokmix never removes a checkpoint it was given');

  // Another problem's checkpoint, a file that is none, a missing one: one line, exit 2, nothing written.
  const other = categoryFolder('ckpt-other', { a: textOf(1, ALPHABETS[0]), b: textOf(2, ALPHABETS[1]) });
  const out = join(work, 'ckpt-bad');
  const bad = (...args: string[]) =>
    tokmix('gpt2', '--merges', '300', '--allow-unconstrained', '--out', out, ...args);
  assertOneLine(
    bad('--categories', other, '--resume', copy),
    new RegExp(`^tokmix: ${copy}: a checkpoint of another problem .*drop --resume$`),
  );
  const garbage = join(work, 'garbage.ckpt');
  writeFileSync(garbage, '{"rows": [[1, 2, 3]]}');
  assertOneLine(
    bad('--categories', cats, '--resume', garbage),
    /garbage\.ckpt: not a valid tokmix checkpoint/,
  );
  assertOneLine(bad('--categories', cats, '--resume', join(work, 'none.ckpt')), /none\.ckpt: no such file/);
  assertOneLine(bad('--categories', cats, '--resume', copy, '--no-resume'), /--no-resume|--resume/);
  assert.equal(existsSync(out), false);
});
