/**
 * The `stats_windowed` writer (sink name `postgres-stats`): upserts one row per window key. A
 * window emitted again (a late record updated it) replaces the row only when its emission is
 * newer, so replaying old emissions never rolls a count back. Within a batch only the newest
 * emission of each key is sent (PostgreSQL refuses to upsert one row twice in a statement).
 */
import type { Logger } from '../../lib/logger.js';
import { InvalidInputError } from '../../lib/errors.js';
import type { WindowedStat } from '../../schemas/log-schemas.js';
import type { SinkItemResult, SinkRecord, SinkWriter } from '../runner/sink-writer.js';
import { checkPostgresStore } from './health-check.js';
import { isoTimestamp } from './log-row.js';
import { classifyPgError } from './pg-errors.js';
import type { PostgresStore } from './postgres-store.js';
import { indexedText } from './text-encoding.js';

/** Options of createStatsWriter. */
export interface StatsWriterOptions {
  readonly store: PostgresStore;
  readonly logger: Logger;
  /** Sink name; default `postgres-stats`. */
  readonly name?: string;
}

interface StatRow {
  key: string;
  service: string;
  level: string;
  windowSizeMs: number;
  windowStart: string;
  windowEnd: string;
  emittedAtMs: number;
  emittedAt: string;
  stat: WindowedStat;
}

function finiteOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}

function toStatRow(stat: WindowedStat): StatRow {
  if (!Number.isSafeInteger(stat.windowSizeMs) || stat.windowSizeMs <= 0) throw new InvalidInputError(`windowSizeMs ${String(stat.windowSizeMs)} is not a positive integer`, 'bad windowSizeMs');
  const service = indexedText(stat.service);
  const level = indexedText(stat.level);
  const windowStart = isoTimestamp(stat.windowStartMs, 'windowStartMs');
  return {
    key: JSON.stringify([service, level, stat.windowSizeMs, windowStart]),
    service,
    level,
    windowSizeMs: stat.windowSizeMs,
    windowStart,
    windowEnd: isoTimestamp(stat.windowEndMs, 'windowEndMs'),
    emittedAtMs: stat.emittedAtMs,
    emittedAt: isoTimestamp(stat.emittedAtMs, 'emittedAtMs'),
    stat,
  };
}

/** Returns the `stats_windowed` writer; it takes a reference on `store` and releases it on close. */
export function createStatsWriter({ store, logger, name = 'postgres-stats' }: StatsWriterOptions): SinkWriter<WindowedStat> {
  store.retain();
  const log = logger.child({ writer: name });
  return {
    name,
    start: () => store.prepare(),
    async write(records: readonly SinkRecord<WindowedStat>[]): Promise<SinkItemResult[]> {
      const results: (SinkItemResult | undefined)[] = new Array(records.length);
      // Newest emission per key wins; on equal emission times the later record does.
      const newest = new Map<string, { row: StatRow; index: number }>();
      records.forEach((record, i) => {
        let row: StatRow;
        try {
          row = toStatRow(record.value);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          results[i] = { status: 'rejected', reason: error.message };
          return;
        }
        const seen = newest.get(row.key);
        if (seen !== undefined && seen.row.emittedAtMs > row.emittedAtMs) {
          results[i] = { status: 'duplicate' };
          return;
        }
        if (seen !== undefined) results[seen.index] = { status: 'duplicate' };
        newest.set(row.key, { row, index: i });
      });
      const rows = [...newest.values()];
      if (rows.length === 0) return results as SinkItemResult[];
      let written: Set<string>;
      try {
        const { rows: changed } = await store.pool.query<{ service: string; level: string; window_size_ms: string; window_start: Date }>(
          `INSERT INTO stats_windowed AS s (service, level, window_size_ms, window_start, window_end, count, latency_count, latency_sum_ms,
             latency_max_ms, latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_sketch, emitted_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::timestamptz[], $5::timestamptz[], $6::int8[], $7::int8[], $8::float8[],
             $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::bytea[], $14::timestamptz[])
           ON CONFLICT (service, level, window_size_ms, window_start) DO UPDATE SET
             window_end = EXCLUDED.window_end, count = EXCLUDED.count, latency_count = EXCLUDED.latency_count,
             latency_sum_ms = EXCLUDED.latency_sum_ms, latency_max_ms = EXCLUDED.latency_max_ms, latency_p50_ms = EXCLUDED.latency_p50_ms,
             latency_p95_ms = EXCLUDED.latency_p95_ms, latency_p99_ms = EXCLUDED.latency_p99_ms, latency_sketch = EXCLUDED.latency_sketch,
             emitted_at = EXCLUDED.emitted_at
           WHERE s.emitted_at < EXCLUDED.emitted_at
           RETURNING service, level, window_size_ms, window_start`,
          [
            rows.map(({ row }) => row.service),
            rows.map(({ row }) => row.level),
            rows.map(({ row }) => row.windowSizeMs),
            rows.map(({ row }) => row.windowStart),
            rows.map(({ row }) => row.windowEnd),
            rows.map(({ row }) => row.stat.count),
            rows.map(({ row }) => row.stat.latencyCount),
            rows.map(({ row }) => (Number.isFinite(row.stat.latencySumMs) ? row.stat.latencySumMs : 0)),
            rows.map(({ row }) => finiteOrNull(row.stat.latencyMaxMs)),
            rows.map(({ row }) => finiteOrNull(row.stat.latencyP50Ms)),
            rows.map(({ row }) => finiteOrNull(row.stat.latencyP95Ms)),
            rows.map(({ row }) => finiteOrNull(row.stat.latencyP99Ms)),
            rows.map(({ row }) => row.stat.latencySketch),
            rows.map(({ row }) => row.emittedAt),
          ],
        );
        written = new Set(changed.map((row) => JSON.stringify([row.service, row.level, Number(row.window_size_ms), row.window_start.toISOString()])));
      } catch (error) {
        throw classifyPgError(error, `upserting ${rows.length} windowed stats`);
      }
      for (const { row, index } of rows) results[index] = { status: written.has(row.key) ? 'stored' : 'duplicate' };
      log.debug({ rows: rows.length, changed: written.size }, 'windowed stats upserted');
      return results as SinkItemResult[];
    },
    checkReady: () => checkPostgresStore(store),
    close: () => store.release(),
  };
}
