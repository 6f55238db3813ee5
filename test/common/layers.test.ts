// The layer rule of docs/DESIGN.md, as lint enforces it (scripts/eslint-layers.mjs): the chain the
// design prints is the rule's table, and the rule fails an upward, sideways or fenced import of any
// kind while passing downward ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Linter, type ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

/** The repository root (dist/test/common → ../../..). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface LayersModule {
  layerChain(): string;
  layersPlugin: ESLint.Plugin;
}

async function layersModule(): Promise<LayersModule> {
  // Plain JavaScript outside tsconfig: loaded by URL, typed here.
  return (await import(pathToFileURL(join(ROOT, 'scripts', 'eslint-layers.mjs')).href)) as LayersModule;
}

/** The rule's messages for `code` written at src/<path>. */
async function lint(path: string, code: string): Promise<string[]> {
  const { layersPlugin } = await layersModule();
  const config = {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { tokmix: layersPlugin },
    rules: { 'tokmix/layers': ['error', { srcRoot: join(ROOT, 'src') }] as Linter.RuleEntry },
  };
  return new Linter({ cwd: ROOT }).verify(code, [config], join(ROOT, 'src', path)).map((m) => m.message);
}

test("docs/DESIGN.md's layer chain is the lint rule's table", async () => {
  const { layerChain } = await layersModule();
  const design = readFileSync(join(ROOT, 'docs', 'DESIGN.md'), 'utf8');
  const printed = design.split('\n').find((line) => line.startsWith('common  ←'));
  assert.equal(printed, layerChain());
});

test('the layer rule fails upward, sideways and fenced imports of every kind', async () => {
  const failing: [string, string, RegExp][] = [
    ['solve/types.ts', "import { renderChartSync } from '../report/render.js';", /higher layer/],
    ['bootstrap/replicate.ts', "import type { Rng } from '../experiment/random.js';", /higher layer/],
    ['corpus/builtin/sets.ts', "export { loadTokenizer } from '../../tokenizer/load.js';", /sibling/],
    ['count/count.ts', "const w = new URL('../bpe/replay.js', import.meta.url);", /higher layer/],
    ['bpe/replay.ts', "const m = await import('../solve/lazy-lp.js');", /higher layer/],
    ['solve/solve-mixture.ts', "import { solveAlphaCuts } from './research/alpha-cuts.js';", /fenced/],
    ['experiment/trial.ts', "import { runInfer } from '../infer.js';", /sibling/],
    ['common/cache.ts', "import { hashKey } from '../newroom/hash.js';", /in no layer/],
  ];
  for (const [path, code, why] of failing) {
    const messages = await lint(path, code);
    assert.equal(messages.length, 1, `${path}: ${code}`);
    assert.match(messages[0], why, `${path}: ${code}`);
  }
});

test('the layer rule passes imports from the own room and from lower layers', async () => {
  const passing: [string, string][] = [
    ['report/comparison-chart.ts', "import { percentileIntervals } from '../bootstrap/bootstrap.js';"],
    ['tokenizer/formats/hf-json.ts', "import type { Merge } from '../spec.js';"],
    ['corpus/builtin/sets.ts', "import { hashKey } from '../../common/hash.js';"],
    ['solve/research/alpha-cuts.ts', "import type { LpBackend } from '../backends/lp-model.js';"],
    ['solve/research/solve-alpha-cuts.ts', "import { noteAbsent } from '../solve-mixture.js';"],
    ['count/worker-pool.ts', "const url = new URL('./count-worker.js', import.meta.url);"],
    ['slurm/jobs.ts', "const run = new URL('../../../bin/run.js', import.meta.url);"],
    ['commands/infer.ts', "import { runInfer } from '../infer.js';"],
    ['infer.ts', "import { resolveMergeRange } from './merge-range.js';"],
  ];
  for (const [path, code] of passing) assert.deepEqual(await lint(path, code), [], `${path}: ${code}`);
});
