/**
 * Shared set-up of the OpenSearch sink integration tests that go through Kafka: unique topics,
 * Avro-encoded EnrichedLogEvents produced through the real schema registry, the sink runner with
 * the OpenSearch writer in-process, document counts, and reading the dead-letter topic.
 */
import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createKafka } from '../../lib/kafka/client.js';
import { createOpenSearchClient, type OpenSearchClient } from '../../lib/opensearch.js';
import { topicValueSchema, type EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { openSearchSinkConfigSchema } from '../../sinks/opensearch/config.js';
import { createOpenSearchSink, type OpenSearchSink } from '../../sinks/opensearch/opensearch-sink.js';
import { createSinkRunner, type SinkRunner, type SinkStartPosition } from '../../sinks/runner/sink-runner.js';
import { Serdes, type Serde } from '../../topology/index.js';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';

export const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
export const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';

/** The quiet logger of these tests (SAWMILL_LOG_LEVEL=info shows the sink's lines). */
export const testLogger = pino({ level: process.env['SAWMILL_LOG_LEVEL'] ?? 'silent' });

/** Everything one test needs, with unique names. */
export interface SinkTestContext {
  readonly id: string;
  readonly topic: string;
  readonly dlqTopic: string;
  readonly indexPrefix: string;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly registry: SchemaRegistry;
  readonly client: OpenSearchClient;
  /** Deletes topics, indices and the template. */
  cleanUp(): Promise<void>;
}

/** Creates unique topics (event topic with `partitions`, a 1-partition DLQ) and connects the clients. */
export async function createSinkTestContext(label: string, partitions = 3): Promise<SinkTestContext> {
  const id = `${label}-${randomUUID().slice(0, 8)}`;
  const topic = `it-os-${id}`;
  const dlqTopic = `it-os-${id}-dlq`;
  const indexPrefix = `sawmill-it-${id}`;
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: `it-${id}`, logger: testLogger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }, { topic: dlqTopic, numPartitions: 1 }] });
  const registry = new SchemaRegistry({ host: REGISTRY_URL });
  const client = createOpenSearchClient({ node: OPENSEARCH_URL, logger: testLogger });
  return {
    id,
    topic,
    dlqTopic,
    indexPrefix,
    kafka,
    admin,
    registry,
    client,
    async cleanUp() {
      await client.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true }).catch(() => undefined);
      await client.indices.deleteIndexTemplate({ name: `${indexPrefix}-template` }).catch(() => undefined);
      await client.close();
      await admin.deleteTopics({ topics: [topic, dlqTopic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** The Avro serde of the test topic (subject `<topic>-value`), registered. */
export async function eventSerde(ctx: SinkTestContext): Promise<Serde<EnrichedLogEvent>> {
  const serde = Serdes.Avro<EnrichedLogEvent>({ registry: ctx.registry, schema: topicValueSchema('logs.enriched'), topic: ctx.topic });
  await serde.init?.();
  return serde;
}

/** Produces `events` Avro-encoded (key = service, acks=all) in chunks; resolves once Kafka acknowledged all. */
export async function produceEvents(ctx: SinkTestContext, events: readonly EnrichedLogEvent[], chunk = 2000): Promise<void> {
  const serde = await eventSerde(ctx);
  const producer: Producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += chunk) {
      const messages = events.slice(i, i + chunk).map((event) => ({ key: event.service, value: serde.serialize(ctx.topic, event) }));
      await producer.send({ topic: ctx.topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Options of startOpenSearchRunner. */
export interface RunnerStartOptions {
  groupId?: string;
  startFrom?: SinkStartPosition;
  bounded?: boolean;
  /** OpenSearch URL the writer uses (a proxy in front of the node); default OPENSEARCH_URL. */
  url?: string;
  requestTimeoutMs?: number;
  maxRecords?: number;
  retry?: { initialDelayMs: number; maxDelayMs: number };
}

/** Starts the sink runner with the OpenSearch writer on the test topic; returns both and the metrics registry. */
export async function startOpenSearchRunner(ctx: SinkTestContext, options: RunnerStartOptions = {}): Promise<{ runner: SinkRunner; writer: OpenSearchSink; registry: Registry }> {
  const registry = new Registry();
  const config = openSearchSinkConfigSchema.parse({
    url: options.url ?? OPENSEARCH_URL,
    indexPrefix: ctx.indexPrefix,
    // The sample events are dated early 2026: a short retention would sweep the test's own indices.
    retentionDays: 3650,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  const writer = createOpenSearchSink({ config, logger: testLogger, registry });
  const decoder = Serdes.Avro<EnrichedLogEvent>({ registry: ctx.registry, schema: topicValueSchema('logs.enriched'), topic: ctx.topic });
  const runner = await createSinkRunner<EnrichedLogEvent>({
    writer,
    kafka: ctx.kafka,
    topics: [ctx.topic],
    decoder,
    logger: testLogger,
    groupId: options.groupId ?? `it-os-${ctx.id}-group`,
    deadLetterTopic: ctx.dlqTopic,
    registry,
    lagIntervalMs: 500,
    batch: { maxRecords: options.maxRecords ?? 2000, maxWaitMs: 100 },
    retry: options.retry ?? { initialDelayMs: 200, maxDelayMs: 2000 },
    ...(options.startFrom === undefined ? {} : { startFrom: options.startFrom }),
    ...(options.bounded === undefined ? {} : { bounded: options.bounded }),
  });
  return { runner, writer, registry };
}

/** Documents in the test's daily indices after a refresh (0 when none exists yet). */
export async function countDocs(ctx: SinkTestContext): Promise<number> {
  const index = `${ctx.indexPrefix}-*`;
  await ctx.client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
  const { body } = await ctx.client.count({ index, allow_no_indices: true, ignore_unavailable: true });
  return body.count;
}

/** Distinct event ids stored, by scrolling the _id of every document (for exact-set checks). */
export async function storedIds(ctx: SinkTestContext): Promise<Set<string>> {
  const index = `${ctx.indexPrefix}-*`;
  await ctx.client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
  const ids = new Set<string>();
  let response = await ctx.client.search({ index, scroll: '1m', size: 10_000, _source: false, body: { query: { match_all: {} }, sort: ['_doc'] } });
  for (;;) {
    const hits = response.body.hits.hits;
    if (hits.length === 0) break;
    for (const hit of hits) ids.add(hit._id as string);
    const scrollId = response.body._scroll_id as string;
    response = await ctx.client.scroll({ scroll_id: scrollId, scroll: '1m' });
  }
  if (response.body._scroll_id !== undefined) await ctx.client.clearScroll({ scroll_id: response.body._scroll_id as string }).catch(() => undefined);
  return ids;
}

/** One dead letter as read back from the DLQ topic. */
export interface DeadLetter {
  reason: string;
  sourceTopic: string;
  sourceOffset: string;
  value: Buffer | null;
}

/** Reads every record of the DLQ topic from the beginning (high watermarks captured first). */
export async function readDeadLetters(ctx: SinkTestContext): Promise<DeadLetter[]> {
  const offsets = await ctx.admin.fetchTopicOffsets(ctx.dlqTopic);
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  if (total === 0) return [];
  const consumer = ctx.kafka.consumer({ groupId: `it-os-${ctx.id}-dlq-reader-${randomUUID().slice(0, 6)}` });
  const out: DeadLetter[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: ctx.dlqTopic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${total} dead letters`)), 20_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          const header = (name: string): string => String(message.headers?.[name] ?? '');
          out.push({ reason: header(DLQ_HEADERS.reason), sourceTopic: header(DLQ_HEADERS.sourceTopic), sourceOffset: header(DLQ_HEADERS.sourceOffset), value: message.value });
          if (out.length >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

/** Sum of the `sawmill_sink_lag_records` gauge over the partitions of the test topic. */
export async function lagOf(registry: Registry): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'sawmill_sink_lag_records');
  return (metric?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}
