/**
 * OpenSearch sink benchmark: documents per second of the sink (Kafka → runner → Avro decode →
 * bulk `create` → commit) next to the limit measured in the same run on the same documents: a
 * plain bulk load with the client's bulk helper into indices with the same template and settings
 * (default concurrency, and one request at a time like the sink). Prints one JSON object.
 *
 *   npx tsx bench/sinks/opensearch-sink-bench.ts [--events 200000]
 *
 * Environment: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, OPENSEARCH_URL (defaults: the local stack),
 * BENCH_BATCH_RECORDS (runner batch size, default the runner's 2000).
 */
import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { destination, pino } from 'pino';
import { Registry } from 'prom-client';
import { createKafka } from '../../lib/kafka/client.js';
import { createOpenSearchClient, type OpenSearchClient } from '../../lib/opensearch.js';
import { topicValueSchema, type EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { openSearchSinkConfigSchema } from '../../sinks/opensearch/config.js';
import { putIndexTemplate } from '../../sinks/opensearch/index-template.js';
import { dailyIndexName } from '../../sinks/opensearch/index-name.js';
import { toLogDocument } from '../../sinks/opensearch/log-document.js';
import { createOpenSearchSink } from '../../sinks/opensearch/opensearch-sink.js';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';
import { createSinkRunner } from '../../sinks/runner/sink-runner.js';
import { Serdes } from '../../topology/index.js';

const argIndex = process.argv.indexOf('--events');
const EVENTS = Number(argIndex > 0 ? process.argv[argIndex + 1] : (process.env['BENCH_EVENTS'] ?? 200_000));
const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const BATCH_RECORDS = Number(process.env['BENCH_BATCH_RECORDS'] ?? 2000);
const PARTITIONS = 12;

// Log lines go to stderr: stdout carries only the JSON result.
const logger = pino({ level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' }, destination(2));

interface Measured {
  docs: number;
  seconds: number;
  docs_per_s: number;
}

function measured(docs: number, ms: number): Measured {
  return { docs, seconds: Number((ms / 1000).toFixed(3)), docs_per_s: Math.round(docs / (ms / 1000)) };
}

async function countIndexed(client: OpenSearchClient, prefix: string): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-*` });
  return (await client.count({ index: `${prefix}-*` })).body.count;
}

async function main(): Promise<void> {
  if (!Number.isSafeInteger(EVENTS) || EVENTS <= 0) throw new Error(`--events must be a positive integer, got ${String(EVENTS)}`);
  const run = `bench-os-${randomUUID().slice(0, 8)}`;
  const topic = `${run}-logs`;
  const dlq = `${run}-dlq`;
  const sinkPrefix = `sawmill-${run}-sink`;
  const settings = { numberOfShards: 1, numberOfReplicas: 0, refreshInterval: '5s' };
  const kafka = createKafka({ brokers: BROKERS, clientId: run, logger });
  const admin = kafka.admin();
  await admin.connect();
  const client = createOpenSearchClient({ node: OPENSEARCH_URL, logger, requestTimeoutMs: 120_000 });
  const events: EnrichedLogEvent[] = Array.from({ length: EVENTS }, (_, i) => sampleEvent(i, { fields: { request_id: `r-${i}`, user: `u-${i % 1000}` } }));
  const baselines: Record<string, Measured> = {};
  try {
    // Input: every event in Kafka first, so the sink is measured on reading, not on the producer.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }, { topic: dlq, numPartitions: 1 }] });
    const registry = new SchemaRegistry({ host: REGISTRY_URL });
    const serde = Serdes.Avro<EnrichedLogEvent>({ registry, schema: topicValueSchema('logs.enriched'), topic });
    await serde.init?.();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      // 1000 per send keeps each request under the broker's 1 MiB message.max.bytes.
      for (let i = 0; i < events.length; i += 1000) {
        await producer.send({ topic, acks: -1, messages: events.slice(i, i + 1000).map((e) => ({ key: e.service, value: serde.serialize(topic, e) })) });
      }
    } finally {
      await producer.disconnect();
    }

    // The sink, bounded: from the first record to the end offsets at start.
    const config = openSearchSinkConfigSchema.parse({ url: OPENSEARCH_URL, indexPrefix: sinkPrefix, retention: 'off', ...settings });
    const writer = createOpenSearchSink({ config, logger, registry: new Registry() });
    const startedAt = performance.now();
    const runner = await createSinkRunner<EnrichedLogEvent>({
      writer,
      kafka,
      topics: [topic],
      decoder: Serdes.Avro<EnrichedLogEvent>({ registry, schema: topicValueSchema('logs.enriched'), topic }),
      logger,
      groupId: `${run}-group`,
      startFrom: 'earliest',
      bounded: true,
      deadLetterTopic: dlq,
      lagIntervalMs: 0,
      batch: { maxRecords: BATCH_RECORDS },
    });
    let firstStoredAt: number | undefined;
    const watch = setInterval(() => {
      if (firstStoredAt === undefined && runner.stats().stored > 0) firstStoredAt = performance.now();
    }, 20);
    const stats = await runner.done;
    const endedAt = performance.now();
    clearInterval(watch);
    const sinkIndexed = await countIndexed(client, sinkPrefix);

    // The limit: the client's bulk helper on the same documents (already in memory, no Kafka).
    for (const [label, concurrency] of [['bulk_helper_concurrency_5', 5], ['bulk_helper_concurrency_1', 1]] as const) {
      const prefix = `sawmill-${run}-${label.replace(/_/g, '-')}`;
      await putIndexTemplate(client, `${prefix}-template`, { indexPrefix: prefix, ...settings });
      const docs = events.map((e) => ({ index: dailyIndexName(prefix, e.timestampMs), id: e.eventId, doc: toLogDocument(e, { maxIndexedFieldBytes: config.maxIndexedFieldBytes }) }));
      const t0 = performance.now();
      const result = await client.helpers.bulk({
        datasource: docs,
        onDocument: (d) => [{ create: { _index: d.index, _id: d.id } }, d.doc] as never,
        concurrency,
        flushBytes: 4 * 1024 * 1024,
      });
      const ms = performance.now() - t0;
      if (result.successful !== EVENTS) throw new Error(`${label}: ${result.successful} of ${EVENTS} documents stored (${result.failed} failed)`);
      const indexed = await countIndexed(client, prefix);
      if (indexed !== EVENTS) throw new Error(`${label}: ${indexed} documents indexed, expected ${EVENTS}`);
      baselines[label] = measured(EVENTS, ms);
      await client.indices.delete({ index: `${prefix}-*` });
      await client.indices.deleteIndexTemplate({ name: `${prefix}-template` });
    }

    const sinkSteady = measured(stats.stored, endedAt - (firstStoredAt ?? startedAt));
    const sinkWall = measured(stats.stored, endedAt - startedAt);
    const limit = baselines['bulk_helper_concurrency_5'] as Measured;
    const sequential = baselines['bulk_helper_concurrency_1'] as Measured;
    process.stdout.write(
      `${JSON.stringify(
        {
          bench: 'opensearch-sink',
          events: EVENTS,
          partitions: PARTITIONS,
          batch_records: BATCH_RECORDS,
          concurrent_requests: config.concurrentRequests,
          sink: { ...sinkSteady, wall_seconds_incl_group_join: sinkWall.seconds, stored: stats.stored, duplicates: stats.duplicates, dead_lettered: stats.deadLettered, indexed: sinkIndexed },
          bulk_helper_concurrency_5: limit,
          bulk_helper_concurrency_1: sequential,
          ratio_sink_to_bulk_helper: Number((sinkSteady.docs_per_s / limit.docs_per_s).toFixed(3)),
          ratio_sink_to_sequential_bulk: Number((sinkSteady.docs_per_s / sequential.docs_per_s).toFixed(3)),
        },
        null,
        2,
      )}\n`,
    );
    if (sinkIndexed !== EVENTS || stats.stored !== EVENTS) throw new Error(`sink stored ${stats.stored}, indexed ${sinkIndexed}, expected ${EVENTS}`);
  } finally {
    await client.indices.delete({ index: `sawmill-${run}-*`, ignore_unavailable: true }).catch(() => undefined);
    await client.indices.deleteIndexTemplate({ name: `${sinkPrefix}-template` }).catch(() => undefined);
    await client.close();
    await admin.deleteTopics({ topics: [topic, dlq] }).catch(() => undefined);
    await admin.deleteGroups([`${run}-group`]).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`opensearch sink bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
  // A failure midway can leave a kafkajs or HTTP socket open; a bench must end, not hang.
  setTimeout(() => process.exit(1), 5000).unref();
});
