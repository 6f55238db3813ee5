// How an estimate is scored against the truth: mean squared error over categories (as the paper's
// Table 1), its log10, and the mean ± standard deviation of log10 MSE over trials.

/** Mean over categories of the squared difference between estimated and true shares. */
export function meanSquaredError(truth: readonly number[], estimate: readonly number[]): number {
  if (truth.length !== estimate.length || truth.length === 0) {
    throw new RangeError(
      `MSE needs two equally long non-empty vectors (got ${truth.length} and ${estimate.length})`,
    );
  }
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (estimate[i] - truth[i]) ** 2;
  return sum / truth.length;
}

/** log10 of the MSE, floored at 1e-30 so an exact estimate stays a finite number. */
export function log10Mse(truth: readonly number[], estimate: readonly number[]): number {
  return Math.log10(Math.max(meanSquaredError(truth, estimate), 1e-30));
}

/** Mean and population standard deviation (numpy's default, as the paper's notebook). */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) return { mean: NaN, sd: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, sd: Math.sqrt(variance) };
}

/** Scales non-negative weights to sum to 1 (all-zero weights become uniform). */
export function normalizeShares(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return weights.map(() => 1 / weights.length);
  return weights.map((w) => w / total);
}
