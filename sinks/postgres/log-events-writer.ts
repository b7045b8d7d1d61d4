/**
 * The `log_events` writer (sink name `postgres-logs`): one transaction per batch. With `copy`
 * the batch is first COPYed straight into log_events; when that hits an event already stored,
 * the batch is COPYed into a per-connection temporary staging table and inserted with ON CONFLICT
 * DO NOTHING instead. With `unnest` it is one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO
 * NOTHING. Either way a redelivered or replayed event is a duplicate, never a second row. The partitions of the batch's days are created first, so rows never pile up in DEFAULT.
 */
import type { PoolClient } from 'pg';
import { InvalidInputError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import type { SinkItemResult, SinkRecord, SinkWriter } from '../runner/sink-writer.js';
import { copyFrom } from './copy-from-query.js';
import { columnArrays, copyText, LOG_COLUMNS, toLogRow, type LogRow } from './log-row.js';
import { dayOf } from './partition-manager.js';
import { classifyPgError, sqlState } from './pg-errors.js';
import type { PostgresStore } from './postgres-store.js';
import { checkPostgresStore } from './health-check.js';

const STAGING = 'log_events_staging';
const UNIQUE_VIOLATION = '23505';

/** Options of createLogEventsWriter. */
export interface LogEventsWriterOptions {
  readonly store: PostgresStore;
  readonly logger: Logger;
  /** Sink name; default `postgres-logs`. */
  readonly name?: string;
}

/** Returns the `log_events` writer; it takes a reference on `store` and releases it on close. */
export function createLogEventsWriter({ store, logger, name = 'postgres-logs' }: LogEventsWriterOptions): SinkWriter<EnrichedLogEvent> {
  const log = logger.child({ writer: name });
  // Temporary tables live per connection; remember which pooled connections have theirs.
  const staged = new WeakSet<PoolClient>();
  store.retain();

  const load = async (client: PoolClient, rows: readonly LogRow[]): Promise<string[]> => {
    if (store.config.loadMethod === 'copy') {
      const data = copyText(rows);
      // Optimistic path: almost every batch is new, and a plain COPY into log_events is as fast as
      // PostgreSQL loads. A batch holding an already stored event (a redelivery after a crash, a
      // replay) fails on the primary key; it is then loaded through the deduplicating staging path.
      await client.query('SAVEPOINT sawmill_direct_copy');
      try {
        await copyFrom(client, `log_events (${LOG_COLUMNS})`, data);
        return rows.map((row) => row.eventId);
      } catch (error) {
        if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
        await client.query('ROLLBACK TO SAVEPOINT sawmill_direct_copy');
      }
      if (!staged.has(client)) {
        await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (LIKE log_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
        staged.add(client);
      }
      await copyFrom(client, `${STAGING} (${LOG_COLUMNS})`, data);
      const { rows: inserted } = await client.query<{ event_id: string }>(
        `INSERT INTO log_events (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM ${STAGING} ON CONFLICT DO NOTHING RETURNING event_id`,
      );
      return inserted.map((row) => row.event_id);
    }
    const { rows: inserted } = await client.query<{ event_id: string }>(
      `INSERT INTO log_events (${LOG_COLUMNS})
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::text[], $10::timestamptz[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      columnArrays(rows),
    );
    return inserted.map((row) => row.event_id);
  };

  return {
    name,
    async start() {
      await store.prepare();
    },
    async write(records: readonly SinkRecord<EnrichedLogEvent>[]): Promise<SinkItemResult[]> {
      const results: (SinkItemResult | undefined)[] = new Array(records.length);
      const rows: LogRow[] = [];
      const positions: number[] = [];
      records.forEach((record, i) => {
        try {
          rows.push(toLogRow(record.value, store.config.indexPrefix));
          positions.push(i);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          results[i] = { status: 'rejected', reason: error.message };
        }
      });
      if (rows.length > 0) {
        await store.partitions.ensure(new Set(rows.map((row) => dayOf(row.tsMs))));
        const client = await store.connect();
        let broken: Error | undefined;
        let inserted: string[];
        try {
          await client.query('BEGIN');
          inserted = await load(client, rows);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const classified = classifyPgError(error, `writing ${rows.length} log rows`);
          // A connection that failed mid-protocol is not reused; one that refused data is fine.
          if (classified.retriable) broken = classified;
          throw classified;
        } finally {
          client.release(broken);
        }
        // Each returned id claims one row of the batch; the rest were already stored.
        const fresh = new Map<string, number>();
        for (const id of inserted) fresh.set(id, (fresh.get(id) ?? 0) + 1);
        rows.forEach((row, j) => {
          const left = fresh.get(row.eventId) ?? 0;
          if (left > 0) fresh.set(row.eventId, left - 1);
          results[positions[j]!] = { status: left > 0 ? 'stored' : 'duplicate' };
        });
        log.debug({ rows: rows.length, inserted: inserted.length }, 'log rows written');
      }
      return results as SinkItemResult[];
    },
    checkReady() {
      return checkPostgresStore(store);
    },
    close() {
      return store.release();
    },
  };
}
