// docs/result-schema.md is the one description of result.json; this keeps it true. Every field
// path of a result — of a fully filled InferResult the compiler checks against the type (so a
// field added to the type must be added to the example), and of real small `infer` runs with the
// options that add fields (so a field written by runInfer, options included, cannot be missed) —
// must be documented, and every documented path must occur in one of them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inferMixture, type InferOptions } from '../../src/infer.js';
import type { InferResult } from '../../src/report/result.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { naiveMergesProblem } from '../helpers/naive-merges.js';

/** Every field required, recursively: the example below must fill in each one the type has. */
type Complete<T> = T extends readonly unknown[]
  ? { [K in keyof T]-?: Complete<T[K]> }
  : T extends object
    ? { [K in keyof T]-?: Complete<Exclude<T[K], undefined>> }
    : T;

const FULL_EXAMPLE: Complete<InferResult> = {
  schemaVersion: 1,
  kind: 'tokmix-infer-result',
  tokenizer: {
    name: 'llama3',
    source: 'npm:llama3-tokenizer-js@1.2.0',
    format: 'tiktoken',
    alphabet: 'byte-level',
    mergesUsed: 1000,
    mergesAvailable: 127049,
    hub: {
      repo: 'meta-llama/Meta-Llama-3-8B',
      revision: 'main',
      commit: '0123456789abcdef0123456789abcdef01234567',
    },
    firstStep: 100000,
    lastStep: 100999,
    lineage: { base: 'gpt-3.5', sharedMerges: 100000, omittedBaseMerges: 0, identical: true },
    excludedMerges: { count: 1, blocks: [{ rule: 'whitespace-block', first: 5, last: 5, count: 1 }] },
  },
  categorySet: 'default',
  categories: [
    {
      name: 'fr',
      kind: 'language',
      language: 'fr',
      script: 'Latn',
      bytes: 1000,
      pairs: 900,
      pairShare: 1,
      byteShare: 1,
      byteShareRange: [0.9, 1],
      byteShareCI: [0.9, 1],
      pairShareCI: [0.9, 1],
      byteShareByMerges: [1, 1, 1],
    },
  ],
  trainingSize: {
    status: 'estimate',
    family: 'hf-tokenizers',
    familyReason: 'a tokenizer.json',
    method: 'tie-break descents against replayed rates',
    bytes: 1e7,
    interval: [5e6, 2e7],
    lowerBound: 4e6,
    steps: { first: 0, last: 999, tieRegimeStart: 500 },
    descents: 100,
    halfSlopes: [1e7, 1.1e7],
    countFloor: { step: 500, count: 101 },
    lastCount: 1,
    reason: 'why not an estimate',
  },
  bootstrap: {
    replicates: 20,
    level: 0.9,
    method: 'chunks20-x2-normal-scale1.8-language1.4',
    form: 'normal',
    scale: 1.8,
    scaleByKind: { language: 1.4 },
    seconds: 1,
    cached: true,
    merges: [333, 666, 1000],
    byteShareReplicates: [[1]],
  },
  solver: {
    backend: 'highs',
    cached: true,
    objective: 1,
    slackTotal: 1,
    rounds: 1,
    constraints: 1,
    variables: 1,
    seconds: 1,
    sweepSeconds: 0.5,
    lpSeconds: 0.5,
    certified: false,
    gap: 0.1,
    lowerBound: 0.9,
    stopped: 'time-limit',
    resumed: { rows: 10, previousGap: 0.2 },
    checkpoint: '/cache/checkpoint/x.ckpt',
    checkpointBytes: 100,
    peakRows: 10,
    peakNonzeros: 100,
    peakMemoryBytes: 1e8,
    unique: false,
    faceMovement: 1e-4,
    note: 'optimum not unique',
    unexplainedMerges: [{ step: 100000, merge: ['a', 'b'], slack: 0.1 }],
    unconstrainedMerges: 0,
  },
  options: {},
  tool: { name: 'tokmix', version: '0.1.0' },
  createdAt: '2026-12-04T00:00:00.000Z',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every field path of `value`: `a.b`, and `a[].b` for the fields of an array of objects. */
export function fieldPaths(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>();
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      for (const element of node) if (isPlainObject(element)) visit(element, `${at}[]`);
      return;
    }
    if (!isPlainObject(node)) return;
    for (const [key, child] of Object.entries(node)) {
      const path = at === '' ? key : `${at}.${key}`;
      paths.add(Array.isArray(child) && child.some(isPlainObject) ? `${path}[]` : path);
      visit(child, path);
    }
  };
  visit(value, prefix);
  return paths;
}

/** The field paths in the first column of the table under `## result.json` in the schema doc. */
export function documentedPaths(doc: string): Set<string> {
  const start = doc.indexOf('\n## result.json');
  assert.ok(start >= 0, 'docs/result-schema.md has no "## result.json" section');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const paths = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstCell = line.split(' | ')[0];
    for (const match of firstCell.matchAll(/`([^`]+)`/g)) paths.add(match[1]);
  }
  return paths;
}

/**
 * Small real runs: a merges.txt trained naively on two synthetic Latin-letter categories (no
 * built-in, so a cold cache costs nothing to derive), once with each option that adds fields.
 */
async function realResults(): Promise<InferResult[]> {
  const work = tempDir('schema');
  const { merges, base } = naiveMergesProblem(work);
  const variants: InferOptions[] = [
    { gap: 0.5, bootstrap: 2, ci: 0.8 },
    { estimator: 'sampled', sampledSteps: 10 },
    { estimator: 'noise-aware', noiseZ: 0.5 },
  ];
  const results: InferResult[] = [];
  for (const variant of variants) results.push(await inferMixture(merges, { ...base, ...variant }));
  return results;
}

test('fieldPaths names nested fields and the fields of arrays of objects', () => {
  const paths = fieldPaths({ a: { b: 1 }, list: [{ c: 2 }], pair: [1, 2] });
  assert.deepEqual([...paths].sort(), ['a', 'a.b', 'list[]', 'list[].c', 'pair']);
});

test('docs/result-schema.md documents every field of result.json, and no field it never has', async () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'result-schema.md'), 'utf8');
  const documented = documentedPaths(doc);
  const written = fieldPaths(FULL_EXAMPLE);
  for (const result of await realResults()) for (const path of fieldPaths(result)) written.add(path);
  const undocumented = [...written].filter((path) => !documented.has(path)).sort();
  assert.deepEqual(undocumented, [], `add these result.json fields to docs/result-schema.md`);
  const stale = [...documented].filter((path) => !written.has(path)).sort();
  assert.deepEqual(stale, [], `docs/result-schema.md documents fields no result has`);
});
