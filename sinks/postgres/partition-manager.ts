/**
 * Daily partitions of `log_events`: created ahead of time (today and `daysAhead` days after), on
 * demand for a batch whose day has none (within the retention window and up to `daysAhead` days
 * ahead; anything further lands in the DEFAULT partition, so a hostile timestamp cannot make us
 * create thousands of tables), and dropped once their day is older than `retentionDays`.
 */
import type { Pool } from 'pg';
import type { Logger } from '../../lib/logger.js';
import { classifyPgError, sqlState } from './pg-errors.js';

const DAY_MS = 86_400_000;

/** Options of PartitionManager. */
export interface PartitionManagerOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** Partitions kept ready after today. */
  readonly daysAhead: number;
  /** Days of data kept; partitions of older days are dropped. */
  readonly retentionDays: number;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
}

/** The UTC day (ms at midnight) of a timestamp. */
export function dayOf(timestampMs: number): number {
  return Math.floor(timestampMs / DAY_MS) * DAY_MS;
}

/** `log_events_pYYYYMMDD` for the UTC day starting at `dayMs`. */
export function partitionName(dayMs: number): string {
  return `log_events_p${new Date(dayMs).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** See the file comment. */
export class PartitionManager {
  private readonly known = new Set<number>();
  private readonly now: () => number;

  constructor(private readonly options: PartitionManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True when a row of day `dayMs` gets its own partition (else it goes to DEFAULT). */
  inWindow(dayMs: number): boolean {
    const today = dayOf(this.now());
    return dayMs >= today - this.options.retentionDays * DAY_MS && dayMs <= today + this.options.daysAhead * DAY_MS;
  }

  /** Makes sure the partition of every in-window day of `daysMs` exists; throws a classified error. */
  async ensure(daysMs: Iterable<number>): Promise<void> {
    for (const day of daysMs) {
      if (this.known.has(day) || !this.inWindow(day)) continue;
      await this.create(day);
      this.known.add(day);
    }
  }

  /** Creates today's partition and `daysAhead` more, then drops expired ones; returns what it did. */
  async maintain(): Promise<{ created: string[]; dropped: string[] }> {
    const today = dayOf(this.now());
    const created: string[] = [];
    for (let i = 0; i <= this.options.daysAhead; i += 1) {
      const day = today + i * DAY_MS;
      if (this.known.has(day)) continue;
      if (await this.create(day)) created.push(partitionName(day));
      this.known.add(day);
    }
    const dropped = await this.dropExpired(today - this.options.retentionDays * DAY_MS);
    if (created.length > 0 || dropped.length > 0) this.options.logger.info({ created, dropped }, 'log_events partitions maintained');
    return { created, dropped };
  }

  /** Creates the partition of `day`; returns false when it existed. Rows of that day already in DEFAULT are moved into it. */
  private async create(day: number): Promise<boolean> {
    const name = partitionName(day);
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    const client = await this.options.pool.connect().catch((error: unknown) => {
      throw classifyPgError(error, `creating partition ${name}`);
    });
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_class WHERE relname = $1 AND relkind = $2', [name, 'r']);
      if (rowCount !== 0) return false;
      try {
        await client.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF log_events FOR VALUES FROM ('${from}') TO ('${to}')`);
        return true;
      } catch (error) {
        const state = sqlState(error);
        // Another process created it between our check and our CREATE.
        if (state === '42P07' || state === '23505') return false;
        // 23514: DEFAULT already holds rows of this day (they arrived when it was out of the window).
        if (state !== '23514') throw error;
      }
      await client.query('BEGIN');
      try {
        await client.query(`CREATE TABLE ${name} (LIKE log_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await client.query(
          `WITH moved AS (DELETE FROM log_events_default WHERE ts >= $1 AND ts < $2 RETURNING *) INSERT INTO ${name} SELECT * FROM moved`,
          [from, to],
        );
        await client.query(`ALTER TABLE log_events ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
        await client.query('COMMIT');
        this.options.logger.info({ partition: name }, 'partition created from rows held in the DEFAULT partition');
        return true;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } catch (error) {
      throw classifyPgError(error, `creating partition ${name}`);
    } finally {
      client.release();
    }
  }

  /** Drops daily partitions whose whole day is before `cutoffDay`, and deletes such rows from DEFAULT. */
  private async dropExpired(cutoffDay: number): Promise<string[]> {
    try {
      const { rows } = await this.options.pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = 'log_events' AND c.relname ~ '^log_events_p[0-9]{8}$'`,
      );
      const dropped: string[] = [];
      for (const { name } of rows) {
        const digits = name.slice('log_events_p'.length);
        const day = Date.UTC(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)) - 1, Number(digits.slice(6, 8)));
        if (day + DAY_MS > cutoffDay) continue;
        await this.options.pool.query(`DROP TABLE IF EXISTS ${name}`);
        this.known.delete(day);
        dropped.push(name);
      }
      await this.options.pool.query('DELETE FROM log_events_default WHERE ts < $1', [new Date(cutoffDay).toISOString()]);
      return dropped;
    } catch (error) {
      throw classifyPgError(error, 'dropping expired partitions');
    }
  }
}
