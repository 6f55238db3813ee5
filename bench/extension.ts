// Attacking an extension, validated. A base tokenizer is trained on mixture A; an extension adds
// merges learned on mixture B, in one of two ways:
//   continue — BPE training continued on B's text from the base's merges (the text as the base
//              list leaves it), which is what the LP models when it attacks only the added merges;
//   append   — a tokenizer trained from scratch on B, its merges that the base lacks appended in
//              its order (how an extension is made by merging two vocabularies).
// Estimation samples are held out: each category's sequences are split at random into a sample and
// the pool the training mixtures are drawn from. Prints the log10 MSE against B of attacking the
// added merges (--skip-merges <base>), by extension kind, added merges and sample size, next to
// attacking the first merges (which estimates A), the reference of a tokenizer trained on B from
// scratch attacked at as many first merges and at the added merges' steps, and the uniform guess,
// all in the same run. Each solve
// stops at --time-limit seconds with its gap (counted in the table). The added merges are attacked
// with counts normalized by step-0 pair totals (the paper's) and by the totals at the first
// attacked step (normalizeAt 'first-step').
// With --estimators paper,likelihood every attack is solved by each estimator on the same trials
// (one row per estimator), so they compare pair by pair.
// Usage: node dist/bench/extension.js [--n 8] [--base 3000] [--added 300,1000,3000]
//   [--bytes 30KB,100KB,300KB,pool] [--trials 3] [--total-bytes 3MB] [--kinds continue,append] [--seed 0]
//   [--time-limit 60] [--estimators paper]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCategories, readSequences } from '../src/corpus/index.js';
import type { CategorySpec } from '../src/corpus/types.js';
import { countCategories } from '../src/count/index.js';
import { parseByteSize } from '../src/cli/byte-size.js';
import { preTokenizerPreset } from '../src/tokenizer/presets.js';
import { buildMixture } from '../src/experiment/mixture.js';
import { splitHeldOut } from '../src/experiment/held-out.js';
import { createRng, deriveSeed, sampleWithoutReplacement } from '../src/common/random.js';
import { sampleFromSimplex } from '../src/experiment/simplex.js';
import { log10Mse, meanAndSd, normalizeShares } from '../src/experiment/metrics.js';
import { trainBpeRun } from '../src/bpe/index.js';
import { estimateMixture } from '../src/solve/estimate-mixture.js';
import { findLineage } from '../src/tokenizer/lineage.js';
import type { Merge } from '../src/tokenizer/spec.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'languages' },
    n: { type: 'string', default: '8' },
    base: { type: 'string', default: '3000' },
    added: { type: 'string', default: '300,1000,3000' },
    bytes: { type: 'string', default: '30KB,100KB,300KB,pool' },
    trials: { type: 'string', default: '3' },
    'total-bytes': { type: 'string', default: '3MB' },
    kinds: { type: 'string', default: 'continue,append' },
    seed: { type: 'string', default: '0' },
    'time-limit': { type: 'string', default: '60' },
    estimators: { type: 'string', default: 'paper' },
  },
});
const n = Number(values.n);
const baseMerges = Number(values.base);
const addedList = values.added!.split(',').map(Number);
// 'pool': estimate from the very pools the mixtures were drawn from (no sampling error).
const POOL = 0;
const bytesList = values.bytes!.split(',').map((b) => (b === 'pool' ? POOL : parseByteSize(b, '--bytes')));
const maxSample = Math.max(...bytesList);
const totalBytes = parseByteSize(values['total-bytes'], '--total-bytes');
const timeLimitSeconds = Number(values['time-limit']);
const kinds = values.kinds!.split(',') as ('continue' | 'append')[];
const estimators = values.estimators!.split(',') as ('paper' | 'likelihood')[];
for (const e of estimators) if (e !== 'paper' && e !== 'likelihood') throw new Error(`--estimators: ${e}?`);
const text = preTokenizerPreset('gpt2');
const key = (m: Merge) => `${m[0]}\u0000${m[1]}`;

// Only categories large enough for the largest sample plus a training pool several times larger.
const all = await resolveCategories(values.set!);
const eligible: { category: CategorySpec; sequences: string[] }[] = [];
for (const category of all) {
  const sequences: string[] = [];
  let size = 0;
  for await (const s of readSequences(category)) {
    sequences.push(s);
    size += Buffer.byteLength(s);
  }
  if (size >= 3 * maxSample) eligible.push({ category, sequences });
}
if (eligible.length < n) {
  throw new Error(
    `only ${eligible.length} categories of ${values.set} hold 3 × ${maxSample} bytes; lower --n or --bytes`,
  );
}
process.stderr.write(`eligible: ${eligible.map((e) => e.category.name).join(' ')}\n`);

const work = mkdtempSync(join(tmpdir(), 'tokmix-bench-extension-'));
type Row = {
  estimator: string;
  kind: string;
  added: number;
  bytes: number;
  own: number[];
  ownAtStart: number[];
  first: number[];
  scratch: number[];
  deep: number[];
  deepAtStart: number[];
  uniform: number[];
  unconstrained: number[];
  stopped: number;
};
const rows = new Map<string, Row>();
const started = performance.now();
try {
  for (let trial = 0; trial < Number(values.trials); trial++) {
    const rng = createRng(deriveSeed('tokmix-extension', Number(values.seed), trial));
    const picked = sampleWithoutReplacement(eligible.length, n, rng).map((i) => eligible[i]);
    const weightsA = sampleFromSimplex(n, rng);
    const weightsB = sampleFromSimplex(n, rng);
    // Held-out split: estimation samples (nested prefixes, one file per size) and training pools.
    const pools: CategorySpec[] = [];
    const samples = new Map<number, CategorySpec[]>(bytesList.map((b) => [b, []]));
    for (const { category, sequences } of picked) {
      const { sample, pool } = splitHeldOut(sequences, maxSample, rng);
      const poolFile = join(work, `${category.name}-${trial}-pool.txt`);
      writeFileSync(poolFile, pool.join(''));
      pools.push({ ...category, files: [poolFile] });
      samples.get(POOL)?.push({ ...category, files: [poolFile] });
      for (const bytes of bytesList.filter((b) => b !== POOL)) {
        const taken: string[] = [];
        for (let size = 0, k = 0; k < sample.length && size < bytes; k++) {
          taken.push(sample[k]);
          size += Buffer.byteLength(sample[k]);
        }
        const file = join(work, `${category.name}-${trial}-sample-${bytes}.txt`);
        writeFileSync(file, taken.join(''));
        samples.get(bytes)!.push({ ...category, files: [file] });
      }
    }
    const mixtureCounts = async (weights: number[], name: string) => {
      const file = join(work, `${name}-${trial}.txt`);
      const built = await buildMixture(
        pools,
        Object.fromEntries(pools.map((c, i) => [c.name, weights[i]])),
        totalBytes,
        deriveSeed('mixture', name, trial),
        file,
      );
      const counts = await countCategories([{ name, kind: 'other', files: [file] }], text, { jobs: 1 });
      rmSync(file, { force: true });
      return { counts, truth: normalizeShares(pools.map((c) => built.bytes[c.name] ?? 0)) };
    };
    const a = await mixtureCounts(weightsA, 'A');
    const b = await mixtureCounts(weightsB, 'B');
    const baseList = trainBpeRun(a.counts, baseMerges).mergeList;
    const maxAdded = Math.max(...addedList);
    const scratch = trainBpeRun(b.counts, baseMerges + 2 * maxAdded).mergeList;
    const extensions: Record<string, Merge[]> = {};
    for (const kind of kinds) {
      if (kind === 'continue') {
        extensions[kind] = trainBpeRun(b.counts, maxAdded, { initialMerges: baseList }).mergeList;
      } else {
        const inBase = new Set(baseList.map(key));
        extensions[kind] = [...baseList, ...scratch.filter((m) => !inBase.has(key(m))).slice(0, maxAdded)];
      }
    }
    for (const bytes of bytesList) {
      const counts = await countCategories(samples.get(bytes)!, text, { jobs: 1 });
      for (const estimator of estimators) {
        const solve = (
          mergeList: Merge[],
          steps: number,
          firstStep = 0,
          normalizeAt: 'step-0' | 'first-step' = 'step-0',
        ) =>
          estimateMixture(counts, { alphabet: text.alphabet, mergeList }, steps, {
            firstStep,
            normalizeAt,
            uncertainty: false,
            timeLimitSeconds,
            estimator,
          });
        const reference = new Map<number, number>();
        // The same depth without an extension: B's own list attacked at steps base..base+added.
        const sameDepth = new Map<number, [number, number]>();
        for (const added of addedList) {
          const { estimate } = await solve(scratch, added);
          reference.set(added, log10Mse(b.truth, estimate.byteShare));
          const deep = await solve(scratch, baseMerges + added, baseMerges, 'step-0');
          const deepAtStart = await solve(scratch, baseMerges + added, baseMerges, 'first-step');
          sameDepth.set(added, [
            log10Mse(b.truth, deep.estimate.byteShare),
            log10Mse(b.truth, deepAtStart.estimate.byteShare),
          ]);
        }
        for (const kind of kinds) {
          for (const added of addedList) {
            const mergeList = extensions[kind].slice(0, baseMerges + added);
            const lineage = findLineage(mergeList, [{ name: 'A', mergeList: baseList }], 1);
            if (lineage?.sharedMerges !== baseMerges)
              throw new Error(`lineage not found: ${JSON.stringify(lineage)}`);
            const attackOwn = await solve(mergeList, baseMerges + added, baseMerges);
            const attackOwnAtStart = await solve(mergeList, baseMerges + added, baseMerges, 'first-step');
            const attackFirst = await solve(mergeList, added);
            const id = `${estimator}/${kind}/${added}/${bytes}`;
            const row: Row = rows.get(id) ?? {
              estimator,
              kind,
              added,
              bytes,
              own: [],
              ownAtStart: [],
              first: [],
              scratch: [],
              deep: [],
              deepAtStart: [],
              stopped: 0,
              uniform: [],
              unconstrained: [],
            };
            row.own.push(log10Mse(b.truth, attackOwn.estimate.byteShare));
            row.ownAtStart.push(log10Mse(b.truth, attackOwnAtStart.estimate.byteShare));
            row.first.push(log10Mse(b.truth, attackFirst.estimate.byteShare));
            row.scratch.push(reference.get(added)!);
            row.deep.push(sameDepth.get(added)![0]);
            row.deepAtStart.push(sameDepth.get(added)![1]);
            if (!attackOwn.estimate.certified) row.stopped++;
            row.uniform.push(log10Mse(b.truth, new Array<number>(n).fill(1 / n)));
            row.unconstrained.push(attackOwn.unconstrainedMerges / attackOwn.attackedMerges);
            rows.set(id, row);
            process.stderr.write(
              `trial ${trial} ${estimator} ${kind} added ${added} sample ${bytes}: own ${row.own.at(-1)!.toFixed(2)} first ${row.first.at(-1)!.toFixed(2)} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
            );
          }
        }
      }
    }
  }
  const fmt = (v: number[]) => {
    const { mean, sd } = meanAndSd(v);
    return `${mean.toFixed(2)} ± ${sd.toFixed(2)}`;
  };
  console.log(
    `n=${n} of ${values.set} (held-out samples), base ${baseMerges} merges on A, ${values.trials} trials, training text ${values['total-bytes']}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(
    '| estimator | extension | added merges | sample/category | log10 MSE vs B, added merges attacked (step-0 totals) | the same, totals at the first attacked step | first merges attacked | B from scratch, as many first merges | B from scratch at the added steps, step-0 / first-step totals | uniform guess | added merges unconstrained | solves stopped at the limit |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows.values()) {
    const u = r.unconstrained.reduce((s, x) => s + x, 0) / r.unconstrained.length;
    console.log(
      `| ${r.estimator} | ${r.kind} | ${r.added} | ${r.bytes === POOL ? 'the pools themselves' : r.bytes} | ${fmt(r.own)} | ${fmt(r.ownAtStart)} | ${fmt(r.first)} | ${fmt(r.scratch)} | ${fmt(r.deep)} / ${fmt(r.deepAtStart)} | ${fmt(r.uniform)} | ${(100 * u).toFixed(1)}% | ${r.stopped}/${r.own.length} |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
