// --estimator and --noise-z on infer and validate: bad values end in one line and exit 2 before any
// work; a noise-aware infer records its estimator and z in result.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/load.js';
import { toTokenizerJsonText } from '../../src/tokenizer/formats/hf-json.js';
import { ALPHABETS, syntheticLanguage } from '../solve/helpers.js';
import { tokmix } from '../helpers/cli.js';
import { tempFolder } from '../helpers/temp.js';

const BAD: [string[], RegExp][] = [
  [['--noise-z', '1'], /^tokmix: --noise-z 1: only the noise-aware estimator takes it/],
  [['--estimator', 'paper', '--noise-z', '1'], /^tokmix: --noise-z 1: only the noise-aware/],
  [
    ['--estimator', 'noise-aware', '--noise-z', '-1'],
    /^tokmix: --noise-z -1: expected a number of standard deviations from 0 to 10/,
  ],
  [['--estimator', 'noise-aware', '--noise-z', 'Infinity'], /^tokmix: --noise-z Infinity: expected/],
  // Rows loosened past any count difference: every mixture fits, so no answer is certified.
  [
    ['--estimator', 'noise-aware', '--noise-z', '1e308'],
    /^tokmix: --noise-z 1e308: expected .* from 0 to 10/,
  ],
  [['--estimator', 'noise-aware', '--noise-z', 'NaN'], /^tokmix: --noise-z NaN: expected/],
  [['--estimator', 'noise-aware', '--noise-z', 'abc'], /^tokmix: --noise-z abc: expected/],
  [
    ['--estimator', 'lasso'],
    /^tokmix: --estimator lasso: unknown estimator; use one of paper, sampled, noise-aware/,
  ],
];

test('bad --estimator and --noise-z: one line, exit 2, no output folder (infer and validate)', (t) => {
  const work = tempFolder(t, 'estimator-bad');
  for (const command of [
    ['infer', 'gpt2'],
    ['validate', '--set', 'languages'],
  ]) {
    for (const [flags, pattern] of BAD) {
      const out = join(work, 'out');
      const run = tokmix([...command, ...flags, '--out', out, '--cache-dir', join(work, 'cache')], {
        cwd: work,
      });
      const what = `${command[0]} ${flags.join(' ')}`;
      assert.equal(run.status, 2, `${what}: ${run.stderr}`);
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${what}: ${run.stderr}`);
      assert.match(lines[0], pattern, what);
      assert.equal(existsSync(out), false, what);
    }
  }
});

test('infer --estimator noise-aware records the estimator and z in result.json', async (t) => {
  const work = tempFolder(t, 'estimator-infer');
  const tokenizerPath = join(work, 'tokenizer.json');
  writeFileSync(tokenizerPath, toTokenizerJsonText(await loadTokenizer('gpt2')));
  const categories = join(work, 'cats');
  ALPHABETS.slice(0, 2).forEach((alphabet, i) => {
    const words: string[] = [];
    for (const [word, count] of syntheticLanguage(i + 1, alphabet, 3000, 200))
      for (let k = 0; k < count; k++) words.push(word.trim());
    mkdirSync(join(categories, `c${i}`), { recursive: true });
    writeFileSync(join(categories, `c${i}`, 'sample.txt'), words.join(' ') + '\n');
  });
  const run = (...flags: string[]) => {
    const result = tokmix(
      [
        'infer',
        tokenizerPath,
        '--categories',
        categories,
        '--merges',
        '200',
        '--allow-unconstrained',
        '--json',
        ...flags,
      ],
      { cwd: work },
    );
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout);
  };
  const noisy = run(
    '--out',
    join(work, 'noisy'),
    '--cache-dir',
    join(work, 'cache'),
    '--estimator',
    'noise-aware',
    '--noise-z',
    '2',
  );
  assert.equal(noisy.options.estimator, 'noise-aware');
  assert.equal(noisy.options.noiseZ, 2);
  assert.equal(noisy.solver.certified, true);
});
