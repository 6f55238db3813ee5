// Issue 5 items 1 and 2 on real built-in samples: exactness (each sample repeated a known whole number
// of times, trained by trainBpe and by the native trainer, shares recovered to MSE < 1e-7), then
// same-distribution and held-out accuracy (log10 MSE) of a random mixture. Usage: node dist/bench/exactness.js [--merges 3000]
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cache } from '../src/common/cache.js';
import { countCategories, readSequences, resolveCategories } from '../src/corpus/index.js';
import type { CategorySpec, WordCounts } from '../src/corpus/types.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import { replayCategories, trainBpe } from '../src/bpe/index.js';
import { trainNativeRun } from '../src/bpe/native-train.js';
import { buildMixture } from '../src/experiment/mixture.js';
import { createRng } from '../src/experiment/random.js';
import { solveMixture } from '../src/solve/solve-mixture.js';
import type { Merge } from '../src/tokenizer/spec.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'languages' },
    names: { type: 'string', default: 'fr,es,ru,zh,ar' },
    merges: { type: 'string', default: '3000' },
    'exact-bytes': { type: 'string', default: '150000' },
    'sample-bytes': { type: 'string', default: '1000000' },
    'total-bytes': { type: 'string', default: '6000000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: '/tmp/tokmix-exactness' },
    skip: { type: 'string', default: '' },
  },
});
const T = Number(values.merges);
const seed = Number(values.seed);
const dir = values.dir!;
const skip = new Set(values.skip!.split(',').filter(Boolean));
mkdirSync(dir, { recursive: true });
const cache = new Cache(join(dir, 'cache'));
const text = preTokenizerPreset('gpt2');
const rng = createRng(seed);
const t0 = performance.now();
const clock = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

const all = await resolveCategories(values.set!, { cacheDir: join(dir, 'cache') });
const byName = new Map(all.map((c) => [c.name, c]));
const categories = values
  .names!.split(',')
  .map((n) => byName.get(n) ?? all.find((c) => c.name.startsWith(`${n}`)))
  .filter((c): c is CategorySpec => c !== undefined);
console.log(`set ${values.set}: ${all.length} categories; using ${categories.map((c) => c.name).join(', ')}`);

/** A category's capped sample, one sequence per line (newline-terminated, as buildMixture writes). */
async function sampleLines(category: CategorySpec, bytes: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const s of readSequences(category, { bytes, seed: 0 }))
    lines.push(s.endsWith('\n') ? s : `${s}\n`);
  return lines;
}

function fileCategory(name: string, path: string): CategorySpec {
  return { name, kind: 'other', files: [path] };
}

const mseOf = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0) / a.length;
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(6)).join(' ');

async function infer(counts: WordCounts[], mergeList: Merge[]) {
  const steps = Math.min(T, mergeList.length);
  const spec = { alphabet: text.alphabet, mergeList };
  const transcripts = await replayCategories(counts, spec, steps, { cache });
  const estimate = await solveMixture(transcripts, { mergeList, backend: 'highs' });
  return { transcripts, estimate, steps };
}

async function count(specs: CategorySpec[]): Promise<WordCounts[]> {
  return countCategories(specs, text, { cache, jobs: 2 });
}

// ---- Item 1: exactness ------------------------------------------------------------------------
if (!skip.has('1')) {
  const exactBytes = Number(values['exact-bytes']);
  const samples: CategorySpec[] = [];
  // Distinct whole repeat counts: a random order of 1..max(5, n).
  const pool = Array.from({ length: Math.max(5, categories.length) }, (_, k) => k + 1);
  for (let k = pool.length - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [pool[k], pool[j]] = [pool[j]!, pool[k]!];
  }
  const repeats: number[] = [];
  const trainPath = join(dir, 'exact-train.txt');
  rmSync(trainPath, { force: true });
  for (const category of categories) {
    const lines = await sampleLines(category, exactBytes);
    const body = lines.join('');
    const path = join(dir, `exact-${category.name}.txt`);
    writeFileSync(path, body);
    samples.push(fileCategory(category.name, path));
    const k = pool[repeats.length]!;
    repeats.push(k);
    for (let r = 0; r < k; r++) appendFileSync(trainPath, body);
    console.log(
      `  ${category.name}: ${Buffer.byteLength(body)} bytes, ${lines.length} lines, repeated ×${k}`,
    );
  }
  const sampleCounts = await count(samples);
  const [trainCounts] = await count([fileCategory('train', trainPath)]);
  console.log(`item 1: training file ${trainCounts!.stats.bytes} bytes, counted ${clock()}`);
  const runs: [string, () => Promise<{ mergeList: Merge[]; note?: string }>][] = [
    ['trainBpe', async () => ({ mergeList: trainBpe([trainCounts!], T) })],
    ['native', () => trainNativeRun([trainPath], text, T)],
  ];
  let bpeList: Merge[] | undefined;
  for (const [label, train] of runs) {
    const start = performance.now();
    const { mergeList, note } = await train();
    const trainSeconds = (performance.now() - start) / 1000;
    if (label === 'trainBpe') bpeList = mergeList;
    else if (bpeList) {
      let same = 0;
      while (
        same < Math.min(bpeList.length, mergeList.length) &&
        bpeList[same]![0] === mergeList[same]![0] &&
        bpeList[same]![1] === mergeList[same]![1]
      )
        same++;
      console.log(`  native vs trainBpe: first ${same} of ${mergeList.length} merges identical`);
    }
    const { transcripts, estimate, steps } = await infer(sampleCounts, mergeList);
    const weighted = transcripts.map((t, i) => repeats[i]! * t.totals.bytes);
    const sum = weighted.reduce((a, b) => a + b, 0);
    const truth = weighted.map((w) => w / sum);
    const mse = mseOf(estimate.byteShare, truth);
    console.log(
      `item 1 [${label}] T=${steps}: MSE ${mse.toExponential(3)} (log10 ${Math.log10(mse).toFixed(2)}), objective ${estimate.objective.toExponential(3)}, ` +
        `unexplained ${estimate.unexplainedMerges?.length ?? 'n/a'}, train ${trainSeconds.toFixed(1)} s, total ${clock()}${note ? ` (${note})` : ''}`,
    );
    console.log(`    truth    ${fmt(truth)}\n    estimate ${fmt(estimate.byteShare)}`);
  }
}

// ---- Item 2: same-distribution and held-out accuracy -------------------------------------------
if (!skip.has('2')) {
  const sampleBytes = Number(values['sample-bytes']);
  const totalBytes = Number(values['total-bytes']);
  const full: CategorySpec[] = [];
  const halfA: CategorySpec[] = [];
  const halfB: CategorySpec[] = [];
  for (const category of categories) {
    const lines = await sampleLines(category, sampleBytes);
    const path = join(dir, `mix-${category.name}.txt`);
    writeFileSync(path, lines.join(''));
    writeFileSync(`${path}.a.txt`, lines.filter((_, k) => k % 2 === 0).join(''));
    writeFileSync(`${path}.b.txt`, lines.filter((_, k) => k % 2 === 1).join(''));
    full.push(fileCategory(category.name, path));
    halfA.push(fileCategory(category.name, `${path}.a.txt`));
    halfB.push(fileCategory(category.name, `${path}.b.txt`));
    console.log(
      `  ${category.name}: sample ${Buffer.byteLength(lines.join(''))} bytes, ${lines.length} lines`,
    );
  }
  const raw = categories.map(() => -Math.log(1 - rng.next()));
  const rawSum = raw.reduce((a, b) => a + b, 0);
  const weights = Object.fromEntries(categories.map((c, i) => [c.name, raw[i]! / rawSum]));
  for (const [label, trainFrom, estimateWith] of [
    ['same samples', full, full],
    ['held-out halves', halfA, halfB],
  ] as const) {
    const start = performance.now();
    const mixPath = join(dir, `mixture-${label.replace(/\W/g, '')}.txt`);
    const { bytes } = await buildMixture(trainFrom, weights, totalBytes, seed, mixPath);
    const truthRaw = categories.map((c) => bytes[c.name]!);
    const truthSum = truthRaw.reduce((a, b) => a + b, 0);
    const truth = truthRaw.map((b) => b / truthSum);
    const [mixCounts] = await count([fileCategory('mixture', mixPath)]);
    const mergeList = trainBpe([mixCounts!], T);
    const estimateCounts = await count(estimateWith);
    const { estimate, steps } = await infer(estimateCounts, mergeList);
    const mse = mseOf(estimate.byteShare, truth);
    console.log(
      `item 2 [${label}] mixture ${truthSum} bytes, T=${steps}: MSE ${mse.toExponential(3)}, log10 MSE ${Math.log10(mse).toFixed(2)}, ` +
        `${((performance.now() - start) / 1000).toFixed(1)} s (total ${clock()})`,
    );
    console.log(`    truth    ${fmt(truth)}\n    estimate ${fmt(estimate.byteShare)}`);
  }
}
