// The full-size differential check (not a test: it takes minutes): on a ≥ 200 KB sample, every
// built-in's pipeline and every case of test/tokenizer/configs.ts against the native package,
// as one sequence and line by line. With a Claude tokenizer.json path as argument, also checks
// that the merges derived from Claude's ranks equal that file's merges, all of them in order.
// Usage: node dist/bench/pretokenize-check.js [claude.tokenizer.json]
import { readFileSync } from 'node:fs';
import { createPipeline } from '../src/tokenizer/pipeline.js';
import { loadTokenizer } from '../src/tokenizer/load.js';
import { BUILTIN_TOKENIZERS } from '../src/tokenizer/builtins.js';
import { buildSample, sampleScripts } from '../test/tokenizer/sample.js';
import { firstDifference, nativePipeline } from '../test/tokenizer/native.js';
import { pipelineCases, type PipelineCase } from '../test/tokenizer/configs.js';

const SAMPLE_CHARS = 220_000;
const sample = buildSample(SAMPLE_CHARS);
console.log(
  `sample: ${Buffer.byteLength(sample)} bytes, ${sample.length} UTF-16 units, ${sampleScripts(SAMPLE_CHARS).length} scripts`,
);

function check(c: PipelineCase): string | null {
  const ours = createPipeline(c);
  const native = nativePipeline(c.normalizer, c.preTokenizer);
  const normalized = ours.normalize(sample);
  if (normalized !== native.normalize(sample)) return 'normalized text differs';
  const whole = firstDifference(ours.preTokenize(normalized), native.preTokenize(normalized));
  if (whole) return `one sequence: ${whole}`;
  for (const line of sample.split(/(?<=\n)/)) {
    const diff = firstDifference(
      ours.preTokenize(ours.normalize(line)),
      native.preTokenize(native.normalize(line)),
    );
    if (diff) return `line ${JSON.stringify(line.slice(0, 40))}: ${diff}`;
  }
  return null;
}

const cases: PipelineCase[] = [];
for (const builtin of BUILTIN_TOKENIZERS) {
  const spec = await loadTokenizer(builtin.name);
  cases.push({ ...spec, name: `built-in ${builtin.name}` });
}
cases.push(...pipelineCases());
let failed = 0;
for (const c of cases) {
  const problem = check(c);
  if (problem) failed++;
  console.log(`${problem ? 'DIFF' : 'same'}  ${c.name}${problem ? `\n      ${problem}` : ''}`);
}
console.log(`${cases.length - failed} of ${cases.length} pipelines identical to native`);

const claudePath = process.argv[2];
if (claudePath) {
  const fixture = JSON.parse(readFileSync(claudePath, 'utf8')) as {
    model: { merges: Array<string | string[]> };
  };
  const theirs = fixture.model.merges.map((m) => (typeof m === 'string' ? m.split(' ') : m));
  const ours = (await loadTokenizer('claude')).mergeList;
  let differences = 0;
  for (let t = 0; t < Math.max(ours.length, theirs.length); t++) {
    if (ours[t]?.[0] !== theirs[t]?.[0] || ours[t]?.[1] !== theirs[t]?.[1]) differences++;
  }
  console.log(
    `claude: ${ours.length} derived merges, ${theirs.length} in ${claudePath}, ${differences} differences`,
  );
}
process.exitCode = failed > 0 ? 1 : 0;
