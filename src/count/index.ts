// The count module's public API: pre-token counts of category samples, on worker threads.
export { countCategories, type CountOptions } from './count.js';
export { encodeWordCounts, decodeWordCounts } from './word-counts-codec.js';
