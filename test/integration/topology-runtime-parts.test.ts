// The runtime's Kafka-facing parts on the real broker, without a topology: the exactly_once and
// at_least_once committers, changelog restoration (committed records only, up to the end offset)
// and internal-topic creation.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { TopologyError } from '../../topology/internal/errors.js';
import { AtLeastOnceCommitter } from '../../topology/internal/runtime/at-least-once-committer.js';
import { restoreChangelogs } from '../../topology/internal/runtime/changelog-restorer.js';
import { ensureInternalTopics } from '../../topology/internal/runtime/internal-topics.js';
import { TransactionalCommitter } from '../../topology/internal/runtime/transactional-committer.js';

const { ConfigResourceTypes } = kafkajs;
const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const RUN = `it-topo-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
const logger = createLogger('topology-runtime-parts-test', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'error' });

/** Reads every committed record of `topic` (read_committed) until `count` arrived, or fails after `timeoutMs`. */
async function readCommitted(kafka: Kafka, topic: string, count: number, timeoutMs = 30_000): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${RUN}-reader-${randomUUID()}`, readUncommitted: false });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    const deadline = Date.now() + timeoutMs;
    while (values.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out with ${values.length}/${count} records of ${topic}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('topology runtime parts (integration, Kafka)', function () {
  this.timeout(90_000);
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];
  const clients: (Producer | Consumer)[] = [];

  async function createTopic(name: string, partitions: number, config: Record<string, string> = {}): Promise<void> {
    topics.push(name);
    await ensureInternalTopics({ admin, topics: [{ name, kind: 'changelog', partitions, config }], logger });
  }

  before(async () => {
    kafka = createKafka({ brokers: BROKERS, clientId: RUN, logger });
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('creates internal topics with their configs and refuses one with another partition count', async () => {
    const name = `${RUN}-app-counts-changelog`;
    await createTopic(name, 3, { 'cleanup.policy': 'compact' });
    const described = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] }], includeSynonyms: false });
    expect(described.resources[0]?.configEntries[0]?.configValue).to.equal('compact');
    await ensureInternalTopics({ admin, topics: [{ name, kind: 'changelog', partitions: 3, config: { 'cleanup.policy': 'compact' } }], logger });
    try {
      await ensureInternalTopics({ admin, topics: [{ name, kind: 'changelog', partitions: 4, config: {} }], logger });
      expect.fail('expected a TopologyError');
    } catch (error) {
      expect(error).to.be.instanceOf(TopologyError);
      expect((error as Error).message).to.include('has 3 partitions, the topology needs 4');
    }
  });

  it('exactly_once: outputs and offsets commit together in one transaction', async () => {
    const input = `${RUN}-eos-in`;
    const output = `${RUN}-eos-out`;
    const groupId = `${RUN}-eos-group`;
    await createTopic(input, 2);
    await createTopic(output, 2);
    const committer = await TransactionalCommitter.create({ kafka, admin, changelogTopics: new Set([output]), consumerGroupId: groupId, transactionalId: `${RUN}-tx`, logger });
    try {
      const records = Array.from({ length: 12_000 }, (_, i) => ({ topic: output, partition: i % 2, key: Buffer.from(`k${i}`), value: Buffer.from(String(i)), timestamp: 1_000 + i, headers: { h: 'x' } }));
      await committer.commit(records, [{ topic: input, partition: 0, offset: '42' }, { topic: input, partition: 1, offset: '7' }]);
      // Transactional offsets become visible once the coordinator wrote the commit markers, just after commit() returns.
      let committed = new Map<number, string>();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        committed = new Map((await admin.fetchOffsets({ groupId, topics: [input] }))[0]?.partitions.map((p) => [p.partition, p.offset]));
        if (committed.get(0) === '42') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(committed).to.deep.equal(new Map([[0, '42'], [1, '7']]));
      const values = await readCommitted(kafka, output, records.length);
      expect(values).to.have.length(records.length);
      expect(new Set(values).size).to.equal(records.length);
    } finally {
      await committer.close();
    }
  });

  it('at_least_once: produces with acks, then commits the offsets through the group member', async () => {
    const input = `${RUN}-alos-in`;
    const output = `${RUN}-alos-out`;
    const groupId = `${RUN}-alos-group`;
    await createTopic(input, 1);
    await createTopic(output, 1);
    const producer = kafka.producer({ ...producerDefaults });
    clients.push(producer);
    await producer.connect();
    await producer.send({ ...sendDefaults, topic: input, messages: [{ value: 'a' }, { value: 'b' }] });

    const consumer = kafka.consumer({ groupId });
    clients.push(consumer);
    const committer = await AtLeastOnceCommitter.create({ kafka, consumer });
    let seen = 0;
    let commitError: unknown;
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const records = batch.messages.map((m) => ({ topic: output, key: null, value: Buffer.from(`out-${String(m.value)}`), timestamp: Number(m.timestamp), headers: {} }));
        await committer.commit(records, [{ topic: input, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]).catch((error: unknown) => (commitError = error));
        seen += batch.messages.length;
      },
    });
    const deadline = Date.now() + 30_000;
    while (seen < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await committer.close();
    expect(commitError).to.equal(undefined);
    expect(((await admin.fetchOffsets({ groupId, topics: [input] }))[0]?.partitions ?? [])[0]?.offset).to.equal('2');
    expect((await readCommitted(kafka, output, 2)).sort()).to.deep.equal(['out-a', 'out-b']);
  });

  it('restores committed changelog records up to the end offset, skipping aborted transactions', async () => {
    const changelog = `${RUN}-store-changelog`;
    await createTopic(changelog, 3, { 'cleanup.policy': 'compact' });
    const producer = kafka.producer({ ...producerDefaults, transactionalId: `${RUN}-writer`, maxInFlightRequests: 1 });
    clients.push(producer);
    await producer.connect();
    const write = async (partition: number, entries: [string, string | null][], commit: boolean): Promise<void> => {
      const tx = await producer.transaction();
      await tx.send({ topic: changelog, messages: entries.map(([key, value]) => ({ partition, key, value })) });
      await (commit ? tx.commit() : tx.abort());
    };
    await write(0, [['a', '1'], ['b', '1']], true);
    await write(0, [['a', 'aborted']], false);
    await write(0, [['a', '2'], ['b', null]], true);
    await write(1, [['c', '9']], true);
    await write(2, [['z', 'other task']], true);

    const stores = new Map<number, Map<string, string>>([[0, new Map()], [1, new Map()]]);
    const result = await restoreChangelogs({
      kafka,
      admin,
      groupPrefix: RUN,
      logger,
      targets: [0, 1].map((partition) => ({
        store: 'counts',
        topic: changelog,
        partition,
        apply: (records) => {
          const store = stores.get(partition)!;
          for (const r of records) {
            if (r.value === null) store.delete(String(r.key));
            else store.set(String(r.key), String(r.value));
          }
        },
      })),
    });
    expect(Object.fromEntries(stores.get(0)!)).to.deep.equal({ a: '2' });
    expect(Object.fromEntries(stores.get(1)!)).to.deep.equal({ c: '9' });
    expect(result.records).to.equal(5);
  });

  it('restores nothing, at once, from an empty changelog', async () => {
    const changelog = `${RUN}-empty-changelog`;
    await createTopic(changelog, 1, { 'cleanup.policy': 'compact' });
    const result = await restoreChangelogs({ kafka, admin, groupPrefix: RUN, logger, targets: [{ store: 's', topic: changelog, partition: 0, apply: () => expect.fail('no records expected') }] });
    expect(result.records).to.equal(0);
  });
});
