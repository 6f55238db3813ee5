// Attacking an extension, validated: a base tokenizer trained on mixture A, extended with the
// merges of a tokenizer trained on mixture B that A's list lacks (A's list kept as the prefix, as
// Llama 3 kept cl100k's). Prints the log10 MSE against B of attacking only the added merges
// (--skip-merges auto) and of attacking the first merges (--skip-merges 0), by estimation sample
// size and added merges. Usage: node dist/bench/extension.js [--n 8] [--base 3000]
// [--added 300,1000,3000] [--bytes 30KB,100KB,1MB] [--trials 3] [--total-bytes 5MB] [--seed 0]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache } from '../src/common/cache.js';
import { resolveCategories } from '../src/corpus/index.js';
import { countCategories } from '../src/count/index.js';
import { parseByteSize } from '../src/cli/byte-size.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import { buildMixture } from '../src/experiment/mixture.js';
import { trainOnFile } from '../src/experiment/train-tokenizer.js';
import { createRng, deriveSeed, sampleWithoutReplacement } from '../src/experiment/random.js';
import { sampleFromSimplex } from '../src/experiment/simplex.js';
import { log10Mse, meanAndSd, normalizeShares } from '../src/experiment/metrics.js';
import { estimateMixture } from '../src/solve/estimate-mixture.js';
import { findLineage } from '../src/tokenizer/lineage.js';
import type { Merge } from '../src/tokenizer/spec.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'languages' },
    n: { type: 'string', default: '8' },
    base: { type: 'string', default: '3000' },
    added: { type: 'string', default: '300,1000,3000' },
    bytes: { type: 'string', default: '30KB,100KB,1MB' },
    trials: { type: 'string', default: '3' },
    'total-bytes': { type: 'string', default: '5MB' },
    seed: { type: 'string', default: '0' },
  },
});
const n = Number(values.n);
const baseMerges = Number(values.base);
const addedList = values.added!.split(',').map(Number);
const bytesList = values.bytes!.split(',').map((b) => parseByteSize(b, '--bytes'));
const totalBytes = parseByteSize(values['total-bytes'], '--total-bytes');
const text = preTokenizerPreset('gpt2');
const categories = await resolveCategories(values.set!);
const work = mkdtempSync(join(tmpdir(), 'tokmix-bench-extension-'));
const cache = new Cache(join(work, 'cache'));
const key = (m: Merge) => `${m[0]}\u0000${m[1]}`;

type Row = {
  added: number;
  bytes: number;
  own: number[];
  first: number[];
  firstVsA: number[];
  unconstrained: number[];
};
const rows = new Map<string, Row>();
try {
  for (let trial = 0; trial < Number(values.trials); trial++) {
    const rng = createRng(deriveSeed('tokmix-extension', Number(values.seed), trial));
    const picked = sampleWithoutReplacement(categories.length, n, rng).map((i) => categories[i]);
    const weightsA = sampleFromSimplex(n, rng);
    const weightsB = sampleFromSimplex(n, rng);
    const train = async (weights: number[], merges: number, name: string) => {
      const file = join(work, `${name}-${trial}.txt`);
      const built = await buildMixture(
        picked,
        Object.fromEntries(picked.map((c, i) => [c.name, weights[i]])),
        totalBytes,
        deriveSeed('mixture', name, trial),
        file,
      );
      const { mergeList } = await trainOnFile(file, text, merges, 'tokmix');
      rmSync(file, { force: true });
      return { mergeList, truth: normalizeShares(picked.map((c) => built.bytes[c.name] ?? 0)) };
    };
    const maxAdded = Math.max(...addedList);
    const a = await train(weightsA, baseMerges, 'A');
    const b = await train(weightsB, baseMerges + maxAdded, 'B');
    const inBase = new Set(a.mergeList.map(key));
    const own = b.mergeList.filter((m) => !inBase.has(key(m)));
    for (const added of addedList) {
      const mergeList = [...a.mergeList, ...own.slice(0, added)];
      const lineage = findLineage(mergeList, [{ name: 'A', mergeList: a.mergeList }], 1);
      if (lineage?.sharedMerges !== baseMerges)
        throw new Error(`lineage not found: ${JSON.stringify(lineage)}`);
      for (const bytes of bytesList) {
        const counts = await countCategories(picked, text, { bytes, cache, jobs: 1 });
        const spec = { alphabet: text.alphabet, mergeList };
        const attackOwn = await estimateMixture(counts, spec, baseMerges + added, {
          firstStep: lineage.sharedMerges,
          uncertainty: false,
          cache,
        });
        const attackFirst = await estimateMixture(counts, spec, added, { uncertainty: false, cache });
        const id = `${added}/${bytes}`;
        const row = rows.get(id) ?? { added, bytes, own: [], first: [], firstVsA: [], unconstrained: [] };
        row.own.push(log10Mse(b.truth, attackOwn.estimate.byteShare));
        row.first.push(log10Mse(b.truth, attackFirst.estimate.byteShare));
        row.firstVsA.push(log10Mse(a.truth, attackFirst.estimate.byteShare));
        row.unconstrained.push(attackOwn.unconstrainedMerges / attackOwn.attackedMerges);
        rows.set(id, row);
        process.stderr.write(
          `trial ${trial} added ${added} bytes ${bytes}: own ${row.own.at(-1)!.toFixed(2)} first ${row.first.at(-1)!.toFixed(2)}\n`,
        );
      }
    }
  }
  const fmt = (v: number[]) => {
    const { mean, sd } = meanAndSd(v);
    return `${mean.toFixed(2)} ± ${sd.toFixed(2)}`;
  };
  console.log(
    `n=${n} languages, base ${baseMerges} merges on A, ${values.trials} trials, training text ${values['total-bytes']}`,
  );
  console.log(
    '| added merges | sample/category | log10 MSE vs B, added merges attacked | vs B, first merges attacked | (those vs A) | unconstrained |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows.values()) {
    const u = r.unconstrained.reduce((s, x) => s + x, 0) / r.unconstrained.length;
    console.log(
      `| ${r.added} | ${r.bytes} | ${fmt(r.own)} | ${fmt(r.first)} | ${fmt(r.firstVsA)} | ${(100 * u).toFixed(1)}% |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
