// The summary line of `infer` for the training size (solve/training-size.ts): the estimate, the
// bound or why there is none, with the trainer family it assumed.
import type { TrainingSize } from '../solve/training-size.js';
import { formatBytes } from './byte-size.js';

export function describeTrainingSize(size: TrainingSize): string {
  const assumed = `trainer assumed: ${size.family}`;
  if (size.status === 'estimate') {
    const [low, high] = size.interval!;
    return `training size: about ${formatBytes(size.bytes!)} (${formatBytes(low)}–${formatBytes(high)}) at the estimated mixture, from ${size.descents} tie-break descents after step ${size.steps!.tieRegimeStart} (${assumed})`;
  }
  if (size.status === 'lower-bound') {
    const floor = size.countFloor
      ? `; merge #${size.countFloor.step} was made from a pair seen at least ${size.countFloor.count} times`
      : '';
    return size.lowerBound! > 0
      ? `training size: at least ${formatBytes(size.lowerBound!)} at the estimated mixture (${size.reason}${floor}; ${assumed})`
      : `training size: no bound (${size.reason}${floor}; ${assumed})`;
  }
  return `training size: ${size.reason}`;
}
