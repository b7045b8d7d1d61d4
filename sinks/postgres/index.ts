/**
 * The PostgreSQL sink as the CLI and the runner see it: the config schema and the factory of its
 * three writers (log_events, stats_windowed, alert_events + alert_state), each fed by its own
 * topic and consumer group.
 */
import type { Logger } from '../../lib/logger.js';
import type { AlertEvent, EnrichedLogEvent, WindowedStat } from '../../schemas/log-schemas.js';
import type { SinkWriter } from '../runner/sink-writer.js';
import { createAlertsWriter } from './alerts-writer.js';
import type { PostgresSinkConfig } from './config.js';
import { createLogEventsWriter } from './log-events-writer.js';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';
import { createStatsWriter } from './stats-writer.js';

export { postgresSinkConfigSchema, type PostgresSinkConfig } from './config.js';
export { createPostgresStore, type PostgresStore } from './postgres-store.js';
export { createLogEventsWriter } from './log-events-writer.js';
export { createStatsWriter } from './stats-writer.js';
export { createAlertsWriter } from './alerts-writer.js';

/** One stream of the PostgreSQL sink: the topic it reads, the Avro schema topic of its values, and its writer. */
export type PostgresSinkStream =
  | { readonly stream: 'logs'; readonly topic: string; readonly schemaTopic: 'logs.enriched'; readonly writer: SinkWriter<EnrichedLogEvent> }
  | { readonly stream: 'stats'; readonly topic: string; readonly schemaTopic: 'stats.windowed'; readonly writer: SinkWriter<WindowedStat> }
  | { readonly stream: 'alerts'; readonly topic: string; readonly schemaTopic: 'alerts'; readonly writer: SinkWriter<AlertEvent> };

/** Creates the store and one writer per enabled topic (sink names postgres-logs, postgres-stats, postgres-alerts). Throws ConfigError on a bad URL. */
export function createPostgresSinkStreams({ config, logger }: { config: PostgresSinkConfig; logger: Logger }): { store: PostgresStore; streams: PostgresSinkStream[] } {
  const store = createPostgresStore({ config, logger });
  const streams: PostgresSinkStream[] = [];
  if (config.topics.logs !== null) streams.push({ stream: 'logs', topic: config.topics.logs, schemaTopic: 'logs.enriched', writer: createLogEventsWriter({ store, logger }) });
  if (config.topics.stats !== null) streams.push({ stream: 'stats', topic: config.topics.stats, schemaTopic: 'stats.windowed', writer: createStatsWriter({ store, logger }) });
  if (config.topics.alerts !== null) streams.push({ stream: 'alerts', topic: config.topics.alerts, schemaTopic: 'alerts', writer: createAlertsWriter({ store, logger }) });
  return { store, streams };
}
