// Counting throughput: countCategories with 1 and 2 worker threads against the native Hugging Face
// pre-tokenizer counting the same sequences single-threaded in this process (the reference run).
// Usage: node dist/bench/count.js [--set domains] [--bytes 4MB] [--preset gpt2|cl100k|o200k]
import { parseArgs } from 'node:util';
import { readSequences, resolveCategories } from '../src/corpus/index.js';
import { countCategories } from '../src/count/index.js';
import { parseByteSize } from '../src/cli/byte-size.js';
import { createNativePipeline } from '../test/oracles/native-pipeline.js';
import { preTokenizerPreset, type PreTokenizerPreset } from '../src/tokenizer/presets.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'domains' },
    bytes: { type: 'string', default: '4MB' },
    preset: { type: 'string', default: 'gpt2' },
  },
});
const bytes = parseByteSize(values.bytes!);
const text = preTokenizerPreset(values.preset as PreTokenizerPreset);
const categories = await resolveCategories(values.set!);

// Reference: the native pre-tokenizer over exactly the sequences counting takes, one thread.
const native = createNativePipeline(text);
let sampleBytes = 0;
const sequences: string[][] = [];
for (const category of categories) {
  const list: string[] = [];
  for await (const sequence of readSequences(category, { bytes })) {
    list.push(sequence);
    sampleBytes += Buffer.byteLength(sequence, 'utf8');
  }
  sequences.push(list);
}
const mb = sampleBytes / 1e6;
let start = performance.now();
let nativeDistinct = 0;
for (const list of sequences) {
  const counts = new Map<string, number>();
  for (const sequence of list) {
    for (const word of native.preTokenize(native.normalize(sequence)))
      counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  nativeDistinct += counts.size;
}
const nativeSeconds = (performance.now() - start) / 1000;
console.log(
  `sample: ${categories.length} categories of ${values.set}, ${mb.toFixed(1)} MB, preset ${values.preset}`,
);
console.log(
  `native pre-tokenizer, 1 thread (reference): ${(mb / nativeSeconds).toFixed(2)} MB/s (${nativeSeconds.toFixed(1)} s)`,
);

for (const jobs of [1, 2]) {
  start = performance.now();
  const results = await countCategories(categories, text, { bytes, jobs });
  const seconds = (performance.now() - start) / 1000;
  const distinct = results.reduce((sum, r) => sum + r.stats.distinctPreTokens, 0);
  const same =
    distinct === nativeDistinct
      ? 'same distinct pre-tokens as native'
      : `DIFFERENT distinct count (${distinct} vs ${nativeDistinct})`;
  console.log(
    `countCategories, ${jobs} worker${jobs > 1 ? 's' : ''}: ${(mb / seconds).toFixed(2)} MB/s (${seconds.toFixed(1)} s), ` +
      `ratio to native ${(nativeSeconds / seconds).toFixed(2)}x; ${same}`,
  );
}
console.log('(timings on a shared machine are noisy; rerun for stable figures)');
