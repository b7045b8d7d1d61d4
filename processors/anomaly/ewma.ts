/**
 * An exponentially weighted moving mean and variance (West's incremental form): the baseline of the
 * ERROR_SPIKE and LATENCY_ANOMALY rules. `alpha` is the weight of the newest value.
 */

/** Baseline state as stored: how many values were folded in, their EWMA mean and variance. */
export interface Ewma {
  n: number;
  mean: number;
  variance: number;
}

/** An empty baseline. */
export function emptyEwma(): Ewma {
  return { n: 0, mean: 0, variance: 0 };
}

/** Folds `value` into `ewma` (mutated): the first value sets the mean with zero variance. */
export function updateEwma(ewma: Ewma, value: number, alpha: number): void {
  if (ewma.n === 0) {
    ewma.mean = value;
    ewma.variance = 0;
  } else {
    const diff = value - ewma.mean;
    const increment = alpha * diff;
    ewma.mean += increment;
    ewma.variance = (1 - alpha) * (ewma.variance + diff * increment);
  }
  ewma.n += 1;
}

/** The baseline's standard deviation. */
export function ewmaStdDev(ewma: Ewma): number {
  return Math.sqrt(Math.max(0, ewma.variance));
}
