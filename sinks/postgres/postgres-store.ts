/**
 * What the three PostgreSQL writers share: one connection pool, the migrations (applied once, at
 * the first writer's start) and the partition maintenance timer. Closed when the last writer
 * closes.
 */
import type { Pool, PoolClient } from 'pg';
import { createPgPool } from '../../lib/postgres.js';
import type { Logger } from '../../lib/logger.js';
import { runMigrations } from './migrate.js';
import { classifyPgError } from './pg-errors.js';
import { PartitionManager } from './partition-manager.js';
import type { PostgresSinkConfig } from './config.js';

/** The shared PostgreSQL side of the sink. */
export interface PostgresStore {
  readonly pool: Pool;
  readonly partitions: PartitionManager;
  readonly config: PostgresSinkConfig;
  /** Applies migrations and creates partitions ahead (once; again after a failure); throws a classified error. */
  prepare(): Promise<void>;
  /** Checks a connection out, classifying a failure to connect as retriable. */
  connect(): Promise<PoolClient>;
  /** Takes one reference (each writer takes one). */
  retain(): void;
  /** Drops one reference; the pool ends with the last. */
  release(): Promise<void>;
}

/** Options of createPostgresStore. */
export interface PostgresStoreOptions {
  readonly config: PostgresSinkConfig;
  readonly logger: Logger;
  /** `application_name` of the connections, so operators (and tests) can find them in pg_stat_activity. */
  readonly applicationName?: string;
}

/** Creates the pool (no connection yet) and the partition manager. Throws ConfigError on a bad URL. */
export function createPostgresStore({ config, logger, applicationName = 'sawmill-sink-postgres' }: PostgresStoreOptions): PostgresStore {
  const pool = createPgPool({
    url: config.url,
    max: config.poolMax,
    statementTimeoutMs: config.statementTimeoutMs,
    connectionTimeoutMs: config.connectionTimeoutMs,
    applicationName,
    logger,
  });
  // A checked-out client whose connection dies between queries emits 'error' on itself, which the
  // pool does not listen to; unhandled, that kills the process. The next query on it fails and the
  // writer retries, so logging is all that is needed here.
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => logger.warn({ err: error }, 'postgres connection lost while checked out'));
  });
  const partitions = new PartitionManager({ pool, logger, daysAhead: config.partitionDaysAhead, retentionDays: config.retentionDays });
  let prepared: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let references = 0;
  let ended: Promise<void> | undefined;

  const maintain = async (): Promise<void> => {
    try {
      await partitions.maintain();
    } catch (error) {
      logger.warn({ err: error }, 'partition maintenance failed; retried at the next interval');
    }
  };

  return {
    pool,
    partitions,
    config,
    prepare() {
      prepared ??= (async () => {
        try {
          if (config.runMigrations) await runMigrations(pool, logger);
        } catch (error) {
          throw classifyPgError(error, 'running migrations');
        }
        await partitions.maintain();
        timer = setInterval(() => void maintain(), config.maintenanceIntervalMs);
        timer.unref();
      })().catch((error: unknown) => {
        prepared = undefined;
        throw error;
      });
      return prepared;
    },
    async connect() {
      try {
        return await pool.connect();
      } catch (error) {
        throw classifyPgError(error, 'connecting');
      }
    },
    retain() {
      references += 1;
    },
    release() {
      references -= 1;
      if (references > 0) return Promise.resolve();
      clearInterval(timer);
      ended ??= pool.end();
      return ended;
    },
  };
}
