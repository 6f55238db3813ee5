// results/examples/ and the README's pictures and table are made by `npm run examples`
// (scripts/make-examples.mjs), which records the tool version and code fingerprint they were made
// with. These checks run no solve: they fail when that record no longer matches the code, when a
// run, picture or README table is missing or out of step with the results, so a change to the
// pipeline or the charts cannot leave stale examples behind unnoticed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { stageCodeFingerprint } from '../../src/common/code-fingerprint.js';
import { toolVersion } from '../../src/common/version.js';
import { readResultFile } from '../../src/report/load.js';
import type { InferResult } from '../../src/report/result.js';
import { repoRoot } from '../helpers/cli.js';
import { makeInferResult } from '../report/fixtures.js';

interface ExamplesScript {
  MANIFEST: string;
  EXAMPLES: { folder: string; args: string[] }[];
  PICTURES: { out: string; args: string[] }[];
  TABLE_START: string;
  TABLE_END: string;
  exampleRow(result: InferResult): string;
  exampleTable(repo: string): string;
}

interface Manifest {
  tool: { name: string; version: string };
  fingerprintStage: string;
  code: string;
  examples: { folder: string; command: string }[];
  pictures: { out: string; command: string }[];
}

const REMAKE = 'run `npm run examples` to remake results/examples/ with the current code';

async function loadScript(): Promise<ExamplesScript> {
  const url = pathToFileURL(join(repoRoot, 'scripts', 'make-examples.mjs')).href;
  return (await import(url)) as ExamplesScript;
}

test('results/examples/ was made by this code: tool version and code fingerprint match', async () => {
  const script = await loadScript();
  assert.ok(existsSync(join(repoRoot, script.MANIFEST)), `${script.MANIFEST} is missing: ${REMAKE}`);
  const manifest = JSON.parse(readFileSync(join(repoRoot, script.MANIFEST), 'utf8')) as Manifest;
  assert.equal(
    manifest.tool.version,
    toolVersion(),
    `examples made by tokmix ${manifest.tool.version}: ${REMAKE}`,
  );
  assert.equal(
    manifest.code,
    stageCodeFingerprint(manifest.fingerprintStage),
    `the code changed since the examples were made: ${REMAKE}`,
  );
  // Every run and picture the script makes is there, made by the command it now gives.
  assert.deepEqual(
    manifest.examples.map((e) => [e.folder, e.command]),
    script.EXAMPLES.map((e) => [e.folder, `tokmix ${e.args.join(' ')}`]),
    `the list of examples changed: ${REMAKE}`,
  );
  assert.deepEqual(
    manifest.pictures.map((p) => p.out),
    script.PICTURES.map((p) => p.out),
    `the list of pictures changed: ${REMAKE}`,
  );
  for (const example of script.EXAMPLES) {
    const result = readResultFile(join(repoRoot, example.folder, 'result.json')) as InferResult;
    assert.equal(result.tool.version, manifest.tool.version, `${example.folder}: ${REMAKE}`);
    for (const file of ['proportions.csv', 'proportions.png', 'proportions.svg', 'report.html']) {
      assert.ok(existsSync(join(repoRoot, example.folder, file)), `${example.folder}/${file} is missing`);
    }
  }
  for (const picture of script.PICTURES) {
    assert.ok(existsSync(join(repoRoot, picture.out)), `${picture.out} is missing: ${REMAKE}`);
  }
});

test("the README's example pictures are made by the script and its table matches the results", async () => {
  const script = await loadScript();
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const made = new Set([
    ...script.PICTURES.map((p) => p.out),
    ...script.EXAMPLES.map((e) => `${e.folder}/proportions.png`),
  ]);
  const shown = [...readme.matchAll(/\]\((results\/examples\/[^)]+\.(?:png|svg))\)/g)].map((m) => m[1]);
  assert.ok(shown.length > 0, 'the README shows no example picture');
  for (const picture of shown)
    assert.ok(made.has(picture), `${picture} is shown but npm run examples does not make it`);
  const start = readme.indexOf(script.TABLE_START);
  const end = readme.indexOf(script.TABLE_END);
  assert.ok(start >= 0 && end > start, 'README.md has no examples table block');
  assert.equal(
    readme.slice(start, end + script.TABLE_END.length),
    script.exampleTable(repoRoot),
    `the README's examples table differs from results/examples/: ${REMAKE}`,
  );
});

test('an example row gives byte shares of a whole list and pair shares by kind of an extension', async () => {
  const { exampleRow } = await loadScript();
  const whole = makeInferResult({ tokenizer: 'gpt2', seed: 5 });
  const largest = [...whole.categories].sort((a, b) => b.byteShare - a.byteShare)[0];
  assert.match(
    exampleRow(whole),
    new RegExp(`^\\| gpt2 \\| ${largest.name} ${(largest.byteShare * 100).toFixed(1)}%, `),
  );
  assert.match(exampleRow(whole), /\(byte share\) \|$/);
  const extension = { ...whole, tokenizer: { ...whole.tokenizer, name: 'llama3', firstStep: 100000 } };
  const row = exampleRow(extension);
  assert.match(
    row,
    /^\| llama3 \(its own merges, after the first 100,000\) \| (language|code|domain|other) \d+%/,
  );
  assert.match(row, /\(pair share, by kind\) \|$/);
});
