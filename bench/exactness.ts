// Issue 5 items 1 and 2 on real built-in samples: exactness (each sample repeated a known whole number
// of times, trained by trainBpe and by the native trainer, shares recovered to MSE < 1e-7), then
// same-distribution and held-out accuracy (log10 MSE) of random mixtures, over several seeds,
// mixture sizes and merge counts in one run. Usage:
//   node dist/bench/exactness.js [--set code --names javascript,typescript,python,c-cpp,markdown,css]
//     [--merges 1000,3000] [--seeds 1,2,3] [--total-bytes 6000000,20000000] [--sample-bytes 1000000]
//     [--pool-bytes rest|N] [--skip 1|2|same|held-out] [--json rows.json] [--dir /tmp/tokmix-exactness]
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cache } from '../src/common/cache.js';
import { readSequences, resolveCategories } from '../src/corpus/index.js';
import { countCategories } from '../src/count/index.js';
import type { CategorySpec, WordCounts } from '../src/corpus/types.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import { trainBpe } from '../src/bpe/index.js';
import { trainNativeRun } from '../src/bpe/native-train.js';
import { buildMixture } from '../src/experiment/mixture.js';
import { meanAndSd } from '../src/experiment/metrics.js';
import { createRng, deriveSeed } from '../src/common/random.js';
import { splitHeldOut } from '../src/experiment/held-out.js';
import { estimateMixture } from '../src/solve/estimate-mixture.js';
import type { Merge } from '../src/tokenizer/spec.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'languages' },
    names: { type: 'string', default: 'fr,es,ru,zh,ar' },
    merges: { type: 'string', default: '3000' },
    'exact-bytes': { type: 'string', default: '150000' },
    'sample-bytes': { type: 'string', default: '1000000' },
    'pool-bytes': { type: 'string', default: 'rest' },
    'total-bytes': { type: 'string', default: '6000000' },
    seed: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    dir: { type: 'string', default: '/tmp/tokmix-exactness' },
    skip: { type: 'string', default: '' },
    json: { type: 'string' },
  },
});
const numbers = (flag: string, text: string): number[] => {
  const list = text.split(',').map((x) => Number(x.trim()));
  if (list.length === 0 || list.some((x) => !Number.isSafeInteger(x) || x < 0)) {
    throw new Error(`--${flag} ${text}: expected whole numbers separated by commas`);
  }
  return list;
};
const mergesList = numbers('merges', values.merges!);
const T = Math.max(...mergesList);
const seeds = numbers('seeds', values.seed ?? values.seeds!);
const seed = seeds[0];
const totalBytesList = numbers('total-bytes', values['total-bytes']);
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

const mseOf = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0) / a.length;
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(6)).join(' ');

async function infer(counts: WordCounts[], mergeList: Merge[]) {
  const steps = Math.min(T, mergeList.length);
  const spec = { alphabet: text.alphabet, mergeList };
  const { transcripts, estimate } = await estimateMixture(counts, spec, steps, {
    backend: 'highs',
    uncertainty: false,
    cache,
  });
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
    [pool[k], pool[j]] = [pool[j], pool[k]];
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
    const k = pool[repeats.length];
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
        bpeList[same][0] === mergeList[same][0] &&
        bpeList[same][1] === mergeList[same][1]
      )
        same++;
      console.log(`  native vs trainBpe: first ${same} of ${mergeList.length} merges identical`);
    }
    const { transcripts, estimate, steps } = await infer(sampleCounts, mergeList);
    const weighted = transcripts.map((t, i) => repeats[i] * t.totals.bytes);
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
// For each seed and mixture size: true shares from the seed, a training text of `total` bytes whose
// lines are drawn with replacement from each category's capped sample (buildMixture), a tokenizer of
// max(--merges) merges trained on it, and the estimate at every --merges prefix, made with the same
// samples ("same samples") or, for a mixture drawn from other lines of each category, with a sample
// of lines the mixture could not draw ("held-out", see heldOutFor). A summary table and the
// per-category errors over the seeds close the run.
interface Row {
  label: string;
  seed: number;
  totalBytes: number;
  merges: number;
  log10Mse: number;
  truth: number[];
  estimate: number[];
  objective: number;
  seconds: number;
}
if (!skip.has('2')) {
  const sampleBytes = Number(values['sample-bytes']);
  const poolBytes = values['pool-bytes'] === 'rest' ? Infinity : Number(values['pool-bytes']);
  const full: CategorySpec[] = [];
  for (const category of categories) {
    const lines = await sampleLines(category, sampleBytes);
    const path = join(dir, `mix-${category.name}.txt`);
    writeFileSync(path, lines.join(''));
    full.push(fileCategory(category.name, path));
    const distinct = new Set(lines).size;
    console.log(
      `  ${category.name}: sample ${Buffer.byteLength(lines.join(''))} bytes, ${lines.length} lines (${distinct} distinct)`,
    );
  }
  /** Held-out data for a seed (splitHeldOut, a new split for every seed): an estimation sample of
   *  --sample-bytes and a training pool of --pool-bytes (default: all the rest of the category). */
  const allLinesOf = new Map<string, string[]>();
  const heldOutFor = async (seed: number): Promise<[CategorySpec[], CategorySpec[]]> => {
    const pools: CategorySpec[] = [];
    const estimation: CategorySpec[] = [];
    const sizes: string[] = [];
    for (const category of categories) {
      let lines = allLinesOf.get(category.name);
      if (!lines) {
        lines = [];
        for await (const s of readSequences(category)) lines.push(s.endsWith('\n') ? s : `${s}\n`);
        allLinesOf.set(category.name, lines);
      }
      const rng = createRng(deriveSeed('exactness-held-out', seed, category.name));
      const { sample, pool } = splitHeldOut(lines, sampleBytes, rng, poolBytes);
      if (pool.length === 0) {
        throw new Error(
          `${category.name}: no lines left for a held-out training pool after a ${sampleBytes}-byte sample; lower --sample-bytes or leave the category out`,
        );
      }
      const path = join(dir, `held-out-${category.name}`);
      writeFileSync(`${path}.sample.txt`, sample.join(''));
      writeFileSync(`${path}.pool.txt`, pool.join(''));
      estimation.push(fileCategory(category.name, `${path}.sample.txt`));
      pools.push(fileCategory(category.name, `${path}.pool.txt`));
      sizes.push(`${category.name} ${(Buffer.byteLength(pool.join('')) / 1e6).toFixed(2)} MB`);
    }
    console.log(`  held-out pools, seed ${seed}: ${sizes.join(', ')}`);
    return [pools, estimation];
  };
  const rows: Row[] = [];
  const maxT = Math.max(...mergesList);
  for (const seed of seeds) {
    // The true shares depend on the seed alone (not on whether item 1 ran).
    const weightRng = createRng(deriveSeed('exactness-weights', seed));
    const raw = categories.map(() => -Math.log(1 - weightRng.next()));
    const rawSum = raw.reduce((a, b) => a + b, 0);
    const weights = Object.fromEntries(categories.map((c, i) => [c.name, raw[i] / rawSum]));
    const [pools, heldOut] = skip.has('held-out') ? [full, full] : await heldOutFor(seed);
    const labels = [
      ['same samples', full, full],
      ['held-out', pools, heldOut],
    ] as const;
    for (const totalBytes of totalBytesList) {
      for (const [label, trainFrom, estimateWith] of labels) {
        if (skip.has(label === 'same samples' ? 'same' : 'held-out')) continue;
        const start = performance.now();
        const mixPath = join(dir, `mixture-${label.replace(/\W/g, '')}.txt`);
        const { bytes } = await buildMixture(trainFrom, weights, totalBytes, seed, mixPath);
        const truthRaw = categories.map((c) => bytes[c.name]);
        const truthSum = truthRaw.reduce((a, b) => a + b, 0);
        const truth = truthRaw.map((b) => b / truthSum);
        // The mixture is counted once and not cached (its file is rewritten for every seed and size).
        const [mixCounts] = await countCategories([fileCategory('mixture', mixPath)], text, { jobs: 2 });
        rmSync(mixPath, { force: true });
        const fullList = trainBpe([mixCounts!], maxT);
        const trainSeconds = (performance.now() - start) / 1000;
        const estimateCounts = await count(estimateWith);
        for (const merges of mergesList) {
          const solveStart = performance.now();
          const { estimate, steps } = await infer(estimateCounts, fullList.slice(0, merges));
          const row: Row = {
            label,
            seed,
            totalBytes: truthSum,
            merges: steps,
            log10Mse: Math.log10(mseOf(estimate.byteShare, truth)),
            truth,
            estimate: estimate.byteShare,
            objective: estimate.objective,
            seconds: trainSeconds + (performance.now() - solveStart) / 1000,
          };
          rows.push(row);
          console.log(
            `item 2 [${label}] seed ${seed}, mixture ${truthSum} bytes, T=${steps}: log10 MSE ${row.log10Mse.toFixed(2)}, ` +
              `objective ${estimate.objective.toExponential(3)}, ${row.seconds.toFixed(1)} s (total ${clock()})`,
          );
          console.log(`    truth    ${fmt(truth)}\n    estimate ${fmt(estimate.byteShare)}`);
        }
      }
    }
  }
  printSummary(rows);
  if (values.json) {
    const names = categories.map((c) => c.name);
    writeFileSync(
      values.json,
      `${JSON.stringify({ set: values.set, names, sampleBytes, poolBytes: values['pool-bytes'], rows }, null, 1)}\n`,
    );
    console.log(`rows written to ${values.json}`);
  }
}

/** log10 MSE per seed with its mean and sd, then each category's signed and RMS error (percentage
 *  points) over the seeds, for every (estimate, mixture size, merges) combination run. */
function printSummary(rows: Row[]): void {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const size = `${(totalBytesList.find((b) => Math.abs(b - row.totalBytes) < b * 0.01) ?? row.totalBytes) / 1e6} MB`;
    const key = `${row.label} | ${size} | T=${row.merges}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const names = categories.map((c) => c.name);
  console.log(`\nsummary: log10 MSE by seed (${seeds.join(', ')}), mean ± sd`);
  for (const [key, group] of groups) {
    const scores = group.map((r) => r.log10Mse);
    const { mean, sd } = meanAndSd(scores);
    // The log10 of the mean MSE too: one bad seed dominates it, as it would a pooled figure.
    const pooled = Math.log10(group.reduce((s, r) => s + 10 ** r.log10Mse, 0) / group.length);
    console.log(
      `  ${key.padEnd(40)} ${scores.map((x) => x.toFixed(2).padStart(6)).join(' ')}   mean ${mean.toFixed(2)} ± ${sd.toFixed(2)}, log10(mean MSE) ${pooled.toFixed(2)}`,
    );
  }
  console.log(`\nper-category error, estimate − truth in percentage points: mean (RMS) over seeds`);
  console.log(`  ${''.padEnd(40)} ${names.map((n) => n.slice(0, 14).padStart(16)).join('')}`);
  for (const [key, group] of groups) {
    const cells = names.map((_, i) => {
      const errors = group.map((r) => 100 * (r.estimate[i] - r.truth[i]));
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
      const rms = Math.sqrt(errors.reduce((a, b) => a + b * b, 0) / errors.length);
      return `${mean >= 0 ? '+' : ''}${mean.toFixed(3)} (${rms.toFixed(3)})`.padStart(16);
    });
    console.log(`  ${key.padEnd(40)} ${cells.join('')}`);
  }
}
