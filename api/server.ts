import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { createKafka } from '../lib/kafka/client.js';
import { withTimeout } from '../lib/with-timeout.js';
import type { Logger } from '../lib/logger.js';
import { checkOpenSearchHealth, createOpenSearchClient } from '../lib/opensearch.js';
import { checkPostgres, createPgPool } from '../lib/postgres.js';
import { checkRedis, createRedis } from '../lib/redis.js';
import { createAlertRulePublisher, type AlertRulePublisher } from './alert-rules/rule-publisher.js';
import { createApiApp, type ApiApp } from './app.js';
import { createKeySet } from './auth/key-set.js';
import type { ApiConfig } from './config.js';
import { createLiveTail } from './logs/live-tail.js';
import { startTailConsumer, type TailConsumer } from './logs/tail-consumer.js';
import { createRateLimits } from './rate-limit/rate-limits.js';

/** A running API server. */
export interface ApiServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly api: ApiApp;
  /** Stops accepting requests, ends open streams, closes the clients; safe to call twice. */
  close(): Promise<void>;
}

/** Options of startApiServer. */
export interface StartApiServerOptions {
  readonly config: ApiConfig;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Id of this instance (the live tail's consumer group is unique per instance); default a random UUID. */
  readonly instanceId?: string;
}

/**
 * Creates the store clients, the key set (ConfigError on a bad key), the shared rate limiter and,
 * when enabled, the live-tail consumer; then listens. The alert-rules producer connects on the
 * first rule write, so the API starts (and serves search) while Kafka is down.
 */
export async function startApiServer(options: StartApiServerOptions): Promise<ApiServer> {
  const { config, logger, metrics } = options;
  const instanceId = options.instanceId ?? randomUUID();
  const keySet = createKeySet(config.auth);
  const pool = createPgPool({ url: config.postgresUrl, logger, applicationName: 'sawmill-api' });
  const redis = createRedis({ url: config.redisUrl, logger, connectionName: 'sawmill-api' });
  const opensearch = createOpenSearchClient({ node: config.opensearchUrl, logger, requestTimeoutMs: config.server.requestTimeoutMs });
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `sawmill-api-${instanceId.slice(0, 8)}`, logger });
  const rateLimits = createRateLimits({ redis, config: config.rateLimit, logger });
  // The limiter refuses while Redis is not ready, so connect before taking traffic; a Redis that is
  // down at start only delays listening by this bound (readiness then reports it).
  await withTimeout(() => redis.ping(), 3000).catch((error: unknown) => logger.warn({ err: error }, 'redis not reachable at start; rate-limited routes answer 503 until it is'));

  let publisher: Promise<AlertRulePublisher> | undefined;
  const rulePublisher: AlertRulePublisher = {
    async publish(rule) {
      await (await connectPublisher()).publish(rule);
    },
    async publishDelete(id) {
      await (await connectPublisher()).publishDelete(id);
    },
    async close() {
      // A connect still retrying against a dead broker is not waited for: it closes itself once it settles.
      const pending = publisher;
      publisher = Promise.reject(new Error('api is shutting down'));
      publisher.catch(() => undefined);
      if (pending !== undefined) await withTimeout(() => pending.then((p) => p.close()), 5000).catch(() => undefined);
    },
  };
  function connectPublisher(): Promise<AlertRulePublisher> {
    publisher ??= createAlertRulePublisher({ kafka, registryUrl: config.registryUrl, topic: config.topics.alertRules }).catch((error: unknown) => {
      publisher = undefined; // try again on the next write
      throw error;
    });
    return publisher;
  }

  const liveTail = createLiveTail({ maxPerOwner: config.tail.maxPerUser });
  let tailConsumer: TailConsumer | undefined;
  if (config.tail.enabled) {
    tailConsumer = await startTailConsumer({ kafka, registryUrl: config.registryUrl, topic: config.topics.logsEnriched, groupId: `sawmill-api-tail-${instanceId}`, liveTail, logger });
  }

  const api = createApiApp({
    config,
    logger,
    metrics,
    pool,
    redis,
    opensearch,
    keySet,
    rateLimits,
    rulePublisher,
    liveTail,
    kafka,
    readinessChecks: {
      postgres: () => checkPostgres(pool),
      redis: () => checkRedis(redis),
      opensearch: async () => {
        const health = await checkOpenSearchHealth(opensearch, { timeoutMs: 2000 });
        if (!health.healthy) throw new Error(health.status === 'unreachable' ? health.reason : `cluster status ${health.status}`);
      },
    },
  });

  const server: Server = createServer(api.app);
  server.requestTimeout = config.server.requestTimeoutMs;
  server.headersTimeout = Math.min(config.server.requestTimeoutMs, 20_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  logger.info({ url, instance_id: instanceId }, 'api listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    api,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Live-tail streams never end on their own.
          server.closeAllConnections();
        });
        await tailConsumer?.stop().catch((error: unknown) => logger.warn({ err: error }, 'tail consumer stop failed'));
        await rulePublisher.close().catch((error: unknown) => logger.warn({ err: error }, 'rule publisher close failed'));
        await pool.end().catch(() => undefined);
        redis.disconnect();
        await opensearch.close().catch(() => undefined);
      })();
      return closing;
    },
  };
}
