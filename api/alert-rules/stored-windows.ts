import type { Pool } from 'pg';
import { ERROR_LEVELS, type LogLevel } from '../../schemas/log-schemas.js';
import { LatencySketch } from '../../processors/stats/latency-sketch.js';
import type { ServiceWindow } from '../../processors/stats/service-window.js';
import { badRequest } from '../http/api-error.js';

interface StatRow {
  service: string;
  level: LogLevel;
  start_ms: string;
  count: string;
  latency_count: string;
  latency_sum_ms: number;
  latency_max_ms: number | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  latency_sketch: Buffer | null;
}

/**
 * Rebuilds the ServiceWindows window-count emitted from the stats_windowed rows (one per level) of
 * `windowSizeMs` since `fromMs`. Latency quantiles over all levels come from merging the stored
 * sketches; rows without a sketch fall back to the highest per-level quantile (an upper bound).
 * Sample lines are not stored, so windows carry none. Refuses (400) more than `maxRows` rows.
 */
export async function loadStoredWindows(pool: Pool, options: { windowSizeMs: number; fromMs: number; toMs: number; service: string | null; maxRows: number }): Promise<ServiceWindow[]> {
  const { rows } = await pool.query<StatRow>(
    `SELECT service, level, (extract(epoch FROM window_start) * 1000)::bigint AS start_ms, count, latency_count, latency_sum_ms, latency_max_ms,
            latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_sketch
     FROM stats_windowed
     WHERE window_size_ms = $1 AND window_start >= to_timestamp($2::double precision / 1000) AND window_start < to_timestamp($3::double precision / 1000)
       AND ($4::text IS NULL OR service = $4)
     ORDER BY service, window_start LIMIT $5`,
    [options.windowSizeMs, options.fromMs, options.toMs, options.service, options.maxRows + 1],
  );
  if (rows.length > options.maxRows) throw badRequest('too much history for one backtest', [{ path: 'body.hours', message: `more than ${options.maxRows} stored rows; shorten the range` }]);
  const windows = new Map<string, { window: ServiceWindow; sketch: LatencySketch | undefined; fallback: boolean }>();
  for (const row of rows) {
    const startMs = Number(row.start_ms);
    const key = `${row.service}\u0000${startMs}`;
    let entry = windows.get(key);
    if (entry === undefined) {
      entry = {
        window: { service: row.service, windowSizeMs: options.windowSizeMs, windowStartMs: startMs, windowEndMs: startMs + options.windowSizeMs, count: 0, errorCount: 0, countsByLevel: {}, latency: null, lastIngestMs: startMs + options.windowSizeMs, samples: { errors: [], slowest: [], first: [] } },
        sketch: undefined,
        fallback: false,
      };
      windows.set(key, entry);
    }
    const count = Number(row.count);
    const w = entry.window;
    w.count += count;
    if (ERROR_LEVELS.includes(row.level)) w.errorCount += count;
    w.countsByLevel[row.level] = (w.countsByLevel[row.level] ?? 0) + count;
    const latencyCount = Number(row.latency_count);
    if (latencyCount === 0) continue;
    const latency = (w.latency ??= { count: 0, sumMs: 0, maxMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 });
    latency.count += latencyCount;
    latency.sumMs += row.latency_sum_ms;
    latency.maxMs = Math.max(latency.maxMs, row.latency_max_ms ?? 0);
    let merged = false;
    if (row.latency_sketch !== null && !entry.fallback) {
      try {
        const sketch = LatencySketch.fromBytes(row.latency_sketch);
        if (entry.sketch === undefined) entry.sketch = sketch;
        else entry.sketch.merge(sketch);
        merged = true;
      } catch {
        merged = false;
      }
    }
    if (!merged) {
      entry.fallback = true;
      latency.p50Ms = Math.max(latency.p50Ms, row.latency_p50_ms ?? 0);
      latency.p95Ms = Math.max(latency.p95Ms, row.latency_p95_ms ?? 0);
      latency.p99Ms = Math.max(latency.p99Ms, row.latency_p99_ms ?? 0);
    }
  }
  for (const entry of windows.values()) {
    if (entry.fallback || entry.sketch === undefined || entry.window.latency === null) continue;
    const q = entry.sketch.quantiles();
    if (q !== undefined) Object.assign(entry.window.latency, q);
  }
  return [...windows.values()].map((entry) => entry.window);
}
