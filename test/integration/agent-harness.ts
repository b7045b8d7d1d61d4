/**
 * Shared pieces of the agent integration tests: the registry in-process on the real
 * PostgreSQL, a unique topic per run, a consumer that decodes every record of a topic, and
 * polling with deadlines.
 */
import { randomBytes } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import type { Admin, Consumer } from 'kafkajs';
import pg from 'pg';
import { createLogger } from '../../lib/logger.js';
import { startRegistryServer, type RegistryServer } from '../../schemas/registry/server.js';
import type { RawLogEvent } from '../../agent/raw-event.js';
import { ensureTestDatabase } from '../support/test-database.js';

/** Kafka bootstrap brokers of the shared test cluster. */
export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';

/** A unique name for this run's topics and groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

// Re-exported so the agent tests keep importing their helpers from one place.
export { waitFor } from '../support/wait-for.js';

/** The schema registry running in this process. */
export interface TestRegistry {
  url: string;
  client: SchemaRegistry;
  close(): Promise<void>;
}

/** Starts the registry in-process on the test database. */
export async function startTestRegistry(): Promise<TestRegistry> {
  await ensureTestDatabase(PG_URL);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const server: RegistryServer = await startRegistryServer({ port: 0, pool, logger: createLogger('registry-test', { level: 'warn' }) });
  return {
    url: server.url,
    client: new SchemaRegistry({ host: server.url }),
    close: async () => {
      await server.close();
      await pool.end();
    },
  };
}

/** Creates `topic` with `partitions` partitions on `brokers`. */
export async function createTopic(topic: string, partitions = 3, brokers = KAFKA_BROKERS): Promise<void> {
  const admin: Admin = new kafkajs.Kafka({ brokers, clientId: 'agent-it-admin', logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes topics this test created. */
export async function deleteTopics(topics: string[], brokers = KAFKA_BROKERS): Promise<void> {
  const admin: Admin = new kafkajs.Kafka({ brokers, clientId: 'agent-it-admin', logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Every record of a topic, decoded, collected as it arrives. */
export interface TopicCollector {
  /** Records received, in arrival order. */
  events: RawLogEvent[];
  /** Distinct event ids seen. */
  ids(): Set<string>;
  stop(): Promise<void>;
}

/** Consumes `topic` from the beginning and decodes each value with the registry. */
export async function collectTopic(topic: string, registry: SchemaRegistry, brokers = KAFKA_BROKERS): Promise<TopicCollector> {
  const consumer: Consumer = new kafkajs.Kafka({ brokers, clientId: 'agent-it-consumer', logLevel: kafkajs.logLevel.NOTHING }).consumer({ groupId: uniqueName('agent-it'), maxWaitTimeInMs: 200 });
  const events: RawLogEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (message.value) events.push((await registry.decode(message.value)) as RawLogEvent);
      }
    },
  });
  return {
    events,
    ids: () => new Set(events.map((e) => e.eventId)),
    stop: () => consumer.disconnect(),
  };
}

/**
 * Checks that `expected` lines each arrived, under exactly one event id. Returns the number of
 * resends (records whose id was already seen), which the caller asserts on.
 */
export function checkExactlyOnceById(events: readonly RawLogEvent[], expected: readonly string[]): { missing: string[]; idsPerLine: Map<string, Set<string>>; resends: number; unexpected: string[] } {
  const idsPerLine = new Map<string, Set<string>>();
  const seen = new Set<string>();
  let resends = 0;
  for (const event of events) {
    if (seen.has(event.eventId)) resends += 1;
    seen.add(event.eventId);
    const ids = idsPerLine.get(event.line) ?? new Set<string>();
    ids.add(event.eventId);
    idsPerLine.set(event.line, ids);
  }
  const expectedSet = new Set(expected);
  return {
    missing: expected.filter((line) => !idsPerLine.has(line)),
    idsPerLine,
    resends,
    unexpected: [...idsPerLine.keys()].filter((line) => !expectedSet.has(line)),
  };
}
