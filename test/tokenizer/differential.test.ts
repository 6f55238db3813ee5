// Our pipelines against the native `tokenizers` package on a varied sample (32 scripts, code,
// whitespace/CRLF/tabs, contractions, digits, emoji, combining marks, full-width, Unicode spaces):
// normalized text and pre-tokens must be identical, for every case in configs.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPipeline } from '../../src/tokenizer/pipeline.js';
import { buildSample, sampleScripts } from './sample.js';
import { nativePipeline, firstDifference } from './native.js';
import { pipelineCases } from './configs.js';

const SAMPLE_CHARS = 20_000;
const sample = buildSample(SAMPLE_CHARS);

test('the sample is varied: at least 20 scripts', () => {
  assert.ok(sampleScripts(SAMPLE_CHARS).length >= 20, sampleScripts(SAMPLE_CHARS).join(','));
});

for (const c of pipelineCases()) {
  test(`same as native: ${c.name}`, () => {
    const ours = createPipeline(c);
    const native = nativePipeline(c.normalizer, c.preTokenizer);
    const normalized = ours.normalize(sample);
    const nativeNormalized = native.normalize(sample);
    assert.ok(normalized === nativeNormalized, `normalized text differs from native`);
    const pieces = ours.preTokenize(normalized);
    const nativePieces = native.preTokenize(nativeNormalized);
    assert.equal(firstDifference(pieces, nativePieces), null);
    // Line by line too (the trainer's sequences), on a slice to keep the test short.
    for (const line of sample.slice(0, 3000).split(/(?<=\n)/)) {
      const diff = firstDifference(
        ours.preTokenize(ours.normalize(line)),
        native.preTokenize(native.normalize(line)),
      );
      assert.equal(diff, null, `line ${JSON.stringify(line.slice(0, 40))}`);
    }
  });
}

test('empty text has no pre-tokens', () => {
  for (const c of pipelineCases().slice(0, 5)) assert.deepEqual(createPipeline(c).preTokenize(''), []);
});
