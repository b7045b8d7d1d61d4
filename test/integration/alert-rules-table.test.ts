// AlertRulesTable against the real local Kafka and schema registry: bootstrap from the beginning of a
// compacted topic (latest rule per key, tombstones delete), live updates after start, bad records
// skipped with a metric, an empty topic, a missing topic. Each run uses its own topic and subject;
// the shared `alert-rules` topic is never touched.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { reconcileTopics } from '../../lib/kafka/topic-reconciler.js';
import { AlertRulesTable, AlertRulesTableError } from '../../processors/alert-rules-table.js';
import { alertRule } from '../../processors/stats/test-fixtures.js';
import { topicValueSchema, type AlertRule } from '../../schemas/log-schemas.js';
import { Serdes, type Serde } from '../../topology/index.js';
import { waitFor } from '../support/wait-for.js';

const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const RUN = `it-rules-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
const logger = createLogger('test-alert-rules-table', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'error' });

/** The rule as plain JSON (avsc decodes records into class instances). */
const plain = (rule: AlertRule | undefined) => (rule === undefined ? undefined : (JSON.parse(JSON.stringify(rule)) as AlertRule));

describe('alert-rules table (integration: Kafka + schema registry)', function () {
  this.timeout(120_000);
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let registry: SchemaRegistry;
  let writer: Serde<AlertRule>;
  let brokerCount: number;
  const topics: string[] = [];
  const tables: AlertRulesTable[] = [];

  async function createTopic(partitions: number): Promise<string> {
    const name = `${RUN}-${topics.length}`;
    topics.push(name);
    await reconcileTopics({ admin, topics: [{ name, purpose: 'alert-rules table test', partitions, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }], brokerCount, logger });
    return name;
  }

  async function send(topic: string, key: string | null, value: Buffer | null): Promise<void> {
    await producer.send({ topic, ...sendDefaults, messages: [{ key, value }] });
  }

  const encode = (rule: AlertRule) => writer.serialize('alert-rules', rule);

  function table(topic: string, metrics?: Registry): AlertRulesTable {
    const t = new AlertRulesTable({ kafka, registry, topic, logger, groupIdPrefix: `${RUN}-table`, startTimeoutMs: 60_000, ...(metrics ? { metrics } : {}) });
    tables.push(t);
    return t;
  }

  before(async () => {
    kafka = createKafka({ brokers: BROKERS, clientId: `sawmill-${RUN}`, logger });
    admin = kafka.admin();
    await admin.connect();
    brokerCount = (await admin.describeCluster()).brokers.length;
    producer = kafka.producer(producerDefaults);
    await producer.connect();
    registry = new SchemaRegistry({ host: REGISTRY_URL, retry: { retries: 2 } });
    // Our own subject: the shared alert-rules-value subject is left alone.
    writer = Serdes.Avro<AlertRule>({ registry, schema: topicValueSchema('alert-rules'), subject: `${RUN}-value` });
    await writer.init!();
  });

  afterEach(async () => {
    await Promise.all(tables.splice(0).map((t) => t.stop()));
  });

  after(async () => {
    await producer?.disconnect();
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('bootstraps the latest rule per key from the beginning, applies tombstones, and skips bad records with a metric', async () => {
    const topic = await createTopic(3);
    const r1 = alertRule({ id: 'r1', kind: 'ERROR_SPIKE' });
    const r1v2 = { ...r1, name: 'errors v2', errorSpike: { ...r1.errorSpike!, zScoreThreshold: 6 }, updatedAtMs: 2 };
    const r2 = alertRule({ id: 'r2', kind: 'THRESHOLD', service: 'api', labels: { team: 'pay', runbook: 'https://x' } });
    const r3 = alertRule({ id: 'r3', kind: 'ABSENCE' });
    await send(topic, 'r1', encode(r1));
    await send(topic, 'r2', encode(r2));
    await send(topic, 'r3', encode(r3));
    await send(topic, 'bad', Buffer.from('{"not":"avro"}'));
    await send(topic, 'other-id', encode(alertRule({ id: 'r9', kind: 'ABSENCE' })));
    // (A null key cannot be tested: the broker refuses keyless records on a compacted topic.)
    await send(topic, 'r1', encode(r1v2));
    await send(topic, 'r3', null);
    const metrics = new Registry();
    const t = table(topic, metrics);
    await t.start();
    expect(t.rules().map((r) => r.id).sort()).to.deep.equal(['r1', 'r2']);
    expect(plain(t.get('r1'))).to.deep.equal(r1v2);
    expect(plain(t.get('r2'))).to.deep.equal(r2);
    expect(t.get('r3')).to.equal(undefined);
    const rejected = (await metrics.getMetricsAsJSON()).find((m) => m.name === 'sawmill_stream_alert_rules_rejected_total');
    expect(Object.fromEntries(rejected!.values.map((v) => [v.labels['reason'], v.value]))).to.deep.equal({ undecodable: 1, 'id-mismatch': 1 });

    // Every instance reads the whole table.
    const second = table(topic);
    await second.start();
    expect(second.rules().map((r) => r.id).sort()).to.deep.equal(['r1', 'r2']);

    // Live changes after start.
    const before = t.rules();
    await send(topic, 'r4', encode(alertRule({ id: 'r4', kind: 'LATENCY_ANOMALY' })));
    await send(topic, 'r2', null);
    await waitFor('the table to apply r4 and delete r2', () => t.get('r4') !== undefined && t.get('r2') === undefined, { detail: () => JSON.stringify(t.rules().map((r) => r.id)) });
    expect(t.rules().map((r) => r.id).sort()).to.deep.equal(['r1', 'r4']);
    expect(t.rules()).to.not.equal(before); // a new snapshot: anomaly-detect re-validates on change
  });

  it('starts at once on an empty topic and rejects on a missing one', async () => {
    const topic = await createTopic(2);
    const t = table(topic);
    await t.start();
    expect(t.rules()).to.deep.equal([]);
    const missing = table(`${RUN}-missing`);
    let error: unknown;
    try {
      await missing.start();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(AlertRulesTableError);
    expect((error as Error).message).to.equal(`topic ${RUN}-missing does not exist`);
  });
});
