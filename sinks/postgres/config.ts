/**
 * Configuration of the PostgreSQL sink's store side: the database, how log rows are loaded, the
 * daily partitions and their retention, and which topics feed which table. The consumer side
 * (group, batching, retries) is the sink runner's config (sinks/runner/runner-config.ts); the
 * whole `sawmill sink postgres` file is assembled in bin/commands/sink-config.ts.
 */
import { z } from 'zod';

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** The strict config schema of the PostgreSQL writers; every key has a default (a local stack needs no file). */
export const postgresSinkConfigSchema = z
  .object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/sawmill')
      .describe('postgres://user[:password]@host[:port]/database; the password never reaches a log'),
    poolMax: z.number().int().min(1).max(100).default(6).describe('Most connections the sink opens (shared by the logs, stats and alerts writers)'),
    statementTimeoutMs: z.number().int().min(0).max(600_000).default(60_000).describe('Server-side limit of one statement; a hung write fails and is retried'),
    connectionTimeoutMs: z.number().int().min(100).max(120_000).default(5000).describe('Longest wait to open a connection'),
    loadMethod: z
      .enum(['copy', 'unnest'])
      .default('copy')
      .describe('How log rows are loaded: copy = COPY straight into log_events, falling back (when a row is already stored) to COPY into a temporary staging table then INSERT ... ON CONFLICT DO NOTHING; unnest = one INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING'),
    indexPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,199}$/, 'a lower-case index prefix')
      .default('sawmill-logs')
      .describe('OpenSearch daily index prefix, stored in log_events.index_name as <indexPrefix>-YYYY.MM.DD so the API can fetch the full document'),
    partitionDaysAhead: z.number().int().min(1).max(60).default(3).describe('Daily partitions of log_events created ahead of today (later days go to the DEFAULT partition until then)'),
    retentionDays: z.number().int().min(1).max(3650).default(14).describe('Days of log_events kept; older daily partitions are dropped'),
    maintenanceIntervalMs: z.number().int().min(1000).max(86_400_000).default(3_600_000).describe('How often partitions are created ahead and expired ones dropped'),
    runMigrations: z.boolean().default(true).describe('Apply pending migrations at start (sawmill migrate does it too)'),
    topics: z
      .object({
        logs: z.string().regex(TOPIC).nullable().default('logs.enriched').describe('Topic of enriched log events for log_events; null disables this stream'),
        stats: z.string().regex(TOPIC).nullable().default('stats.windowed').describe('Topic of windowed stats for stats_windowed; null disables this stream'),
        alerts: z.string().regex(TOPIC).nullable().default('alerts').describe('Topic of alert events for alert_events and alert_state; null disables this stream'),
      })
      .strict()
      .prefault({})
      .describe('Topic of each stream; each stream is its own consumer group (sawmill-sink-postgres-logs, -stats, -alerts)'),
  })
  .strict()
  .refine((value) => value.topics.logs !== null || value.topics.stats !== null || value.topics.alerts !== null, {
    message: 'at least one of topics.logs, topics.stats, topics.alerts must be set',
    path: ['topics'],
  })
  .prefault({})
  .describe('PostgreSQL store');

/** The parsed PostgreSQL sink config. */
export type PostgresSinkConfig = z.output<typeof postgresSinkConfigSchema>;
