import type { Pool } from 'pg';
import { ERROR_LEVELS } from '../../schemas/log-schemas.js';

/** A time range and optional services. */
export interface StatsRange {
  fromMs: number;
  toMs: number;
  services?: string[] | undefined;
}

/** Counts of one time bucket by level. */
export interface VolumeBucket {
  start: string;
  total: number;
  byLevel: Record<string, number>;
}

/** Errors against all events in one time bucket. */
export interface ErrorRateBucket {
  start: string;
  total: number;
  errors: number;
  rate: number | null;
}

/** One entry of a top list. */
export interface TopEntry {
  key: string;
  count: number;
}

/** Reads the PostgreSQL projections: stats_windowed rollups, and log_events for hosts and patterns (which the rollups do not carry). */
export class StatsStore {
  constructor(
    private readonly pool: Pool,
    /** The window size of the stats_windowed rows read (rows of other sizes would double count). */
    private readonly windowSizeMs: number,
  ) {}

  /** Event counts per bucket of `intervalMs` and level. */
  async volume(range: StatsRange, intervalMs: number): Promise<VolumeBucket[]> {
    const { rows } = await this.pool.query<{ bucket: Date; level: string; n: string }>(
      `SELECT date_bin(make_interval(secs => $1::double precision / 1000), window_start, TIMESTAMPTZ '1970-01-01') AS bucket, level, sum(count) AS n
       FROM stats_windowed
       WHERE window_size_ms = $2 AND window_start >= to_timestamp($3::double precision / 1000) AND window_start < to_timestamp($4::double precision / 1000)
         AND ($5::text[] IS NULL OR service = ANY($5))
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [intervalMs, this.windowSizeMs, range.fromMs, range.toMs, range.services ?? null],
    );
    const buckets = new Map<string, VolumeBucket>();
    for (const row of rows) {
      const start = row.bucket.toISOString();
      let bucket = buckets.get(start);
      if (bucket === undefined) {
        bucket = { start, total: 0, byLevel: {} };
        buckets.set(start, bucket);
      }
      const n = Number(row.n);
      bucket.byLevel[row.level] = n;
      bucket.total += n;
    }
    return [...buckets.values()];
  }

  /** Error share (ERROR and FATAL over all events) per bucket; rate is null for an empty bucket. */
  async errorRate(range: StatsRange, intervalMs: number): Promise<ErrorRateBucket[]> {
    return (await this.volume(range, intervalMs)).map((bucket) => {
      const errors = ERROR_LEVELS.reduce((sum, level) => sum + (bucket.byLevel[level] ?? 0), 0);
      return { start: bucket.start, total: bucket.total, errors, rate: bucket.total === 0 ? null : errors / bucket.total };
    });
  }

  /** The `limit` services with the most events (from the rollups). */
  async topServices(range: StatsRange, limit: number, levels: string[] | undefined): Promise<TopEntry[]> {
    const { rows } = await this.pool.query<{ key: string; n: string }>(
      `SELECT service AS key, sum(count) AS n FROM stats_windowed
       WHERE window_size_ms = $1 AND window_start >= to_timestamp($2::double precision / 1000) AND window_start < to_timestamp($3::double precision / 1000)
         AND ($4::text[] IS NULL OR service = ANY($4)) AND ($5::text[] IS NULL OR level = ANY($5))
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $6`,
      [this.windowSizeMs, range.fromMs, range.toMs, range.services ?? null, levels ?? null, limit],
    );
    return rows.map((row) => ({ key: row.key, count: Number(row.n) }));
  }

  /** The `limit` hosts or patterns with the most events (from log_events). */
  async topOf(column: 'host' | 'pattern_id', range: StatsRange, limit: number, levels: string[] | undefined): Promise<TopEntry[]> {
    // `column` comes from a two-value union, never from the request text.
    const name = column === 'host' ? 'host' : 'pattern_id';
    const { rows } = await this.pool.query<{ key: string; n: string }>(
      `SELECT ${name} AS key, count(*) AS n FROM log_events
       WHERE ts >= to_timestamp($1::double precision / 1000) AND ts < to_timestamp($2::double precision / 1000)
         AND ($3::text[] IS NULL OR service = ANY($3)) AND ($4::text[] IS NULL OR level = ANY($4)) AND ${name} IS NOT NULL
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $5`,
      [range.fromMs, range.toMs, range.services ?? null, levels ?? null, limit],
    );
    return rows.map((row) => ({ key: row.key, count: Number(row.n) }));
  }
}
