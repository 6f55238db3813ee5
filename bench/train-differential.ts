// The full differential check of our trainer against the native one: multilingual, code and mixed
// text × the gpt2 and digits+gpt2 pre-tokenizers, counted by tokmix's own pipeline; compares the
// first N merges (a run stopped at N) and the native run's whole list (vocabulary 30,000).
import { mkdtempSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { countCategories } from '../src/count/count.js';
import { preTokenizerPreset, type PreTokenizerPreset } from '../src/tokenizer/presets.js';
import { trainBpeRun, trainNativeRun, NATIVE_VOCAB_SIZE } from '../src/bpe/index.js';
import { codeLines, mixedLines, multilingualLines, writeLines } from '../test/bpe/corpora.js';
import { firstDifference } from '../test/bpe/helpers.js';

const bytes = Number(process.argv[2] ?? 4e6);
const merges = Number(process.argv[3] ?? 6000);
const dir = mkdtempSync(join(tmpdir(), 'tokmix-differential-'));

const corpora: [string, (bytes: number) => string[]][] = [
  ['multilingual', multilingualLines],
  ['code', codeLines],
  ['mixed', mixedLines],
];
let failures = 0;
for (const [corpus, lines] of corpora) {
  const path = join(dir, `${corpus}.txt`);
  writeLines(path, lines(bytes));
  for (const preset of ['gpt2', 'digits+gpt2'] as PreTokenizerPreset[]) {
    const text = preTokenizerPreset(preset);
    const t0 = Date.now();
    const native = await trainNativeRun([path], text, Number.MAX_SAFE_INTEGER);
    const nativeMs = Date.now() - t0;
    const counts = await countCategories([{ name: corpus, kind: 'other', files: [path] }], text, {
      jobs: availableParallelism(),
    });
    const t1 = Date.now();
    const prefix = trainBpeRun(counts, merges);
    const prefixMs = Date.now() - t1;
    const full = trainBpeRun(counts, Number.MAX_SAFE_INTEGER, { vocabSize: NATIVE_VOCAB_SIZE });
    const prefixDiff = firstDifference(prefix.mergeList, native.mergeList.slice(0, merges));
    const fullDiff = firstDifference(full.mergeList, native.mergeList);
    if (prefixDiff !== -1 || fullDiff !== -1) failures++;
    console.log(
      JSON.stringify({
        corpus,
        preTokenizer: preset,
        bytes,
        merges,
        firstDifferenceInFirstN: prefixDiff,
        nativeMerges: native.mergeList.length,
        fullRunMerges: full.mergeList.length,
        fullRunRawMerges: full.rawMerges,
        firstDifferenceFullRun: fullDiff,
        nativeMs,
        oursFirstNMs: prefixMs,
      }),
    );
  }
}
console.log(failures === 0 ? 'all equal' : `${failures} runs differ`);
process.exitCode = failures === 0 ? 0 : 1;
