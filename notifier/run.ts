/**
 * Starts the notifier: migrations, the health server (metrics, /healthz, /readyz), the channels,
 * the alerts consumer and the dispatcher; `stop()` takes them down in reverse order.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createKafka, producerDefaults } from '../lib/kafka/client.js';
import { startHealthServer } from '../lib/health-server.js';
import type { Logger } from '../lib/logger.js';
import { checkPostgres, createPgPool } from '../lib/postgres.js';
import { retry } from '../lib/retry.js';
import { topicValueSchema, type AlertEvent } from '../schemas/log-schemas.js';
import { runMigrations } from '../sinks/postgres/migrate.js';
import { Serdes } from '../topology/index.js';
import { startAlertConsumer } from './alert-consumer.js';
import type { Channel } from './channel.js';
import type { ChannelName, NotifierConfig } from './config.js';
import { startDispatcher } from './dispatcher.js';
import { createEmailChannel } from './email-channel.js';
import { createNotifierMetrics } from './notifier-metrics.js';
import { createWebhookChannel } from './webhook-channel.js';

/** Options of `runNotifier`. */
export interface RunNotifierOptions {
  config: NotifierConfig;
  logger: Logger;
  /** Register the standard process metrics (default true). */
  defaultMetrics?: boolean;
  /** Called when a part fails beyond repair (the consumer crashed for good); default: log only. */
  onFatal?: (error: unknown) => void;
}

/** A running notifier. */
export interface RunningNotifier {
  /** Base URL of /metrics, /healthz and /readyz. */
  metricsUrl: string;
  /** Stops consuming, lets the dispatch pass in progress finish, and closes every connection. */
  stop(): Promise<void>;
}

/** Starts every part of the notifier; rejects (after closing what it opened) when one cannot start. */
export async function runNotifier({ config, logger, defaultMetrics, onFatal }: RunNotifierOptions): Promise<RunningNotifier> {
  const closers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const close of closers.reverse().splice(0)) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'closing a notifier part failed'));
    }
  };
  try {
    const pool = createPgPool({ url: config.postgres.url, applicationName: 'sawmill-notifier', logger, statementTimeoutMs: config.postgres.statementTimeoutMs });
    closers.push(() => pool.end());
    if (config.postgres.migrate) await retry(() => runMigrations(pool, logger), { retries: 5, isRetriable: () => true });

    const metrics = createNotifierMetrics({ defaultMetrics: defaultMetrics ?? true });
    const channels = new Map<ChannelName, Channel>();
    if (config.email.enabled) channels.set('email', createEmailChannel({ email: config.email, dashboardUrl: config.dashboardUrl, maxAlertsPerMessage: config.grouping.maxAlertsPerMessage, logger }));
    if (config.webhook.enabled && config.webhook.url !== undefined && config.webhook.secret !== undefined) {
      channels.set('webhook', createWebhookChannel({ url: config.webhook.url, secret: config.webhook.secret, timeoutMs: config.webhook.timeoutMs, dashboardUrl: config.dashboardUrl }));
    }
    closers.push(async () => {
      for (const channel of channels.values()) await channel.close();
    });

    const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger });
    const producer = kafka.producer(producerDefaults);
    await producer.connect();
    closers.push(() => producer.disconnect());

    // Not ready until the consumer joined its group; a channel being down is not a readiness
    // failure (deliveries wait in the ledger), it shows in the retry and failure metrics instead.
    let consumerJoined = (): boolean => false;
    const health = await startHealthServer({
      port: config.metricsPort,
      host: config.metricsHost,
      registry: metrics.registry,
      logger,
      readinessChecks: {
        postgres: () => checkPostgres(pool),
        kafka: async () => {
          if (!consumerJoined()) throw new Error('the alerts consumer has not joined its group');
        },
      },
    });
    closers.push(() => health.close());

    const dispatcher = startDispatcher({ pool, channels, delivery: config.delivery, repeatIntervalMs: config.grouping.repeatIntervalMs, metrics, logger });
    closers.push(() => dispatcher.stop());

    const serde = Serdes.Avro<AlertEvent>({ registry: new SchemaRegistry({ host: config.registry.url }), schema: topicValueSchema('alerts'), topic: config.kafka.topic });
    const consumer = await startAlertConsumer({
      kafka,
      producer,
      topic: config.kafka.topic,
      groupId: config.kafka.groupId,
      dlqTopic: config.kafka.dlqTopic,
      maxRecordBytes: config.kafka.maxRecordBytes,
      fromBeginning: config.kafka.fromBeginning,
      serde,
      pool,
      record: { channels: [...channels.keys()], byLabels: config.grouping.byLabels, groupWaitMs: config.grouping.groupWaitMs },
      metrics,
      logger,
      onFatal: onFatal ?? ((error) => logger.fatal({ err: error }, 'alerts consumer crashed and will not restart')),
    });
    consumerJoined = () => consumer.joined;
    closers.push(() => consumer.stop());

    logger.info({ metrics_url: health.url, channels: [...channels.keys()], topic: config.kafka.topic }, 'notifier started');
    return { metricsUrl: health.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
