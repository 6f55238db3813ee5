// Interval methods compared on the same controlled trials (issue 26): each trial is trained,
// counted and estimated once (runTrial), then every candidate resampling (blocks or contiguous
// chunks, one draw or two) gets its own replicates; the replicates, point and truth are written as
// JSON Lines so forms and width factors can be scored and fitted afterwards without re-solving.
// Usage: node dist/bench/intervals.js --set languages --n 5 [--shift] [--trials 30] [--seed 1]
//   [--merges 500] [--total-bytes 1MB] [--replicates 10] [--units blocks,chunks20,chunks20x2,chunks20x2h]
//   (suffix h: each replicate re-solves only the point's held rows, IntervalMethod.resolve)
//   --out rows.jsonl
// Then: node dist/bench/intervals.js --score rows.jsonl[,more.jsonl] [--scale 1,1.5,2] [--level 0.9]
import { parseArgs } from 'node:util';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache } from '../src/common/cache.js';
import { resolveCategories } from '../src/corpus/index.js';
import { benchTrialSettings } from './trial-settings.js';
import { runTrial } from '../src/experiment/trial.js';
import { bootstrapMixture } from '../src/bootstrap/bootstrap.js';
import { intervalsFromReplicates, type IntervalMethod } from '../src/bootstrap/interval-method.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'languages' },
    n: { type: 'string', default: '5' },
    shift: { type: 'boolean', default: false },
    trials: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    merges: { type: 'string', default: '500' },
    'total-bytes': { type: 'string', default: '1MB' },
    replicates: { type: 'string', default: '10' },
    units: { type: 'string', default: 'blocks,chunks20,chunks20x2,chunks8' },
    'cache-dir': { type: 'string' },
    out: { type: 'string' },
    score: { type: 'string' },
    scale: { type: 'string', default: '1,1.25,1.5,1.75,2,2.5,3' },
    level: { type: 'string', default: '0.9' },
  },
});

/** "blocks", "chunks20", "chunks20x2", "chunks20x2h": the unit, draws and (h) held-rows solves. */
function parseUnit(text: string): Pick<IntervalMethod, 'unit' | 'chunks' | 'draws' | 'resolve'> {
  const match = /^(blocks|chunks(\d+))(x2)?(h)?$/.exec(text);
  if (!match) throw new Error(`--units: unknown candidate ${text}`);
  return {
    unit: match[2] ? 'chunks' : 'blocks',
    ...(match[2] ? { chunks: Number(match[2]) } : {}),
    draws: match[3] ? 2 : 1,
    ...(match[4] ? { resolve: 'held-rows' as const } : {}),
  };
}

interface Row {
  set: string;
  n: number;
  shift: boolean;
  trial: number;
  candidate: string;
  seconds: number;
  point: number[];
  truth: number[];
  replicates: number[][];
}

async function collect(): Promise<void> {
  const out = values.out!;
  const categories = await resolveCategories(values.set!, { cacheDir: values['cache-dir'] });
  const cache = values['cache-dir'] ? new Cache(values['cache-dir']) : undefined;
  const candidates = values.units!.split(',');
  const dir = mkdtempSync(join(tmpdir(), 'tokmix-bench-intervals-'));
  const started = performance.now();
  try {
    for (let trial = 0; trial < Number(values.trials); trial++) {
      await runTrial(benchTrialSettings(values, trial, { methods: ['tokmix'] }), {
        categories,
        workDir: dir,
        cache,
        countJobs: 1,
        onEstimated: async (t) => {
          for (const candidate of candidates) {
            const b = await bootstrapMixture(
              t.counts,
              t.spec,
              t.steps,
              { ...t.estimate, rows: t.estimate.rows ?? [] },
              {
                replicates: Number(values.replicates),
                seed: t.seed,
                jobs: 1,
                method: { ...parseUnit(candidate), form: 'percentile', scale: 1 },
              },
            );
            const row: Row = {
              set: values.set!,
              n: Number(values.n),
              shift: values.shift!,
              trial,
              candidate,
              seconds: b.seconds,
              point: t.estimate.byteShare,
              truth: t.candidateTruth,
              replicates: b.byteShareReplicates,
            };
            appendFileSync(out, `${JSON.stringify(row)}\n`);
          }
        },
      });
      process.stderr.write(`trial ${trial} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Coverage and mean width per (setting, candidate, form, scale). */
function score(): void {
  const rows: Row[] = values
    .score!.split(',')
    .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(line) as Row);
  const level = Number(values.level);
  const scales = values.scale!.split(',').map(Number);
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.set} n=${r.n}${r.shift ? ' shift' : ' same'}\t${r.candidate}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  console.log('setting\tcandidate\tform\tscale\ttrials\tcoverage\t±2se\tmean width\tseconds/trial');
  for (const [key, group] of [...groups].sort()) {
    for (const form of ['percentile', 'normal'] as const) {
      for (const scale of scales) {
        let inside = 0;
        let total = 0;
        let width = 0;
        for (const r of group) {
          intervalsFromReplicates(r.replicates, r.point, level, { form, scale }).forEach(([lo, hi], i) => {
            if (r.truth[i] >= lo - 1e-9 && r.truth[i] <= hi + 1e-9) inside++;
            width += hi - lo;
            total++;
          });
        }
        const p = inside / total;
        const seconds = group.reduce((s, r) => s + r.seconds, 0) / group.length;
        console.log(
          `${key}\t${form}\t${scale}\t${group.length}\t${(100 * p).toFixed(1)}%\t${(200 * Math.sqrt((p * (1 - p)) / total)).toFixed(1)}\t${(width / total).toFixed(4)}\t${seconds.toFixed(2)}`,
        );
      }
    }
  }
}

if (values.score) score();
else {
  if (!values.out) throw new Error('--out rows.jsonl is required');
  await collect();
}
