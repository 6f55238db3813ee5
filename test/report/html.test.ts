import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportHtml } from '../../src/index.js';
import { makeBootstrapResult, makeInferResult, makeValidationResult } from './fixtures.js';
import { formatInterval } from '../../src/report/stability.js';
import { decodeImage, distinctColors, inkFraction } from './image.js';
import { tempFolder } from '../helpers/temp.js';

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

/** Runs headless Chromium on a page: `--dump-dom` (the rendered DOM) or `--screenshot`, console logged to stderr. */
function runChromium(chromium: string, dir: string, page: string, mode: string[]) {
  return spawnSync(
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
      '--enable-logging=stderr',
      '--v=0',
      `--user-data-dir=${join(dir, 'profile')}`,
      ...mode,
      '--window-size=1200,1600',
      `file://${page}`,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 << 20 },
  );
}

/** Console errors and failed loads Chromium logged (its log lines carry CONSOLE or net errors). */
function consoleErrors(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => /CONSOLE|Uncaught|Failed to load resource|ERR_FILE_NOT_FOUND/i.test(line))
    .filter((line) => /error|uncaught|failed/i.test(line));
}

test(
  'report.html with intervals renders in headless Chromium: every interval shown, not blank, no console error',
  { timeout: 240_000 },
  async (t) => {
    const chromium = findChromium();
    if (!chromium) {
      t.skip(
        'Chromium not found at /usr/bin/chromium: install it (apt-get install -y chromium; .ci/run does) to run this test',
      );
      return;
    }
    const dir = tempFolder(t, 'html');
    const withIntervals = makeBootstrapResult();
    const page = join(dir, 'report.html');
    const shot = join(dir, 'shot.png');
    writeFileSync(page, reportHtml(withIntervals));

    // The console check can fail: a page that logs an error is caught.
    const control = join(dir, 'control.html');
    writeFileSync(control, '<!DOCTYPE html><p>x</p><script>console.error("tokmix control error")</script>');
    const controlRun = runChromium(chromium, dir, control, ['--dump-dom']);
    assert.ok(
      consoleErrors(controlRun.stderr).some((l) => l.includes('tokmix control error')),
      `the console check sees a logged error: ${controlRun.stderr.slice(-500)}`,
    );

    const dom = runChromium(chromium, dir, page, ['--dump-dom']);
    assert.equal(dom.status, 0, dom.stderr.slice(-500));
    assert.deepEqual(consoleErrors(dom.stderr), [], 'no console error');
    // The rendered body's text (styles and embedded images left out).
    const text = dom.stdout
      .slice(dom.stdout.indexOf('<body'))
      .replace(/<style[\s\S]*?<\/style>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');
    assert.ok(text.includes('90% interval'), 'the interval column in the rendered page');
    for (const c of withIntervals.categories) {
      const interval = formatInterval(c.byteShareCI!);
      const row = new RegExp(
        `${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*?${interval.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      );
      assert.ok(row.test(text), `${c.name} and its interval ${interval} in the rendered page`);
    }
    assert.ok(
      /more than (its|their) interval is wide: English/.test(text),
      'the drifting share is called out',
    );

    const run = runChromium(chromium, dir, page, [`--screenshot=${shot}`]);
    assert.ok(
      existsSync(shot),
      `Chromium wrote no screenshot (exit ${run.status}): ${run.stderr.slice(-500)}`,
    );
    assert.deepEqual(consoleErrors(run.stderr), [], 'no console error');
    const pixels = await decodeImage(readFileSync(shot));
    assert.equal(pixels.width, 1200);
    assert.ok(inkFraction(pixels) > 0.03, 'the page shows text and the chart');
    assert.ok(distinctColors(pixels) > 30, 'the embedded chart shows its colours');
  },
);
