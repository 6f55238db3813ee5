// Draws one chart.js chart headless on @napi-rs/canvas, as PNG or as SVG from the same chart
// definition. SVG glyphs are outlines (Skia's SVG <text> loses ligatures and shaping); every
// string drawn is also written as an invisible <text> layer, so labels stay searchable.
import { createCanvas, SvgExportFlag } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartItem, type Plugin } from 'chart.js';
import type { FontStack } from './fonts.js';

export type ChartFormat = 'png' | 'svg';

let registered = false;

function ensureRegistered(): void {
  if (registered) return;
  Chart.register(...registerables);
  registered = true;
}

/** Paints the page white before anything else (PNG has no background otherwise). */
const whiteBackground: Plugin = {
  id: 'tokmixBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

export interface RenderOptions {
  width: number;
  height: number;
  format: ChartFormat;
  fonts: FontStack;
  /** Pixels per chart unit in PNG output (2 gives a sharp figure for papers and slides). */
  scale?: number;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface DrawnText {
  text: string;
  x: number;
  y: number;
  matrix: [number, number, number, number, number, number];
  size: number;
  align: string;
  baseline: string;
}

type TextContext = {
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
  getTransform(): { a: number; b: number; c: number; d: number; e: number; f: number };
  font: string;
  textAlign: string;
  textBaseline: string;
};

/** Wraps a context's fillText so that every string drawn is recorded with its position. */
function recordText(ctx: TextContext): DrawnText[] {
  const drawn: DrawnText[] = [];
  const fillText = ctx.fillText.bind(ctx);
  ctx.fillText = (text: string, x: number, y: number, maxWidth?: number) => {
    const m = ctx.getTransform();
    drawn.push({
      text: String(text),
      x,
      y,
      matrix: [m.a, m.b, m.c, m.d, m.e, m.f],
      size: Number(/([\d.]+)px/.exec(ctx.font)?.[1] ?? 12),
      align: ctx.textAlign,
      baseline: ctx.textBaseline,
    });
    if (maxWidth === undefined) fillText(text, x, y);
    else fillText(text, x, y, maxWidth);
  };
  return drawn;
}

const ANCHORS: Record<string, string> = { center: 'middle', right: 'end', end: 'end' };
const BASELINES: Record<string, string> = {
  middle: 'central',
  top: 'text-before-edge',
  hanging: 'hanging',
  bottom: 'text-after-edge',
};

/** The recorded strings as one transparent, selectable <text> layer on top of the outlines. */
function textLayer(drawn: DrawnText[], fonts: FontStack): string {
  const families = escapeXml(`${[...new Set(fonts.svgFamilies.values())].join(', ')}, sans-serif`);
  const items = drawn
    .filter((t) => t.text.trim() !== '')
    .map((t) => {
      const round = (v: number) => Number(v.toFixed(3));
      const anchor = ANCHORS[t.align] ? ` text-anchor="${ANCHORS[t.align]}"` : '';
      const baseline = BASELINES[t.baseline] ? ` dominant-baseline="${BASELINES[t.baseline]}"` : '';
      return (
        `<text transform="matrix(${t.matrix.map(round).join(' ')})" x="${round(t.x)}" y="${round(t.y)}" ` +
        `font-size="${t.size}"${anchor}${baseline}>${escapeXml(t.text)}</text>`
      );
    });
  return `<g id="text-layer" fill="#000" fill-opacity="0" font-family="${families}">${items.join('')}</g>`;
}

/** Renders a chart.js configuration (animations and responsiveness are turned off here). */
export async function renderChart(config: ChartConfiguration, options: RenderOptions): Promise<Buffer> {
  return renderChartSync(config, options);
}

/** The same, synchronously (chart.js draws at once when animations are off). */
export function renderChartSync(config: ChartConfiguration, options: RenderOptions): Buffer {
  ensureRegistered();
  const scale = options.format === 'png' ? (options.scale ?? 2) : 1;
  const full: ChartConfiguration = {
    ...config,
    options: {
      ...config.options,
      responsive: false,
      maintainAspectRatio: false,
      animation: false,
      devicePixelRatio: scale,
    },
    plugins: [...(config.plugins ?? []), whiteBackground],
  };
  Chart.defaults.font.family = options.fonts.family;
  Chart.defaults.color = '#222222';

  if (options.format === 'png') {
    const canvas = createCanvas(options.width, options.height);
    const ctx = canvas.getContext('2d');
    ctx.lang = 'en';
    const chart = new Chart(ctx as unknown as ChartItem, full);
    try {
      return canvas.toBuffer('image/png');
    } finally {
      chart.destroy();
    }
  }
  // The binding takes one flag, not a combination.
  const canvas = createCanvas(options.width, options.height, SvgExportFlag.ConvertTextToPaths);
  const ctx = canvas.getContext('2d');
  ctx.lang = 'en';
  const drawn = recordText(ctx as unknown as TextContext);
  const chart = new Chart(ctx as unknown as ChartItem, full);
  try {
    const svg = canvas.getContent().toString('utf8');
    const close = svg.lastIndexOf('</svg>');
    if (close < 0) throw new Error('the SVG canvas returned no </svg> element');
    return Buffer.from(`${svg.slice(0, close)}${textLayer(drawn, options.fonts)}\n</svg>\n`, 'utf8');
  } finally {
    chart.destroy();
  }
}
