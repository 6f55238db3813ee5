import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportHtml } from '../../src/index.js';
import { makeInferResult, makeValidationResult } from './fixtures.js';
import { decodeImage, distinctColors, inkFraction } from './image.js';
import { tempDir } from '../helpers/temp.js';

const result = makeInferResult();

function findChromium(): string | undefined {
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(path)) return path;
  }
  return undefined;
}

test('report.html is self-contained: no script, no external resource, charts and fonts embedded', () => {
  const html = reportHtml(result);
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(!/<script|<link|<iframe/i.test(html), 'no script or linked resource');
  assert.ok(!/(src|href)="(https?:)?\/\//i.test(html), 'no network address');
  assert.ok(!/url\((?!data:)/.test(html), 'every CSS url() is a data: URI');
  assert.match(html, /<img alt="[^"]+" src="data:image\/png;base64,/);
  assert.match(html, /@font-face \{ font-family: 'tokmix Noto Sans SC'/, 'CJK font embedded for 中文');
  for (const c of result.categories) {
    const escaped = c.name.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    assert.ok(html.includes(`<td>${escaped}</td>`), `table row for ${c.name}`);
  }
  // The worst-explained merges, largest slack first, with visible JSON-quoted parts.
  const worst = html.indexOf('Merges the categories explain worst');
  assert.ok(worst > 0);
  const section = html.slice(worst);
  assert.ok(
    section.indexOf('&quot;Ġ&quot; + &quot;t&quot;') < section.indexOf('&quot;&lt;&quot; + &quot;/&quot;'),
  );
  assert.match(html, /optimum is not unique/);
});

test('report.html of a validation: chart, summary table, trials', () => {
  const html = reportHtml(makeValidationResult());
  assert.match(html, /<title>tokmix validation — builtin-mixed<\/title>/);
  assert.match(html, /<img alt="line chart of log10 MSE[^"]*" src="data:image\/png;base64,/);
  assert.ok(html.includes('<td>pair-frequency baseline</td>'));
  assert.ok(html.includes('English, python, Русский, web, 中文'));
});

test('report.html renders in headless Chromium (screenshot not blank)', { timeout: 120_000 }, async (t) => {
  const chromium = findChromium();
  if (!chromium) {
    t.skip(
      'Chromium not found at /usr/bin/chromium: install it (apt-get install -y chromium) to run this test',
    );
    return;
  }
  const dir = tempDir('html');
  try {
    const page = join(dir, 'report.html');
    const shot = join(dir, 'shot.png');
    writeFileSync(page, reportHtml(result));
    const run = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--screenshot=${shot}`,
        '--window-size=1200,1600',
        `file://${page}`,
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
    assert.ok(
      existsSync(shot),
      `Chromium wrote no screenshot (exit ${run.status}): ${run.stderr.slice(-500)}`,
    );
    const pixels = await decodeImage(readFileSync(shot));
    assert.equal(pixels.width, 1200);
    assert.ok(inkFraction(pixels) > 0.03, 'the page shows text and the chart');
    assert.ok(distinctColors(pixels) > 30, 'the embedded chart shows its colours');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
