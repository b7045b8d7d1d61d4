// The runtime's bad-record paths and start-up checks on the real Kafka: a poison record is
// dead-lettered with its reason and origin in headers while good records flow on; under
// log-and-fail the instance stops with a BadRecordError and does not commit past the record; a
// join over topics with different partition counts is refused at start (CopartitioningError); the
// metrics are registered and move.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { Serdes, startTopology, StreamsBuilder, type BadRecordHandling, type RunningTopology, type Topology } from '../../topology/index.js';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';
import { BadRecordError, CopartitioningError } from '../../topology/internal/errors.js';
import { ensureInternalTopics } from '../../topology/internal/runtime/internal-topics.js';
import { waitFor } from '../support/wait-for.js';

const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const RUN = `it-bad-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
const logger = createLogger('topology-bad-records-test', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'fatal' });

const Event = z.object({ id: z.string(), level: z.string() });

/** input (JSON events) -> upper-case the level -> output. */
function levelTopology(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.String(), valueSerde: Serdes.Json(Event) })
    .mapValues((event) => ({ ...event, level: event.level.toUpperCase() }))
    .to(output, { valueSerde: Serdes.Json(Event) });
  return builder.build();
}

describe('topology runtime bad records and start-up checks (integration, Kafka)', function () {
  this.timeout(90_000);
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];
  const running: RunningTopology[] = [];

  async function createTopic(name: string, partitions: number): Promise<string> {
    topics.push(name);
    await ensureInternalTopics({ admin, topics: [{ name, kind: 'repartition', partitions, config: {} }], logger });
    return name;
  }

  async function produce(topic: string, messages: { key: string; value: string }[]): Promise<void> {
    const producer = kafka.producer({ ...producerDefaults });
    await producer.connect();
    await producer.send({ ...sendDefaults, topic, messages });
    await producer.disconnect();
  }

  async function readAll(topic: string, count: number): Promise<{ key: string; value: string; headers: Record<string, string> }[]> {
    const consumer = kafka.consumer({ groupId: `${RUN}-reader-${randomUUID()}`, readUncommitted: false });
    const out: { key: string; value: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          out.push({ key: String(message.key), value: String(message.value), headers });
        },
      });
      await waitFor(`${count} records on ${topic}`, () => out.length >= count);
    } finally {
      await consumer.disconnect();
    }
    return out;
  }

  function start(topology: Topology, appId: string, badRecordHandling: BadRecordHandling, registry?: Registry): Promise<RunningTopology> {
    return startTopology({
      topology,
      kafka,
      applicationId: appId,
      guarantee: 'at_least_once',
      badRecordHandling,
      logger,
      commitIntervalMs: 200,
      sessionTimeoutMs: 6_000,
      ...(registry ? { registry } : {}),
    }).then((r) => {
      running.push(r);
      return r;
    });
  }

  before(async () => {
    kafka = createKafka({ brokers: BROKERS, clientId: RUN, logger });
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });

  after(async () => {
    if (admin === undefined) return;
    const internal = (await admin.listTopics()).filter((t) => t.startsWith(RUN));
    await admin.deleteTopics({ topics: [...new Set([...topics, ...internal])] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('dead-letters a poison record with its reason and origin while good records flow on', async () => {
    const input = await createTopic(`${RUN}.dlq-in`, 1);
    const output = await createTopic(`${RUN}.dlq-out`, 1);
    const dlq = await createTopic(`${RUN}.dlq`, 1);
    const appId = `${RUN}-dlq`;
    await produce(input, [
      { key: 'a', value: JSON.stringify({ id: 'e1', level: 'info' }) },
      { key: 'b', value: '{"id": "e2", "level": ' },
      { key: 'c', value: JSON.stringify({ id: 'e3', level: 'warn' }) },
    ]);
    const registry = new Registry();
    await start(levelTopology(input, output), appId, { deadLetterTopic: dlq }, registry);

    const outputs = await readAll(output, 2);
    expect(outputs.map((r) => JSON.parse(r.value) as { level: string }).map((e) => e.level)).to.deep.equal(['INFO', 'WARN']);
    const [dead] = await readAll(dlq, 1);
    expect(dead?.key).to.equal('b');
    expect(dead?.value).to.equal('{"id": "e2", "level": ');
    expect(dead?.headers[DLQ_HEADERS.reason]).to.include('malformed JSON');
    expect(dead?.headers[DLQ_HEADERS.sourceTopic]).to.equal(input);
    expect(dead?.headers[DLQ_HEADERS.sourcePartition]).to.equal('0');
    expect(dead?.headers[DLQ_HEADERS.sourceOffset]).to.equal('1');

    await waitFor('the input offsets to be committed', async () => ((await admin.fetchOffsets({ groupId: appId, topics: [input] }))[0]?.partitions[0]?.offset ?? '-1') === '3');
    const metrics = await registry.metrics();
    expect(metrics).to.match(/sawmill_topology_dead_letters_total\{[^}]*\} 1/);
    expect(metrics).to.match(/sawmill_topology_commit_seconds_count \d+/);
    expect(metrics).to.include('sawmill_topology_records_in_total');
    expect(metrics).to.include('sawmill_topology_lag_records');
  });

  it('log-and-fail stops the instance with a BadRecordError and commits nothing past the poison record', async () => {
    const input = await createTopic(`${RUN}.fail-in`, 1);
    const output = await createTopic(`${RUN}.fail-out`, 1);
    const appId = `${RUN}-fail`;
    await produce(input, [
      { key: 'a', value: JSON.stringify({ id: 'e1', level: 'info' }) },
      { key: 'b', value: JSON.stringify({ id: 'e2' }) }, // valid JSON, wrong shape: the zod schema refuses it
    ]);
    const instance = await start(levelTopology(input, output), appId, 'log-and-fail');
    let failure: unknown;
    await instance.done.catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(BadRecordError);
    expect((failure as BadRecordError).origin).to.include({ topic: input, partition: 0, offset: '1' });
    const committed = (await admin.fetchOffsets({ groupId: appId, topics: [input] }))[0]?.partitions[0]?.offset;
    // Nothing was committed: the instance stops without committing the work of the failing batch.
    expect(committed).to.equal('-1');
  });

  it('refuses to start a join over topics with different partition counts (CopartitioningError)', async () => {
    const clicks = await createTopic(`${RUN}.clicks`, 3);
    const users = await createTopic(`${RUN}.users`, 2);
    const builder = new StreamsBuilder();
    const table = builder.table(users, { keySerde: Serdes.String(), valueSerde: Serdes.String() });
    builder
      .stream(clicks, { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .join(table, (click, user) => `${user}:${click}`)
      .to(`${RUN}.joined`, { valueSerde: Serdes.String() });
    try {
      await start(builder.build(), `${RUN}-copart`, 'log-and-continue');
      expect.fail('expected a CopartitioningError');
    } catch (error) {
      expect(error).to.be.instanceOf(CopartitioningError);
      expect((error as CopartitioningError).partitions.get(clicks)).to.equal(3);
      expect((error as CopartitioningError).partitions.get(users)).to.equal(2);
    }
  });
});
