// Wall time of one controlled trial (default n = 10, T = 3,000 on the built-in languages), split
// into train, count, replay, solve and baselines; the reference run is the same trial with the
// other trainer, each on a fresh cache. Usage: node dist/bench/trial.js [--set languages] [--n 10]
// [--merges 3000] [--total-bytes 10MB] [--seed 0]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache } from '../src/common/cache.js';
import { resolveCategories } from '../src/corpus/index.js';
import { parseByteSize } from '../src/cli/byte-size.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import { runTrial, type MixtureTrainer } from '../src/experiment/trial.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'languages' },
    n: { type: 'string', default: '10' },
    merges: { type: 'string', default: '3000' },
    'total-bytes': { type: 'string', default: '10MB' },
    seed: { type: 'string', default: '0' },
  },
});
const categories = await resolveCategories(values.set!);
const stages = ['train', 'count', 'replay', 'solve', 'baselines'] as const;

async function timeTrial(trainer: MixtureTrainer) {
  const dir = mkdtempSync(join(tmpdir(), 'tokmix-bench-trial-'));
  try {
    const started = performance.now();
    const trial = await runTrial(
      {
        n: Number(values.n),
        trial: 0,
        seed: Number(values.seed),
        merges: Number(values.merges),
        totalBytes: parseByteSize(values['total-bytes'], '--total-bytes'),
        trainer,
        shift: false,
        omit: 0,
        text: preTokenizerPreset('digits+gpt2'),
        backend: 'highs',
        methods: ['tokmix', 'tee', 'tc', 'random', 'uniform'],
      },
      { categories, workDir: dir, cache: new Cache(join(dir, 'cache')), countJobs: 1 },
    );
    return { trial, wall: (performance.now() - started) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const native = await timeTrial('native');
const ours = await timeTrial('tokmix');
console.log(
  `one trial: set ${values.set}, n = ${values.n}, T = ${values.merges}, training text ${values['total-bytes']} (fresh cache)`,
);
console.log('stage       native (s)  share   tokmix trainer (s)  ratio tokmix/native');
for (const stage of stages) {
  const a = native.trial.seconds[stage];
  const b = ours.trial.seconds[stage];
  console.log(
    `${stage.padEnd(10)}  ${a.toFixed(2).padStart(10)}  ${((100 * a) / native.wall).toFixed(0).padStart(4)}%  ${b.toFixed(2).padStart(18)}  ${(b / a).toFixed(2).padStart(19)}`,
  );
}
console.log(
  `${'wall'.padEnd(10)}  ${native.wall.toFixed(2).padStart(10)}  100%  ${ours.wall.toFixed(2).padStart(18)}  ${(ours.wall / native.wall).toFixed(2).padStart(19)}`,
);
console.log(
  `log10 MSE (tokmix): native-trained ${native.trial.log10Mse.tokmix.toFixed(2)}, tokmix-trained ${ours.trial.log10Mse.tokmix.toFixed(2)}`,
);
