/**
 * Shared pieces of the sink integration tests: unique names, topics, a private PostgreSQL
 * database per test, Avro-encoded enriched events produced to a topic through the shared schema
 * registry, consumer-group lag and dead-letter counts read from the broker.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import type { Admin, IHeaders, Kafka } from 'kafkajs';
import pg from 'pg';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { topicValueSchema } from '../../schemas/log-schemas.js';
import { Serdes, type Serde } from '../../topology/index.js';

/** Kafka bootstrap brokers of the shared test cluster. */
export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
/** The shared schema registry. */
export const REGISTRY_URL = process.env['REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
/** The shared PostgreSQL server (maintenance database). */
export const PG_ADMIN_URL = process.env['PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A unique lower-case name for this run's topics, groups and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`.replace(/[^a-z0-9_]/g, '_');
}

/** A kafkajs client that logs nothing (tests assert on outcomes, not on client chatter). */
export function testKafka(clientId = 'sink-it'): Kafka {
  return new kafkajs.Kafka({ brokers: KAFKA_BROKERS, clientId, logLevel: kafkajs.logLevel.NOTHING });
}

/** Creates topics with the given partition counts. */
export async function createTopics(topics: Record<string, number>): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: Object.entries(topics).map(([topic, numPartitions]) => ({ topic, numPartitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes topics (best effort: a test cleaning up must not fail on it). */
export async function deleteTopics(topics: string[]): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Creates an empty database and returns its URL (through `host:port` when given, e.g. a proxy). */
export async function createDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a test database, disconnecting whoever still uses it. */
export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs one query on `url` with a short-lived client. */
export async function queryOnce<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A valid enriched event number `i` of run `run`: id `<run>-<i>`, service `svc-<i % 7>`, a fixed time per id. */
export function enrichedEvent(run: string, i: number, baseMs = Date.now()): EnrichedLogEvent {
  const ts = baseMs - (i % 3600) * 1000;
  return {
    eventId: `${run}-${i}`,
    timestampMs: ts,
    timestampSource: 'LINE',
    observedTimestampMs: ts,
    ingestTimestampMs: ts + 5,
    host: `host-${i % 5}`,
    service: `svc-${i % 7}`,
    level: i % 10 === 0 ? 'ERROR' : 'INFO',
    levelText: null,
    message: `request ${i} done`,
    line: `INFO request ${i} done in ${i % 100}ms`,
    truncated: false,
    format: 'plain',
    patternId: (i % 16).toString(16).padStart(16, '0'),
    pattern: 'request <num> done',
    traceId: i % 4 === 0 ? `trace-${i}` : null,
    spanId: null,
    latencyMs: i % 100,
    agentId: 'agent-it',
    sourceKind: 'file',
    sourceId: 'it',
    sourcePath: '/var/log/it.log',
    streamId: null,
    sourceOffset: i,
    fields: {},
    labels: { env: 'test' },
  };
}

/** An Avro serde of enriched events for `topic`, schema registered under `<topic>-value`. */
export async function enrichedSerde(topic: string): Promise<Serde<EnrichedLogEvent>> {
  const serde = Serdes.Avro<EnrichedLogEvent>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: topicValueSchema('logs.enriched'), topic });
  await serde.init?.();
  return serde;
}

/** One raw record to produce. */
export interface RawRecord {
  key: string | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** Produces raw records in chunks (idempotent producer, acks=all). */
export async function produceRaw(topic: string, records: readonly RawRecord[], chunk = 2000): Promise<void> {
  const producer = testKafka('sink-it-producer').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < records.length; start += chunk) {
      await producer.send({ topic, acks: -1, messages: records.slice(start, start + chunk).map((r) => ({ key: r.key, value: r.value, ...(r.headers === undefined ? {} : { headers: r.headers }) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Avro-encodes and produces events (key = service, as the topology does). */
export async function produceEvents(topic: string, events: readonly EnrichedLogEvent[], serde?: Serde<EnrichedLogEvent>): Promise<void> {
  const codec = serde ?? (await enrichedSerde(topic));
  await produceRaw(topic, events.map((event) => ({ key: event.service, value: codec.serialize(topic, event) })));
}

/** Records between the group's committed offsets and the ends of `topic` (a partition without a commit counts from its start). */
export async function groupLag(groupId: string, topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await groupLagWith(admin, groupId, topic);
  } finally {
    await admin.disconnect();
  }
}

/** groupLag through an admin client the caller keeps connected (drills poll it every second). */
export async function groupLagWith(admin: Admin, groupId: string, topic: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  let lag = 0;
  for (const end of ends) {
    const found = committed?.partitions.find((p) => p.partition === end.partition);
    const position = found === undefined || Number(found.offset) < 0 ? Number(end.low) : Number(found.offset);
    lag += Math.max(0, Number(end.high) - position);
  }
  return lag;
}

/** Records in `topic` (sum of high minus low watermarks). */
export async function topicSize(topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** What the zero-loss test gives a sink driver. */
export interface SinkDriverContext {
  /** Unique id of this run (lower case, digits, `_`). */
  readonly run: string;
  /** Topic of enriched events the sink must read (already created). */
  readonly topic: string;
  /** Dead-letter topic the sink must use (already created). */
  readonly deadLetterTopic: string;
  /** Consumer group id the sink must use (`kafka.groupId`). */
  readonly groupId: string;
  /** Fixed port for `health.port`. */
  readonly healthPort: number;
}

/** A sink under the zero-loss test: its config for `sawmill sink <name>` and how to count what it stored. */
export interface SinkDriverSetup {
  /** Full config of `sawmill sink <name>` (kafka, registry, batch, store section, health). */
  readonly config: Record<string, unknown>;
  /** Stored items of this run: total and distinct event ids. */
  count(): Promise<{ total: number; distinct: number }>;
  /** Removes what setup created (database, indices). */
  teardown(): Promise<void>;
}

/** One sink the zero-loss test runs: `name` is the `sawmill sink <name>` argument. */
export interface SinkDriver {
  readonly name: string;
  setup(context: SinkDriverContext): Promise<SinkDriverSetup>;
}
