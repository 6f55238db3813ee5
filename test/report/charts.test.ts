import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadImage } from '@napi-rs/canvas';
import {
  comparisonChartConfig,
  groupOf,
  groupShares,
  parseGroupMapping,
  renderComparisonChart,
  renderValidationChart,
  validationChartConfig,
  validationCsv,
  UserError,
  chartFormatOf,
} from '../../src/index.js';
import { seriesColor } from '../../src/report/palette.js';
import { makeInferResult, makeValidationResult } from './fixtures.js';
import { countBarsAlong, decodeImage, inkFraction, svgTexts } from './image.js';

const tokenizers = ['GPT-2', 'GPT-3.5', 'GPT-4o', 'Llama 3', 'Claude'];
const results = tokenizers.map((name, i) => makeInferResult({ tokenizer: name, seed: i + 3 }));

test('paper groups follow the paper: English, code, Latin/Cyrillic script, other languages', () => {
  const r = results[0];
  const group = (name: string) =>
    groupOf(
      r.categories.find((c) => c.name === name)!,
      'paper',
    );
  assert.equal(group('English'), 'English');
  assert.equal(group('python'), 'code');
  assert.equal(group('Русский'), 'Latin/Cyrillic languages');
  assert.equal(group('Čeština'), 'Latin/Cyrillic languages');
  assert.equal(group('中文'), 'other languages');
  assert.equal(group('العربية'), 'other languages');
  assert.equal(group('web'), 'domains');
  const { groups, shares } = groupShares(results, 'paper', 'byte');
  assert.deepEqual(groups, ['English', 'code', 'Latin/Cyrillic languages', 'other languages', 'domains']);
  for (const row of shares) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'groups sum to 1');
});

test('kind groups and a mapping file', () => {
  assert.deepEqual(groupShares(results, 'kind', 'pair').groups, ['language', 'code', 'domain']);
  const mapping = parseGroupMapping('{"English": "en", "python": "code", "javascript": "code"}', 'm.json');
  const { groups, shares } = groupShares(results, mapping, 'byte');
  assert.deepEqual(groups, ['en', 'code', 'other']);
  const r = results[1];
  const py = r.categories.filter((c) => c.name === 'python' || c.name === 'javascript');
  assert.ok(Math.abs(shares[1][1] - py.reduce((s, c) => s + c.byteShare, 0)) < 1e-12);
  assert.throws(() => parseGroupMapping('[1]', 'm.json'), UserError);
  assert.throws(() => parseGroupMapping('{"a": 3}', 'm.json'), /must be a non-empty string/);
  assert.throws(() => parseGroupMapping('not json', 'm.json'), /not valid JSON/);
});

test('results with no category in common are refused', () => {
  const other = makeInferResult({ tokenizer: 'x', categories: [{ name: 'klingon', kind: 'language' }] });
  assert.throws(() => groupShares([results[0], other], 'paper', 'byte'), /no category in common/);
});

test('comparison chart PNG: one bar per tokenizer in each group, not blank', async () => {
  const png = await renderComparisonChart(results, { format: 'png', group: 'paper' });
  const { width, height } = comparisonChartConfig(results, { group: 'paper' });
  const pixels = await decodeImage(png);
  assert.equal(pixels.width, width * 2);
  assert.equal(pixels.height, height * 2);
  assert.ok(inkFraction(pixels) > 0.05);
  // A row just above the x axis crosses every bar (each has a minimum length); the legend below
  // the axis is left out.
  const colors = tokenizers.map((_, i) => seriesColor(i));
  assert.equal(countBarsAlong(pixels, colors, pixels.height - 140), 5 * tokenizers.length);
});

test('comparison chart SVG holds the group names and tokenizer names', async () => {
  const svg = (await renderComparisonChart(results.slice(0, 2), { format: 'svg', group: 'kind' })).toString();
  const text = svgTexts(svg).join('\n');
  for (const label of ['language', 'code', 'domain', 'GPT-2', 'GPT-3.5'])
    assert.ok(text.includes(label), label);
  const image = await loadImage(Buffer.from(svg));
  assert.ok(image.width >= 760);
});

test('validation chart: one line per method, legend without the band datasets', async () => {
  const v = makeValidationResult();
  const { config, methods } = validationChartConfig(v);
  assert.deepEqual(methods, ['tokmix', 'tokmix (no slack)', 'pair-frequency baseline', 'random guess']);
  assert.equal(config.data.datasets.length, methods.length * 3);
  const png = await renderValidationChart(v, { format: 'png' });
  const pixels = await decodeImage(png);
  assert.ok(inkFraction(pixels) > 0.05);
  const svg = (await renderValidationChart(v, { format: 'svg' })).toString();
  const texts = svgTexts(svg);
  for (const m of methods) assert.ok(texts.includes(m), m);
  assert.ok(!texts.some((t) => / [−+]sd$/.test(t)), 'band datasets stay out of the legend');
});

test('validationCsv: header and one row per method and n', () => {
  const v = makeValidationResult();
  const lines = validationCsv(v).trimEnd().split('\n');
  assert.equal(lines[0], 'method,n,trials,mean_log10_mse,sd_log10_mse');
  assert.equal(lines.length, v.rows.length + 1);
  assert.match(lines[1], /^pair-frequency baseline,5,10,-?\d/);
});

test('plot output must be .png or .svg', () => {
  assert.equal(chartFormatOf('a/b.PNG'), 'png');
  assert.equal(chartFormatOf('b.svg'), 'svg');
  assert.throws(() => chartFormatOf('x.jpg'), /x\.jpg: the output must end in \.png or \.svg/);
});

/** A result of a run that skipped the first 100,000 merges (an extension such as llama3). */
function extensionResult(): ReturnType<typeof makeInferResult> {
  const r = makeInferResult({ tokenizer: 'llama3', seed: 11 });
  return { ...r, tokenizer: { ...r.tokenizer, firstStep: 100000, lastStep: 100999 } };
}

test('comparison chart: an extension is drawn by pair share and marked so beside byte-share runs', () => {
  const extension = extensionResult();
  const mixed = [results[0], extension];
  const { config } = comparisonChartConfig(mixed, { group: 'kind' });
  const { shares: byKind } = groupShares(mixed, 'kind', ['byte', 'pair']);
  assert.deepEqual(config.data.datasets[1].data, byKind[1]);
  assert.deepEqual(config.data.datasets[0].data, groupShares([results[0]], 'kind', 'byte').shares[0]);
  assert.equal(config.data.datasets[0].label, 'GPT-2');
  assert.equal(config.data.datasets[1].label, 'llama3 (pair share)');
  const subtitle = config.options?.plugins?.subtitle?.text as string;
  assert.match(subtitle, /^byte share \(pair share for extensions, marked\) summed per group/);
  // --share given: every run by that share, nothing marked.
  const byByte = comparisonChartConfig(mixed, { group: 'kind', share: 'byte' }).config;
  assert.deepEqual(byByte.data.datasets[1].data, groupShares([extension], 'kind', 'byte').shares[0]);
  assert.equal(byByte.data.datasets[1].label, 'llama3');
  // Only extensions: all pair share, nothing to mark.
  const onlyExtension = comparisonChartConfig([extension, extension], { group: 'kind' }).config;
  assert.match(onlyExtension.options?.plugins?.subtitle?.text as string, /^pair share summed per group/);
});
