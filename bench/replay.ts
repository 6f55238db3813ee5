// Benchmark: replay with transcript recording against our own training on the same counts and
// merges (target ≤ 1.2×), plus the transcript's size per recorded change and its growth with the
// sample size, projected to the paper's scale (112 categories × 1 GB × 30,000 merges).
import { availableParallelism } from 'node:os';
import { countCategories } from '../src/count/count.js';
import { preTokenizerPreset, parsePreTokenizerPreset } from '../src/tokenizer/presets.js';
import { trainBpeRun, replay, encodeTranscript } from '../src/bpe/index.js';
import { benchCorpus } from './train-corpus.js';

const bytes = Number(process.argv[2] ?? 50e6);
const merges = Number(process.argv[3] ?? 30000);
const preset = process.argv[4] ?? 'gpt2';
const text = preTokenizerPreset(parsePreTokenizerPreset(preset));
const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;

async function countsOf(size: number) {
  const path = await benchCorpus(size);
  const [counts] = await countCategories([{ name: `bench-${size}`, kind: 'other', files: [path] }], text, {
    jobs: availableParallelism(),
  });
  return counts!;
}

const counts = await countsOf(bytes);
let start = process.hrtime.bigint();
const trained = trainBpeRun([counts], merges);
const trainSeconds = seconds(start);
const spec = { alphabet: text.alphabet, mergeList: trained.mergeList };
const steps = trained.mergeList.length;

start = process.hrtime.bigint();
const transcript = replay(counts, spec, steps);
const replaySeconds = seconds(start);
start = process.hrtime.bigint();
const encoded = encodeTranscript(transcript);
const encodeSeconds = seconds(start);
const changes = transcript.changePair.length;

// Growth with sample size: the same merges replayed over a fifth of the text.
const smallBytes = Math.round(bytes / 5);
const small = replay(await countsOf(smallBytes), spec, steps);
const smallChanges = small.changePair.length;
const exponent = Math.log(changes / smallChanges) / Math.log(bytes / smallBytes);
const bytesPerChange = encoded.byteLength / changes;
const projectedChangesPerGB = changes * Math.pow(1e9 / bytes, exponent) * (30000 / steps);
const projectedBytes = 112 * projectedChangesPerGB * bytesPerChange;

console.log(
  JSON.stringify(
    {
      bytes,
      preTokenizer: preset,
      steps,
      distinctPreTokens: counts.stats.distinctPreTokens,
      trainSeconds: +trainSeconds.toFixed(2),
      replaySeconds: +replaySeconds.toFixed(2),
      ratio: +(replaySeconds / trainSeconds).toFixed(3),
      encodeSeconds: +encodeSeconds.toFixed(2),
      absentSteps: transcript.totals.absentSteps,
      pairs: transcript.pairLeft.length,
      changes,
      transcriptBytes: encoded.byteLength,
      bytesPerChange: +bytesPerChange.toFixed(2),
      changesAtFifth: smallChanges,
      growthExponent: +exponent.toFixed(3),
      projectedChangesPerCategoryAt1GB: Math.round(projectedChangesPerGB),
      projectedGBAtPaperScale: +(projectedBytes / 1e9).toFixed(1),
    },
    null,
    2,
  ),
);
