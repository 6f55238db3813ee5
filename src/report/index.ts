// The report module's public API: result schemas, CSV tables, charts and the report page.
export * from './result.js';
export * from './shares.js';
export * from './csv.js';
export { FONT_CREDITS, canDraw, drawableLabel } from './fonts.js';
export type { ChartFormat } from './render.js';
export * from './proportions-chart.js';
export * from './groups.js';
export * from './comparison-chart.js';
export * from './validation-chart.js';
export * from './load.js';
export * from './html.js';
export * from './plot.js';
export * from './result-files.js';
