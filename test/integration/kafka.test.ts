// Integration tests against the real local Kafka (infra/local/components/kafka.sh start):
// keyed produce and a two-member consumer group, a transactional consume-transform-produce round
// trip, and the topic reconciler. Every topic and group name carries a per-run id so reruns pass.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { createLogger } from '../../lib/logger.js';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { reconcileTopics } from '../../lib/kafka/topic-reconciler.js';
import { SAWMILL_TOPICS, type TopicSpec } from '../../lib/kafka/topics.js';
import { waitFor } from '../support/wait-for.js';

const { ConfigResourceTypes } = kafkajs;

const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const RUN = `it-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
const logger = createLogger('test-kafka', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' });
// For set-up calls whose capping warnings on a single broker are expected noise.
const quiet = createLogger('test-kafka', { level: 'error' });

describe('kafka (integration)', function () {
  this.timeout(120_000);
  let kafka: Kafka;
  let admin: Admin;
  let brokerCount: number;
  const createdTopics: string[] = [];
  const toClose: (Consumer | Producer)[] = [];

  // Through the reconciler, which waits until the new topic has leaders on the broker we talk to.
  async function createTopic(name: string, partitions: number): Promise<void> {
    createdTopics.push(name);
    const spec: TopicSpec = { name, purpose: 'integration test', partitions, replicationFactor: 3, config: {} };
    await reconcileTopics({ admin, topics: [spec], brokerCount, logger: quiet });
  }

  before(async () => {
    kafka = createKafka({ brokers: BROKERS, clientId: `sawmill-${RUN}`, logger });
    admin = kafka.admin();
    await admin.connect();
    brokerCount = (await admin.describeCluster()).brokers.length;
  });

  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((client) => client.disconnect()));
  });

  after(async () => {
    if (admin === undefined) return;
    if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics });
    await admin.disconnect();
  });

  it('delivers keyed messages from all 12 partitions exactly once to a group of two members', async () => {
    const topic = `${RUN}.keyed`;
    const groupId = `${RUN}.group`;
    await createTopic(topic, 12);

    // Latest assignment each member got on joining (GROUP_JOIN carries no generation id).
    const assignments = new Map<string, number[]>();
    const received = new Map<string, { member: string; key: string; count: number }>();
    let deliveries = 0;

    for (const member of ['a', 'b']) {
      const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
      toClose.push(consumer);
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assignments.set(member, payload.memberAssignment[topic] ?? []);
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          deliveries += 1;
          const id = `${partition}/${message.offset}`;
          const seen = received.get(id);
          if (seen) seen.count += 1;
          else received.set(id, { member, key: String(message.key), count: 1 });
        },
      });
    }

    // Produce only once both members hold a share of the 12 partitions (disjoint, so both joined the
    // same generation): no rebalance happens while messages flow and "exactly once" is fair to expect.
    await waitFor('both members to share the 12 partitions', () => {
      const a = assignments.get('a') ?? [];
      const b = assignments.get('b') ?? [];
      return a.length > 0 && b.length > 0 && new Set([...a, ...b]).size === 12 && a.length + b.length === 12;
    });

    const producer = kafka.producer({ ...producerDefaults });
    toClose.push(producer);
    await producer.connect();
    const total = 240;
    await producer.send({
      ...sendDefaults,
      topic,
      messages: Array.from({ length: total }, (_, i) => ({ key: `host-${i}`, value: `line ${i}` })),
    });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.filter((p) => Number(p.high) > 0), 'partitions that received messages').to.have.length(12);

    await waitFor(`${total} messages`, () => deliveries >= total);
    expect(deliveries, 'deliveries').to.equal(total);
    expect(received.size, 'distinct partition/offset pairs').to.equal(total);
    expect([...received.values()].every((entry) => entry.count === 1)).to.equal(true);
    expect(new Set([...received.values()].map((entry) => entry.key)).size, 'distinct keys').to.equal(total);
    const members = new Set([...received.values()].map((entry) => entry.member));
    expect([...members].sort(), 'members that received messages').to.deep.equal(['a', 'b']);

    const group = (await admin.describeGroups([groupId])).groups[0];
    expect(group?.state).to.equal('Stable');
    expect(group?.members).to.have.length(2);
  });

  it('commits outputs and input offsets in one transaction, and hides an aborted one', async () => {
    const input = `${RUN}.tx-in`;
    const output = `${RUN}.tx-out`;
    const groupId = `${RUN}.tx-group`;
    await createTopic(input, 3);
    await createTopic(output, 3);

    const plain = kafka.producer({ ...producerDefaults });
    const transactional = kafka.producer({
      ...producerDefaults,
      transactionalId: `${RUN}.tx`,
      maxInFlightRequests: 1,
    });
    const consumer = kafka.consumer({ groupId, readUncommitted: false });
    toClose.push(plain, transactional, consumer);
    await Promise.all([plain.connect(), transactional.connect(), consumer.connect()]);

    const count = 30;
    await plain.send({
      ...sendDefaults,
      topic: input,
      messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    });

    // Consume-transform-produce: outputs and the consumed offsets commit together or not at all.
    let processed = 0;
    await consumer.subscribe({ topic: input, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const tx = await transactional.transaction();
        try {
          await tx.send({
            topic: output,
            messages: batch.messages.map((m) => ({ key: m.key, value: `doubled ${Number(String(m.value)) * 2}` })),
          });
          await tx.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic: input, partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }] }],
          });
          await tx.commit();
          processed += batch.messages.length;
        } catch (error) {
          await tx.abort();
          throw error;
        }
      },
    });
    await waitFor(`${count} input messages processed`, () => processed >= count);
    await consumer.stop();

    const highs = new Map((await admin.fetchTopicOffsets(input)).map((p) => [p.partition, p.high]));
    const committed = async (): Promise<Map<number, string>> =>
      new Map(((await admin.fetchOffsets({ groupId, topics: [input] }))[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
    expect(await committed()).to.deep.equal(highs);

    // An aborted transaction must neither show its output nor move the group's offsets.
    const aborted = await transactional.transaction();
    await aborted.send({ topic: output, messages: [{ key: 'k0', value: 'aborted' }] });
    await aborted.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '100000' }] }],
    });
    await aborted.abort();
    expect(await committed()).to.deep.equal(highs);
    const marker = await transactional.transaction();
    await marker.send({ topic: output, messages: [{ key: 'k0', value: 'end' }] });
    await marker.commit();

    const reader = kafka.consumer({ groupId: `${RUN}.tx-reader`, readUncommitted: false });
    toClose.push(reader);
    const values: string[] = [];
    await reader.connect();
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    await waitFor('the committed marker after the aborted transaction', () => values.includes('end'));
    expect(values).not.to.include('aborted');
    expect(values.filter((v) => v.startsWith('doubled '))).to.have.length(count);
  });

  it('reconcileTopics creates declared topics, then changes nothing on a second call', async () => {
    // A per-run copy of the declared list, so "created" is observable on every rerun.
    const declared: TopicSpec[] = SAWMILL_TOPICS.map((t) => ({ ...t, name: `${RUN}.${t.name}` }));
    createdTopics.push(...declared.map((t) => t.name));

    const first = await reconcileTopics({ admin, topics: declared, brokerCount, logger });
    expect([...first.created].sort()).to.deep.equal(declared.map((t) => t.name).sort());
    expect(first.changed).to.equal(true);
    const metadata = await admin.fetchTopicMetadata({ topics: declared.map((t) => t.name) });
    for (const spec of declared) {
      const topic = metadata.topics.find((t) => t.name === spec.name);
      expect(topic?.partitions, spec.name).to.have.length(spec.partitions);
      expect(topic?.partitions[0]?.replicas, spec.name).to.have.length(Math.min(spec.replicationFactor, brokerCount));
    }

    const second = await reconcileTopics({ admin, topics: declared, brokerCount, logger });
    expect(second.changed).to.equal(false);
    expect(second.created).to.deep.equal([]);
    expect(second.configsAltered).to.deep.equal([]);
    expect(second.partitionsIncreased).to.deep.equal([]);
    expect([...second.unchanged].sort()).to.deep.equal(declared.map((t) => t.name).sort());

    // Drift: a config changed by hand and a declaration asking for more partitions.
    const dlq = declared.find((t) => t.name.endsWith('.logs.dlq'));
    if (dlq === undefined) throw new Error('logs.dlq is not declared');
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: dlq.name,
          configEntries: [
            { name: 'retention.ms', value: '60000' },
            { name: 'segment.ms', value: '3600000' },
            // AlterConfigs replaces the topic's whole override set: keep the declared size limit,
            // so retention.ms is the only drift the reconciler has to undo.
            { name: 'max.message.bytes', value: String(dlq.config['max.message.bytes']) },
          ],
        },
      ],
    });
    // Config changes travel controller -> broker metadata cache asynchronously; wait until the broker shows it.
    await waitFor('the hand-made config change to reach the broker', async () => {
      const seen = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: dlq.name, configNames: ['retention.ms'] }],
        includeSynonyms: false,
      });
      return seen.resources[0]?.configEntries[0]?.configValue === '60000';
    });
    const grown = declared.map((t) => (t === dlq ? { ...t, partitions: t.partitions + 1 } : t));
    const third = await reconcileTopics({ admin, topics: grown, brokerCount, logger });
    expect(third.partitionsIncreased).to.deep.equal([{ topic: dlq.name, from: dlq.partitions, to: dlq.partitions + 1 }]);
    expect(third.configsAltered).to.deep.equal([
      { topic: dlq.name, changes: [{ name: 'retention.ms', from: '60000', to: dlq.config['retention.ms'] }] },
    ]);
    // The declared value arrives (asynchronously, as above) and the undeclared override survives
    // the non-incremental AlterConfigs.
    let values: Record<string, string | undefined> = {};
    const expected = { 'retention.ms': dlq.config['retention.ms'], 'segment.ms': '3600000' };
    await waitFor(`configs ${JSON.stringify(expected)}, last seen ${JSON.stringify(values)}`, async () => {
      const described = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: dlq.name, configNames: ['retention.ms', 'segment.ms'] }],
        includeSynonyms: false,
      });
      values = Object.fromEntries(described.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]) ?? []);
      return values['retention.ms'] === expected['retention.ms'];
    }, { timeoutMs: 10_000 });
    expect(values).to.deep.equal(expected);

    // Asking for fewer partitions than exist is reported, never applied.
    const fourth = await reconcileTopics({ admin, topics: declared, brokerCount, logger });
    expect(fourth.changed).to.equal(false);
    expect(fourth.warnings.join('\n')).to.include(`topic ${dlq.name}: has ${dlq.partitions + 1} partitions`);
  });

  it('reconcileTopics leaves the real declared topics in place and idempotent', async () => {
    await reconcileTopics({ admin, topics: SAWMILL_TOPICS, brokerCount, logger });
    const again = await reconcileTopics({ admin, topics: SAWMILL_TOPICS, brokerCount, logger });
    expect(again.changed).to.equal(false);
    const existing = new Set(await admin.listTopics());
    for (const topic of SAWMILL_TOPICS) expect(existing.has(topic.name), topic.name).to.equal(true);
  });
});
