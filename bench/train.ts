// Benchmark: our trainer (counting included) against the native Hugging Face trainer on the same
// ~50 MB file and 30,000 merges; prints both times, their ratio and whether the merges agree.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { countCategories } from '../src/count/count.js';
import { preTokenizerPreset, parsePreTokenizerPreset } from '../src/tokenizer/presets.js';
import { trainBpeRun, trainNativeRun } from '../src/bpe/index.js';
import { benchCorpus } from './train-corpus.js';

const bytes = Number(process.argv[2] ?? 50e6);
const merges = Number(process.argv[3] ?? 30000);
const preset = process.argv[4] ?? 'gpt2';
const text = preTokenizerPreset(parsePreTokenizerPreset(preset));
const path = await benchCorpus(bytes);
const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;

let start = process.hrtime.bigint();
const native = await trainNativeRun([path], text, merges);
const nativeSeconds = seconds(start);

start = process.hrtime.bigint();
const counts = await countCategories([{ name: 'bench', kind: 'other', files: [path] }], text, {
  jobs: availableParallelism(),
});
const countSeconds = seconds(start);
start = process.hrtime.bigint();
const ours = trainBpeRun(counts, native.mergeList.length);
const trainSeconds = seconds(start);

let firstDifference = -1;
for (let i = 0; i < Math.max(ours.mergeList.length, native.mergeList.length); i++) {
  const a = ours.mergeList[i];
  const b = native.mergeList[i];
  if (a?.[0] !== b?.[0] || a?.[1] !== b?.[1]) {
    firstDifference = i;
    break;
  }
}
const oursSeconds = countSeconds + trainSeconds;
console.log(
  JSON.stringify(
    {
      file: path,
      bytes: statSync(path).size,
      preTokenizer: preset,
      cores: availableParallelism(),
      merges: native.mergeList.length,
      distinctPreTokens: counts[0].stats.distinctPreTokens,
      nativeSeconds: +nativeSeconds.toFixed(2),
      oursSeconds: +oursSeconds.toFixed(2),
      oursCountSeconds: +countSeconds.toFixed(2),
      oursTrainSeconds: +trainSeconds.toFixed(2),
      ratio: +(oursSeconds / nativeSeconds).toFixed(3),
      mergesEqual: firstDifference === -1,
      firstDifference,
      note: native.note,
    },
    null,
    2,
  ),
);
