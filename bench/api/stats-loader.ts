/**
 * The bench database: created when missing, every migration applied (the API's tables and the
 * sinks' `stats_windowed`), and the stats rows of the bench period written in batches.
 */
import pg from 'pg';
import type { WindowedStat } from '../../schemas/log-schemas.js';
import { runMigrations } from '../../sinks/postgres/migrate.js';
import type { Logger } from '../../lib/logger.js';
import type { CorpusPeriod } from './log-corpus.js';

const BATCH_ROWS = 5000;

/** Creates the database named in `url` when it is missing (through the `postgres` database), then applies every migration. */
export async function prepareBenchDatabase(url: string, logger: Logger): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await runMigrations(pool, logger);
  } finally {
    await pool.end();
  }
}

/** Sum of the event counts of the `windowSizeMs` rows inside `period` (what the stats routes add up). */
export async function countStatsEvents(pool: pg.Pool, period: CorpusPeriod, windowSizeMs: number): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>(
    `SELECT sum(count) AS n FROM stats_windowed
     WHERE window_size_ms = $1 AND window_start >= to_timestamp($2::double precision / 1000) AND window_start < to_timestamp($3::double precision / 1000)`,
    [windowSizeMs, period.startMs, period.endMs],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Replaces the rows of `period` with `stats` (one transaction, batched multi-row inserts); returns the number of rows written. */
export async function writeStats(pool: pg.Pool, period: CorpusPeriod, stats: Iterable<WindowedStat>): Promise<number> {
  const client = await pool.connect();
  let written = 0;
  try {
    await client.query('BEGIN');
    await client.query(
      'DELETE FROM stats_windowed WHERE window_start >= to_timestamp($1::double precision / 1000) AND window_start < to_timestamp($2::double precision / 1000)',
      [period.startMs, period.endMs],
    );
    let batch: WindowedStat[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const column = <T>(pick: (stat: WindowedStat) => T): T[] => batch.map(pick);
      await client.query(
        `INSERT INTO stats_windowed (service, level, window_size_ms, window_start, window_end, count, latency_count, latency_sum_ms,
           latency_max_ms, latency_p50_ms, latency_p95_ms, latency_p99_ms, latency_sketch, emitted_at)
         SELECT s, l, w, to_timestamp(ws / 1000), to_timestamp(we / 1000), c, lc, ls, lmax, p50, p95, p99, NULL, to_timestamp(em / 1000)
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::double precision[], $5::double precision[], $6::bigint[], $7::bigint[],
           $8::double precision[], $9::double precision[], $10::double precision[], $11::double precision[], $12::double precision[], $13::double precision[])
           AS t(s, l, w, ws, we, c, lc, ls, lmax, p50, p95, p99, em)`,
        [
          column((s) => s.service),
          column((s) => s.level),
          column((s) => s.windowSizeMs),
          column((s) => s.windowStartMs),
          column((s) => s.windowEndMs),
          column((s) => s.count),
          column((s) => s.latencyCount),
          column((s) => s.latencySumMs),
          column((s) => s.latencyMaxMs),
          column((s) => s.latencyP50Ms),
          column((s) => s.latencyP95Ms),
          column((s) => s.latencyP99Ms),
          column((s) => s.emittedAtMs),
        ],
      );
      written += batch.length;
      batch = [];
    };
    for (const stat of stats) {
      batch.push(stat);
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    await client.query('COMMIT');
    // Fresh planner statistics, as autovacuum would have after a day of the sink writing.
    await client.query('ANALYZE stats_windowed');
    return written;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
