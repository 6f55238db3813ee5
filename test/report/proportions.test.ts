import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadImage } from '@napi-rs/canvas';
import { proportionsCsv, renderProportionsChart, proportionsChartConfig } from '../../src/report/index.js';
import { KIND_COLORS } from '../../src/report/palette.js';
import { makeInferResult } from './fixtures.js';
import { countBarsAcross, decodeImage, distinctColors, inkFraction, svgTexts } from './image.js';

const result = makeInferResult();
const barColors = Object.values(KIND_COLORS);

test('proportionsCsv: one row per category, largest byte share first, RFC 4180 quoting', () => {
  const csv = proportionsCsv(result);
  const lines = csv.trimEnd().split('\n');
  assert.equal(
    lines[0],
    'category,kind,language,script,byte_share,pair_share,byte_share_min,byte_share_max,byte_share_ci_lo,byte_share_ci_hi,pair_share_ci_lo,pair_share_ci_hi,bytes,pairs',
  );
  assert.equal(lines.length, result.categories.length + 1);
  assert.ok(lines.some((line) => line.startsWith('"email, spam",domain,')));
  // Byte shares (10th field from the right end of every row, quoted commas aside) descend.
  const shares = lines.slice(1).map((line) => Number(line.split(',').at(-10)));
  for (let i = 1; i < shares.length; i++) assert.ok(shares[i] <= shares[i - 1], `row ${i + 1} in order`);
  const sorted = [...result.categories].sort((a, b) => b.byteShare - a.byteShare);
  assert.equal(lines[1].split(',')[0], sorted[0].name);
  assert.equal(shares[0], sorted[0].byteShare);
  const ranged = result.categories.find((c) => c.byteShareRange)!;
  const row = lines.find((line) => line.startsWith(`${ranged.name},`))!;
  assert.ok(row.includes(String(ranged.byteShareRange![0])));
});

test('proportions chart PNG: 2x size, not blank, one bar per top category plus "other"', async () => {
  for (const top of [10, 0]) {
    const png = await renderProportionsChart(result, { format: 'png', top });
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { width, height } = proportionsChartConfig(result, { top });
    const pixels = await decodeImage(png);
    assert.equal(pixels.width, width * 2);
    assert.equal(pixels.height, height * 2);
    assert.ok(inkFraction(pixels) > 0.05, 'the chart has ink');
    assert.ok(distinctColors(pixels) > 20, 'the chart has more than a few colours');
    const expected = top === 0 ? result.categories.length : top + 1;
    // The legend's colour boxes sit in the bottom 50 chart units: leave them out.
    assert.equal(countBarsAcross(pixels, barColors, pixels.height - 100), expected);
  }
});

test('proportions chart by pair share ranks by pair share', () => {
  const byPair = proportionsChartConfig(result, { top: 5, share: 'pair' });
  const best = [...result.categories].sort((a, b) => b.pairShare - a.pairShare)[0];
  assert.equal(byPair.labels[0], best.name);
  assert.equal(byPair.labels.length, 6);
  assert.match(byPair.labels[5], /^other \(31 categories\)$/);
});

test('proportions chart of an extension: pair share by default, labelled; byte share when asked', () => {
  const extension = { ...result, tokenizer: { ...result.tokenizer, firstStep: 100000, lastStep: 100999 } };
  const byDefault = proportionsChartConfig(extension, { top: 5 });
  assert.deepEqual(byDefault.labels, proportionsChartConfig(result, { top: 5, share: 'pair' }).labels);
  const axis = byDefault.config.options?.scales?.x as { title: { text: string } };
  assert.equal(axis.title.text, 'pair share of the text after merge 100,000');
  assert.match(
    byDefault.config.options?.plugins?.subtitle?.text as string,
    /^Estimated pair share .* an extension: pair share, as its byte share is ill-conditioned$/,
  );
  const byByte = proportionsChartConfig(extension, { top: 5, share: 'byte' });
  assert.deepEqual(byByte.labels, proportionsChartConfig(result, { top: 5 }).labels);
  assert.match(byByte.config.options?.plugins?.subtitle?.text as string, /byte share is ill-conditioned/);
  // A whole list keeps byte share and says nothing of extensions.
  const whole = proportionsChartConfig(result, { top: 5 }).config;
  assert.equal(
    (whole.options?.scales?.x as { title: { text: string } }).title.text,
    'byte share of the training data',
  );
  assert.doesNotMatch(whole.options?.plugins?.subtitle?.text as string, /extension/);
});

test('proportions chart SVG: parses as an image and holds the category labels as text', async () => {
  const svg = await renderProportionsChart(result, { format: 'svg', top: 0 });
  const text = svg.toString('utf8');
  assert.match(text, /^<\?xml[^>]*>\s*<svg /);
  const image = await loadImage(svg);
  assert.ok(image.width > 800 && image.height > 500);
  const labels = svgTexts(text).join('');
  for (const c of result.categories) {
    const label = c.name === 'ꦧꦱꦗꦮ' ? c.language! : c.name; // Javanese script falls back to its ISO code
    assert.ok(labels.includes(label), `label ${label} in the SVG`);
  }
  assert.ok(labels.includes('gpt2 — builtin-mixed'));
  assert.ok(!/font-family="tokmix-/.test(text), 'internal font aliases are renamed');
  const pixels = await decodeImage(svg);
  assert.ok(inkFraction(pixels) > 0.05);
});
