// The training-size verdict for every built-in tokenizer (issue 28), without the mixture: the
// trainer family the file implies and what its merge order shows (descents of Hugging Face's
// tie-break order; a list in tie regime has under 20% in its last blocks). Usage:
//   node dist/bench/training-size-builtins.js
import { loadTokenizer } from '../src/tokenizer/load.js';
import { BUILTIN_TOKENIZERS } from '../src/tokenizer/builtins.js';
import {
  detectTrainerFamily,
  judgeTrainerFamily,
  tieBreakDescents,
  tieRegimeStart,
} from '../src/solve/training-size.js';
import { tokenizerLineage } from '../src/tokenizer/lineage.js';
import { Cache } from '../src/common/cache.js';

const cache = new Cache(process.env.TOKMIX_CACHE ?? '/tmp/tokmix-size-cache');

console.log(
  '| tokenizer | format | merges | own merges from | declared family | judged family | descents, whole list | descents, last 2,000 | tie regime from |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const builtin of BUILTIN_TOKENIZERS) {
  const spec = await loadTokenizer(builtin.name, { cache });
  const lineage = await tokenizerLineage(spec, { cache });
  const first = lineage?.sharedMerges ?? 0;
  const family = detectTrainerFamily(spec);
  const judged = judgeTrainerFamily(spec, first);
  const descents = tieBreakDescents(spec.mergeList);
  const T = spec.mergeList.length;
  const fraction = (from: number): string => {
    let d = 0;
    for (let t = from; t < T - 1; t++) d += descents[t];
    return `${((100 * d) / Math.max(1, T - 1 - from)).toFixed(1)}%`;
  };
  const regime = tieRegimeStart(descents, first, T);
  console.log(
    `| ${builtin.name} | ${spec.format} | ${T} | ${first} | ${family.family} | ${judged.family} | ${fraction(first)} | ${fraction(Math.max(first, T - 2000))} | ${regime ?? 'none'} |`,
  );
}
