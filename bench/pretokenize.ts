// Pre-tokenization throughput: our pipeline against the native `tokenizers` pre-tokenizer on the
// same ~20 MB of mixed text (32 scripts, code, adversarial strings), for gpt2 and gpt-4o, one core.
// Prints MB/s for both and the ratio (target ≥ 0.7). Usage: node dist/bench/pretokenize.js [MB] [chunk chars]
import { createPipeline } from '../src/tokenizer/pipeline.js';
import { preTokenizerPreset, type PreTokenizerPreset } from '../src/tokenizer/presets.js';
import { buildSample } from '../test/tokenizer/sample.js';
import { nativePipeline } from '../test/tokenizer/native.js';

const megabytes = Number(process.argv[2] ?? 20);
const chunkChars = Number(process.argv[3] ?? 65_536);
const unit = buildSample(200_000);
const chunks: string[] = [];
let bytes = 0;
// Chunks (default 64 K characters) cut at line ends, the same for both sides.
const lines = unit.split(/(?<=\n)/);
let chunk = '';
while (bytes < megabytes * 1e6) {
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= chunkChars) {
      chunks.push(chunk);
      bytes += Buffer.byteLength(chunk);
      chunk = '';
    }
  }
}

function time(run: () => number): { seconds: number; pieces: number } {
  const start = process.hrtime.bigint();
  const pieces = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, pieces };
}

console.log(`text: ${(bytes / 1e6).toFixed(1)} MB in ${chunks.length} chunks`);
for (const preset of ['gpt2', 'o200k'] as PreTokenizerPreset[]) {
  const text = preTokenizerPreset(preset);
  const ours = createPipeline(text);
  const native = nativePipeline(text.normalizer, text.preTokenizer);
  // Warm-up on a few chunks, then the timed runs (best of 2).
  for (const c of chunks.slice(0, 5)) {
    ours.preTokenize(c);
    native.preTokenize(c);
  }
  const runs = [0, 1].map(() => ({
    native: time(() => chunks.reduce((n, c) => n + native.preTokenize(c).length, 0)),
    ours: time(() => chunks.reduce((n, c) => n + ours.preTokenize(c).length, 0)),
  }));
  const nativeBest = Math.min(...runs.map((r) => r.native.seconds));
  const oursBest = Math.min(...runs.map((r) => r.ours.seconds));
  const name = preset === 'o200k' ? 'gpt-4o' : preset;
  console.log(
    `${name.padEnd(7)} native ${(bytes / 1e6 / nativeBest).toFixed(1)} MB/s, ours ${(bytes / 1e6 / oursBest).toFixed(1)} MB/s, ratio ${(nativeBest / oursBest).toFixed(2)} (pre-tokens: native ${runs[0].native.pieces}, ours ${runs[0].ours.pieces})`,
  );
}
