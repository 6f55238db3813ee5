// report.html: one self-contained page per run (settings, table, charts as data: URIs, the merges
// the categories explain worst). No script, no network: it opens from disk in any browser.
import { describeIntervals } from './interval-text.js';
import { mergeRangeText, type InferResult, type ValidationResult } from './result.js';
import { embeddedFonts, FONT_CREDITS } from './fonts.js';
import { renderProportionsChartSync } from './proportions-chart.js';
import { renderValidationChartSync } from './validation-chart.js';
import { formatPercent } from './shares.js';
import { defaultShare, rankShares } from './shares.js';
import { formatInterval, shareMovements, stabilitySummary } from './stability.js';

function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

function table(head: string[], rows: unknown[][], numeric: boolean[] = []): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => `<td${numeric[i] ? ' class="num"' : ''}>${esc(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function settings(entries: [string, unknown][]): string {
  return `<dl>${entries
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(typeof v === 'object' ? JSON.stringify(v) : v)}</dd>`)
    .join('')}</dl>`;
}

/** A merge's two parts as JSON strings, so spaces and control characters stay visible. */
function mergeText(merge: [string, string]): string {
  return `${JSON.stringify(merge[0])} + ${JSON.stringify(merge[1])}`;
}

const STYLE = `
body { font-family: var(--page-fonts), "Noto Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222; background: #fff;
  max-width: 1100px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.sub { color: #555; margin-top: 0; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.2em; }
dt { color: #555; } dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; word-break: break-all; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e4e4e4; text-align: left; }
th { background: #f4f4f4; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
.note { background: #fff8e1; border-left: 4px solid #E69F00; padding: 0.5em 1em; }
`;

function page(title: string, subtitle: string, body: string, footer: string): string {
  // The page's own text decides which font subsets to embed (tags and attributes add only ASCII).
  const fonts = embeddedFonts(
    [title, subtitle, body.replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, ''), footer],
    'tokmix',
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${fonts.css}
:root { --page-fonts: ${fonts.family || 'sans-serif'}; }
${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">${esc(subtitle)}</p>
${body}
<footer>${footer}</footer>
</body>
</html>
`;
}

/** The bootstrap's settings and the shares' stability across merge prefixes (with --bootstrap). */
function bootstrapSection(r: InferResult): string {
  const b = r.bootstrap;
  if (!b) return '';
  const lines = stabilitySummary(r).map((line) => `<p class="note">${esc(line)}</p>`);
  const moves = shareMovements(r.categories).sort((x, y) => y.movement - x.movement);
  const byName = new Map(r.categories.map((c) => [c.name, c]));
  return [
    `<h2>Uncertainty</h2>`,
    `<p>${esc(describeIntervals(b))}. Each replicate is replayed and solved again. ${
      b.scale !== undefined
        ? 'The width factor is the one controlled shifts (validate --shift: a tokenizer trained on one half of each category, estimated from the other) needed to reach the level; a shift larger than between two halves of one source is not covered.'
        : 'They capture sampling error of the category samples, not a shift between them and the training data.'
    }</p>`,
    ...lines,
    table(
      [
        'category',
        ...b.merges.map((m) => `${m.toLocaleString('en-US')} merges`),
        'movement',
        'interval width',
      ],
      moves.map((m) => [
        m.name,
        ...(byName.get(m.name)?.byteShareByMerges ?? []).map((v) => formatPercent(v)),
        formatPercent(m.movement),
        formatPercent(m.width),
      ]),
      [false, ...b.merges.map(() => true), true, true],
    ),
  ].join('\n');
}

function inferPage(r: InferResult): string {
  const share = defaultShare(r);
  const chart = renderProportionsChartSync(r, { format: 'png', top: 25, share });
  const { top } = rankShares(r.categories, 'byte');
  const ciHeader = r.bootstrap ? [`${Math.round(r.bootstrap.level * 1000) / 10}% interval`] : [];
  const rows = top.map((c, i) => [
    i + 1,
    c.name,
    c.kind,
    c.language ?? '',
    c.script ?? '',
    formatPercent(c.byteShare),
    ...(r.bootstrap ? [c.byteShareCI ? formatInterval(c.byteShareCI) : ''] : []),
    c.byteShareRange ? `${formatPercent(c.byteShareRange[0])} – ${formatPercent(c.byteShareRange[1])}` : '',
    formatPercent(c.pairShare),
    c.bytes.toLocaleString('en-US'),
    c.pairs.toLocaleString('en-US'),
  ]);
  const worst = [...r.solver.unexplainedMerges].sort((a, b) => b.slack - a.slack).slice(0, 25);
  const body = [
    `<h2>Settings</h2>`,
    settings([
      ['tokenizer', r.tokenizer.name],
      ['source', r.tokenizer.source],
      ['format', r.tokenizer.format],
      ['alphabet', r.tokenizer.alphabet],
      [
        'merges used',
        `${r.tokenizer.mergesUsed} of ${r.tokenizer.mergesAvailable}` +
          (r.tokenizer.firstStep
            ? ` (steps ${r.tokenizer.firstStep}–${r.tokenizer.lastStep}; the ${r.tokenizer.firstStep} before them applied, not attacked)`
            : ''),
      ],
      ['category set', r.categorySet],
      ['categories', r.categories.length],
      ['solver', r.solver.backend],
      ['objective (total slack)', r.solver.objective],
      [
        'rounds / constraints / variables',
        `${r.solver.rounds} / ${r.solver.constraints} / ${r.solver.variables}`,
      ],
      [
        'time',
        `${r.solver.seconds.toFixed(1)} s (sweeps ${r.solver.sweepSeconds.toFixed(1)} s, LP ${r.solver.lpSeconds.toFixed(1)} s)`,
      ],
      ['options', r.options],
    ]),
    r.solver.unique
      ? ''
      : `<p class="note">The optimum is not unique${r.solver.note ? `: ${esc(r.solver.note.replace(/^optimum (is )?not unique:?\s*/i, ''))}` : ''}. The table shows each share's range over the optimal face where it was computed.</p>`,
    bootstrapSection(r),
    `<h2>Inferred mixture</h2>`,
    `<img alt="bar chart of the inferred ${share} share per category" src="${dataUri(chart)}">`,
    `<h2>All categories</h2>`,
    table(
      [
        '#',
        'category',
        'kind',
        'language',
        'script',
        'byte share',
        ...ciHeader,
        'range',
        'pair share',
        'bytes',
        'pairs',
      ],
      rows,
      [true, false, false, false, false, true, ...ciHeader.map(() => true), true, true, true, true],
    ),
    `<h2>Merges the categories explain worst</h2>`,
    worst.length === 0
      ? '<p>Every merge is explained: all step slacks are zero.</p>'
      : `<p>The merge steps whose slack v<sub>t</sub> is largest at the optimum: no mixture of the given categories makes these merges the most frequent pair. Large slacks point at training data the category set lacks.</p>` +
        table(
          ['step (0-based)', 'merge', 'slack'],
          worst.map((m) => [m.step, mergeText(m.merge), m.slack.toExponential(3)]),
          [true, false, true],
        ),
  ].join('\n');
  return page(
    `tokmix: ${r.tokenizer.name} — ${r.categorySet}`,
    `Data-mixture inference (Hayase et al., NeurIPS 2024) over the ${mergeRangeText(r.tokenizer)}`,
    body,
    `Made by ${esc(r.tool.name)} ${esc(r.tool.version)} on ${esc(r.createdAt)}. Chart fonts: ${esc(FONT_CREDITS.join(', '))}.`,
  );
}

function validationPage(v: ValidationResult): string {
  const chart = renderValidationChartSync(v, { format: 'png' });
  const rows = [...v.rows]
    .sort((a, b) => a.n - b.n || a.meanLog10Mse - b.meanLog10Mse)
    .map((r) => [r.n, r.method, r.trials, r.meanLog10Mse.toFixed(3), r.sdLog10Mse.toFixed(3)]);
  const methods = [...new Set(v.rows.map((r) => r.method))];
  const trials = v.trials.map((t) => [
    t.n,
    t.trial,
    t.seed,
    t.categories.join(', '),
    ...methods.map((m) => (t.log10Mse[m] === undefined ? '' : t.log10Mse[m].toFixed(3))),
  ]);
  const body = [
    `<h2>Settings</h2>`,
    settings([
      ['category set', v.set],
      ['methods', methods.join(', ')],
      ['options', v.options],
    ]),
    `<h2>Error by number of categories</h2>`,
    `<img alt="line chart of log10 MSE by number of categories, one line per method" src="${dataUri(chart)}">`,
    `<h2>Summary</h2>`,
    table(['n', 'method', 'trials', 'mean log10 MSE', 'sd'], rows, [true, false, true, true, true]),
    `<h2>Trials</h2>`,
    table(['n', 'trial', 'seed', 'categories', ...methods.map((m) => `log10 MSE ${m}`)], trials, [
      true,
      true,
      true,
      false,
      ...methods.map(() => true),
    ]),
  ].join('\n');
  return page(
    `tokmix validation — ${v.set}`,
    'Controlled mixtures: a tokenizer is trained on a known mixture and the attack is scored against the truth',
    body,
    `Made by ${esc(v.tool.name)} ${esc(v.tool.version)} on ${esc(v.createdAt)}. Chart fonts: ${esc(FONT_CREDITS.join(', '))}.`,
  );
}

/** The report page of an inference run or a validation, as one self-contained HTML string. */
export function reportHtml(result: InferResult | ValidationResult): string {
  return result.kind === 'tokmix-validation' ? validationPage(result) : inferPage(result);
}
