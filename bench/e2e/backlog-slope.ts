/** How fast the end-to-end backlog grows: the test of "bounded lag" for one step. */

/** One backlog sample: seconds since the step started, lines written but not yet in both stores. */
export interface BacklogSample {
  readonly t: number;
  readonly backlog: number;
}

/** Least-squares slope (lines/s) of backlog over time; 0 with fewer than two distinct times. */
export function leastSquaresSlope(samples: readonly BacklogSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((sum, s) => sum + s.t, 0) / n;
  const meanB = samples.reduce((sum, s) => sum + s.backlog, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - meanT) * (s.backlog - meanB);
    den += (s.t - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Slope over the second half of the step (t >= stepSeconds / 2): the first half is the pipeline
 * filling up (a backlog of a few batches is normal), the second half shows whether it keeps up.
 */
export function secondHalfSlope(samples: readonly BacklogSample[], stepSeconds: number): number {
  return leastSquaresSlope(samples.filter((s) => s.t >= stepSeconds / 2 && s.t <= stepSeconds));
}
