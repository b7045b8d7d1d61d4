/**
 * Turns the stats API's buckets into the column arrays uPlot draws. Stacking is done here, not in
 * the chart: each level's series holds the running total of itself and every level below it, and
 * the series are drawn from the largest total down so each fill covers only its own band.
 */

/** Severity order, bottom of the stack first (errors sit on the baseline where they are easy to see). */
export const LEVEL_STACK_ORDER = ['FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG', 'TRACE', 'UNKNOWN'] as const;

/** A volume bucket as /api/v1/stats/volume returns it. */
export interface VolumeBucket {
  readonly start: string;
  readonly total: number;
  readonly byLevel: Readonly<Record<string, number>>;
}

/** Columns for a stacked chart: x in seconds, then per level (drawing order) the raw and stacked values. */
export interface StackedColumns {
  readonly x: number[];
  /** Levels in drawing order (largest stack first). */
  readonly levels: string[];
  readonly raw: number[][];
  readonly stacked: number[][];
}

/** Stacks `buckets` by level; levels absent from every bucket are left out, empty bucket slots count 0. */
export function stackVolume(buckets: readonly VolumeBucket[]): StackedColumns {
  const sorted = [...buckets].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const present = new Set(sorted.flatMap((bucket) => Object.keys(bucket.byLevel)));
  const known: readonly string[] = LEVEL_STACK_ORDER;
  const bottomUp = [...LEVEL_STACK_ORDER.filter((level) => present.has(level)), ...[...present].filter((level) => !known.includes(level)).sort()];
  const raw = bottomUp.map((level) => sorted.map((bucket) => bucket.byLevel[level] ?? 0));
  const stacked: number[][] = [];
  raw.forEach((values, i) => stacked.push(values.map((value, j) => value + (i === 0 ? 0 : stacked[i - 1]![j]!))));
  return {
    x: sorted.map((bucket) => Date.parse(bucket.start) / 1000),
    levels: [...bottomUp].reverse(),
    raw: [...raw].reverse(),
    stacked: [...stacked].reverse(),
  };
}
