/**
 * The pipeline on the real stack for one test file: its own topics (created here, deleted after),
 * its own application id, started in-process with `startPipeline` exactly as `sawmill stream`
 * runs it (exactly_once, Avro through the registry, dead letters to the DLQ topic), plus the
 * producers and collectors the tests need. Event time is driven by the events' own timestamps,
 * so minutes of event time take seconds of wall time.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { streamConfigSchema, type StreamConfig } from '../../processors/pipeline-config.js';
import { startPipeline, type RunningPipeline } from '../../processors/run-pipeline.js';
import { topicValueSchema, type AlertEvent, type AlertRule, type RawLogEvent } from '../../schemas/log-schemas.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';
import { waitFor } from '../support/wait-for.js';
import { createTestTopics, pipelineTopicNames } from '../support/create-test-topics.js';

export const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
export const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const logger = createLogger('pipeline-it', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'fatal' });

/** logs.raw accepts records up to 8 MiB (a 5 MB line must reach the pipeline); the DLQ a little more, for the headers added. */
export const RAW_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
export const DLQ_MAX_MESSAGE_BYTES = 9 * 1024 * 1024;

/** One record read from a topic, undecoded. */
export interface RawMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Keeps every record of a topic from the beginning (read_committed), as it arrives. */
export class TopicCollector {
  readonly messages: RawMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string, groupId: string): Promise<TopicCollector> {
    // Large enough for the 5 MB dead letter in one fetch.
    const consumer = kafka.consumer({ groupId, maxBytesPerPartition: DLQ_MAX_MESSAGE_BYTES, maxBytes: 4 * DLQ_MAX_MESSAGE_BYTES });
    const collector = new TopicCollector(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(value);
        collector.messages.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers });
      },
    });
    return collector;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** Topic names of one test's pipeline. */
export interface TestTopics {
  raw: string;
  enriched: string;
  deadLetter: string;
  stats: string;
  alerts: string;
  alertRules: string;
}

/** A running pipeline with its own topics, producers and collectors. */
export class PipelineHarness {
  readonly metrics = new Registry();
  readonly registry = new SchemaRegistry({ host: REGISTRY_URL });
  readonly rawSerde: AvroSerde<RawLogEvent>;
  readonly alertSerde: AvroSerde<AlertEvent>;
  private readonly ruleSerde: AvroSerde<AlertRule>;
  private readonly collectors: TopicCollector[] = [];
  private pipeline: RunningPipeline | undefined;
  private producer!: Producer;

  private constructor(
    readonly run: string,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly topics: TestTopics,
    readonly config: StreamConfig,
  ) {
    this.rawSerde = new AvroSerde({ registry: this.registry, schema: topicValueSchema('logs.raw'), subject: `${topics.raw}-value` });
    this.alertSerde = new AvroSerde({ registry: this.registry, schema: topicValueSchema('alerts'), subject: `${topics.alerts}-value` });
    this.ruleSerde = new AvroSerde({ registry: this.registry, schema: topicValueSchema('alert-rules'), subject: `${topics.alertRules}-value` });
  }

  /** Creates the topics (`name` makes them recognisable; `rawPartitions` for the raw topic) and connects; the pipeline starts with `startPipeline()`. */
  static async create(name: string, pipeline: Record<string, unknown> = {}, rawPartitions = 3): Promise<PipelineHarness> {
    const run = `it-${name}-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
    const kafka = createKafka({ brokers: BROKERS, clientId: run, logger });
    const admin = kafka.admin();
    await admin.connect();
    const topics: TestTopics = pipelineTopicNames(run);
    await createTestTopics(admin, [
        { topic: topics.raw, numPartitions: rawPartitions, configEntries: [{ name: 'max.message.bytes', value: String(RAW_MAX_MESSAGE_BYTES) }] },
        { topic: topics.enriched, numPartitions: 3, configEntries: [{ name: 'max.message.bytes', value: String(RAW_MAX_MESSAGE_BYTES) }] },
        { topic: topics.deadLetter, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(DLQ_MAX_MESSAGE_BYTES) }] },
        { topic: topics.stats, numPartitions: 1 },
        { topic: topics.alerts, numPartitions: 1 },
        { topic: topics.alertRules, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ]);
    const config = streamConfigSchema.parse({
      applicationId: run,
      kafka: { brokers: BROKERS, clientId: run },
      registryUrl: REGISTRY_URL,
      guarantee: 'exactly_once',
      sessionTimeoutMs: 6_000,
      alertRulesCatchUpTimeoutMs: 30_000,
      pipeline: { topics, ...pipeline },
    });
    const harness = new PipelineHarness(run, kafka, admin, topics, config);
    harness.producer = kafka.producer({ ...producerDefaults });
    await harness.producer.connect();
    for (const serde of [harness.rawSerde, harness.alertSerde, harness.ruleSerde]) await serde.init();
    return harness;
  }

  /** Starts the pipeline as `sawmill stream` does (rules read first). */
  async startPipeline(): Promise<RunningPipeline> {
    this.pipeline = await startPipeline({ config: this.config, kafka: this.kafka, logger, metrics: this.metrics });
    return this.pipeline;
  }

  /** Input records the pipeline processed so far (both sub-topologies). */
  processedRecords(): number {
    return this.pipeline?.topology.processedRecords() ?? 0;
  }

  /** Starts collecting `topic` from its beginning. */
  async collect(topic: string): Promise<TopicCollector> {
    const collector = await TopicCollector.start(this.kafka, topic, `${this.run}-reader-${randomUUID().slice(0, 8)}`);
    this.collectors.push(collector);
    return collector;
  }

  /** Publishes rules to the test's alert-rules topic (key = id). */
  async publishRules(rules: readonly AlertRule[]): Promise<void> {
    await this.producer.send({
      ...sendDefaults,
      topic: this.topics.alertRules,
      messages: rules.map((rule) => ({ key: rule.id, value: this.ruleSerde.serialize(this.topics.alertRules, rule) })),
    });
  }

  /** Produces raw events (key host/service) in batches, in order per key. */
  async produceRaw(events: readonly RawLogEvent[], batchSize = 1000): Promise<void> {
    for (let i = 0; i < events.length; i += batchSize) {
      const messages = events.slice(i, i + batchSize).map((event) => ({ key: `${event.host}/${event.service}`, value: this.rawSerde.serialize(this.topics.raw, event) }));
      await this.producer.send({ ...sendDefaults, topic: this.topics.raw, messages });
    }
  }

  /** Produces arbitrary bytes to the raw topic (poison records). */
  async produceBytes(key: string, value: Buffer): Promise<void> {
    await this.producer.send({ ...sendDefaults, topic: this.topics.raw, messages: [{ key, value }] });
  }

  /** Produces a marker to `topic` (every partition) and waits until `collector` saw it: everything committed before it was read. */
  async drain(topic: string, collector: TopicCollector): Promise<void> {
    const marker = `drain-${randomUUID()}`;
    const partitions = (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.map((p) => p.partitionId) ?? [0];
    await this.producer.send({ ...sendDefaults, topic, messages: partitions.map((partition) => ({ key: marker, value: null, partition })) });
    await waitFor(`the drain marker on every partition of ${topic}`, () => collector.messages.filter((m) => m.key === marker).length === partitions.length);
  }

  /** Decodes alert values (skipping drain markers) with the topology's Avro serde. */
  async decodeAlerts(messages: readonly RawMessage[]): Promise<AlertEvent[]> {
    const out: AlertEvent[] = [];
    for (const message of messages) {
      if (message.value === null) continue;
      await this.alertSerde.prepare(this.topics.alerts, message.value);
      out.push(this.alertSerde.deserialize(this.topics.alerts, message.value)!);
    }
    return out;
  }

  /** Stops the pipeline and collectors, deletes the topics (and internal ones) of this run. */
  async close(): Promise<void> {
    await this.pipeline?.stop().catch(() => undefined);
    await Promise.all(this.collectors.map((c) => c.stop().catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
    const own = (await this.admin.listTopics()).filter((topic) => topic.startsWith(this.run));
    await this.admin.deleteTopics({ topics: own }).catch(() => undefined);
    await this.admin.disconnect();
    await deleteSubjects(Object.values(this.topics).map((topic) => `${topic}-value`));
  }
}

/**
 * Decodes one record of `topic` without any of Sawmill's Avro code: `kcat -C -f '%s'` reads its raw
 * bytes, the writer schema comes from the registry by the id in the Confluent header, and Apache
 * avro-tools `fragtojson` decodes the body (Debian's kcat is built without Avro support, so
 * `kcat -s value=avro -r <registry>` is not available). Returns avro-tools' JSON (Avro's JSON
 * encoding: a union value is `{"type": value}`).
 */
export async function decodeWithAvroTools(topic: string, partition: number, offset: string): Promise<unknown> {
  const jar = process.env['AVRO_TOOLS_JAR'] ?? join(process.cwd(), '.local/opt/avro-tools/avro-tools-1.12.1.jar');
  if (!existsSync(jar)) throw new Error(`${jar} is missing: run infra/local/install-avro-tools (or set AVRO_TOOLS_JAR)`);
  const run = promisify(execFile);
  const { stdout } = await run('kcat', ['-b', BROKERS[0]!, '-C', '-q', '-e', '-t', topic, '-p', String(partition), '-o', offset, '-c', '1', '-f', '%s', '-X', 'isolation.level=read_committed'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  const bytes = stdout as unknown as Buffer;
  if (bytes.length < 5 || bytes[0] !== 0) throw new Error(`record ${topic}-${partition}@${offset} is not in the Confluent wire format`);
  const schemaId = bytes.readInt32BE(1);
  const response = await fetch(`${REGISTRY_URL}/schemas/ids/${schemaId}`);
  const { schema } = (await response.json()) as { schema: string };
  const dir = await mkdtemp(join(tmpdir(), 'avro-tools-'));
  try {
    await writeFile(join(dir, 'schema.avsc'), schema);
    await writeFile(join(dir, 'body.bin'), bytes.subarray(5));
    const decoded = await run('java', ['-jar', jar, 'fragtojson', '--schema-file', join(dir, 'schema.avsc'), join(dir, 'body.bin')], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(decoded.stdout) as unknown;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deletes registry subjects a test created (soft, then permanently, as Confluent requires); missing ones are ignored. */
export async function deleteSubjects(subjects: readonly string[]): Promise<void> {
  for (const subject of subjects) {
    const path = `${REGISTRY_URL}/subjects/${encodeURIComponent(subject)}`;
    await fetch(path, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${path}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
  }
}

/** A deterministic PRNG (mulberry32): the same seed gives the same traffic on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
