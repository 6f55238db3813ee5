// The bigger differential check: for gpt2, gpt-4o and claude, countCategories over a built-in set
// (capped per category) against the native pre-tokenizer over the same sequences; prints every
// category whose counts differ. Usage: node dist/bench/count-native-check.js [--set default] [--bytes 1MB]
import { parseArgs } from 'node:util';
import { readSequences, resolveCategories } from '../src/corpus/index.js';
import { countCategories } from '../src/count/index.js';
import { parseByteSize } from '../src/cli/byte-size.js';
import { createNativePipeline } from '../test/oracles/native-pipeline.js';
import { loadTokenizer } from '../src/tokenizer/load.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'default' },
    bytes: { type: 'string', default: '1MB' },
    tokenizers: { type: 'string', default: 'gpt2,gpt-4o,claude' },
  },
});
const bytes = parseByteSize(values.bytes!);
const categories = await resolveCategories(values.set!);
let totalBytes = 0;
for (const name of values.tokenizers!.split(',')) {
  const tokenizer = await loadTokenizer(name);
  const native = createNativePipeline(tokenizer);
  const ours = await countCategories(categories, tokenizer, { bytes, jobs: 2 });
  let equal = 0;
  totalBytes = 0;
  for (const [i, category] of categories.entries()) {
    const expected = new Map<string, number>();
    for await (const sequence of readSequences(category, { bytes })) {
      totalBytes += Buffer.byteLength(sequence, 'utf8');
      for (const word of native.preTokenize(native.normalize(sequence)))
        expected.set(word, (expected.get(word) ?? 0) + 1);
    }
    const got = ours[i];
    const differing = got.words.filter((word, k) => expected.get(word) !== got.counts[k]);
    const missing = [...expected.keys()].filter((word) => !got.words.includes(word));
    if (differing.length === 0 && missing.length === 0 && expected.size === got.words.length) equal++;
    else {
      console.log(
        `${name} ${category.name}: ${differing.length} counts differ, ${missing.length} pre-tokens missing; e.g. ${JSON.stringify([...differing, ...missing].slice(0, 3))}`,
      );
    }
  }
  console.log(
    `${name}: ${equal}/${categories.length} categories equal to native (${(totalBytes / 1e6).toFixed(1)} MB compared)`,
  );
}
