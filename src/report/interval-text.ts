// How a result's intervals were made, in one sentence: the summary, report.html and the charts'
// captions say the same thing, including the calibration that scales them.
import type { BootstrapInfo } from './result.js';

/** "90% intervals from 8 replicates (…), 12.3 s", or the older percentile form. */
export function describeIntervals(b: BootstrapInfo): string {
  const level = `${Math.round(b.level * 1000) / 10}%`;
  const seconds = b.cached ? `cached (computed in ${b.seconds.toFixed(1)} s)` : `${b.seconds.toFixed(1)} s`;
  const chunks = /^chunks(\d+)/.exec(b.method)?.[1];
  if (b.form !== 'normal' || chunks === undefined) {
    return `${level} ${b.method} intervals from ${b.replicates} bootstrap replicates, ${seconds}`;
  }
  const twice = b.method.includes('-x2') ? ' twice (the training text and the sample are both draws)' : '';
  const kinds = Object.entries(b.scaleByKind ?? {}).map(([kind, f]) => `×${f} for ${kind}s`);
  const scale =
    b.scale !== undefined && b.scale !== 1
      ? `, scaled ${[...kinds, `×${b.scale}${kinds.length > 0 ? ' for the rest' : ''}`].join(', ')} (calibrated on validate --shift)`
      : '';
  const held = b.method.includes('-held') ? ", each re-solving the point's held rows" : '';
  return `${level} intervals from ${b.replicates} replicates: ${chunks} chunks of each sample resampled${twice}${held}, point ± t × sd${scale}; ${seconds}`;
}
