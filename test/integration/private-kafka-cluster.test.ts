import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { pino } from 'pino';
import { producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { patientAdmin } from '../../topology/internal/runtime/patient-admin.js';
import { createTestTopics } from '../support/create-test-topics.js';
import { waitFor } from '../support/wait-for.js';
import { createPrivateKafkaCluster, type PrivateKafkaCluster } from '../support/private-kafka-cluster.js';

describe('private three-node Kafka cluster (KRaft, replication 3, min ISR 2)', function () {
  this.timeout(240_000);
  let cluster: PrivateKafkaCluster;
  const topic = `private-cluster-${process.pid}`;

  before(async () => {
    cluster = await createPrivateKafkaCluster(await mkdtemp(join(tmpdir(), 'sawmill-private-cluster-')));
    await cluster.start();
  });

  after(async () => {
    await cluster?.stop();
  });

  it('replicates every partition three times and requires two in-sync replicas', async () => {
    const admin = new kafkajs.Kafka({ brokers: cluster.brokers, clientId: 'private-cluster-test', logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await createTestTopics(admin, [{ topic, numPartitions: 2 }]);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]!.partitions.map((p) => p.replicas.length)).to.deep.equal([3, 3]);
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }] });
      expect(resources[0]!.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue).to.equal('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('names the coordinator of an open transaction', async () => {
    const kafka = new kafkajs.Kafka({ brokers: cluster.brokers, clientId: 'private-cluster-test', logLevel: kafkajs.logLevel.NOTHING });
    const transactionalId = `${topic}-tx`;
    const producer = kafka.producer({ ...producerDefaults, transactionalId, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ key: 'tx', value: 'in a transaction' }] });
      await transaction.commit();
      const coordinators = await cluster.transactionCoordinators();
      expect(coordinators.get(transactionalId), `coordinators listed: ${JSON.stringify([...coordinators])}`).to.be.oneOf([0, 1, 2]);
    } finally {
      await producer.disconnect();
    }
  });

  it('keeps every acks=all write exactly once when the leader is killed mid-stream and comes back', async () => {
    const kafka = new kafkajs.Kafka({ brokers: cluster.brokers, clientId: 'private-cluster-test', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 200 } });
    const producer = kafka.producer(producerDefaults);
    await producer.connect();
    let sent = 0;
    const sendBatch = async (count: number): Promise<void> => {
      const messages = Array.from({ length: count }, () => ({ key: 'k', value: String(sent++) }));
      await producer.send({ ...sendDefaults, topic, messages });
    };
    try {
      await sendBatch(100);
      const leader = await cluster.leaderOf(topic, 0);
      const killedAt = Date.now();
      await cluster.killNode(leader);
      // Writes while the leader is down wait for the new leader and must still be acknowledged.
      for (let i = 0; i < 10; i++) await sendBatch(50);
      const newLeader = await cluster.leaderOf(topic, 0);
      expect(newLeader).to.not.equal(leader);
      console.log(`      killed leader node ${leader}; ${topic}/0 led by node ${newLeader}, writes acknowledged again after ${Date.now() - killedAt} ms`);
      await cluster.startNode(leader);
      await sendBatch(100);
    } finally {
      await producer.disconnect();
    }

    const seen = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: `${topic}-check` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let total = 0;
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (partition !== 0 || message.key?.toString() !== 'k') return;
        const value = message.value?.toString() ?? '';
        seen.set(value, (seen.get(value) ?? 0) + 1);
        total++;
      },
    });
    try {
      await waitFor(`all ${sent} records read back`, () => total >= sent, { timeoutMs: 60_000, detail: () => `(read ${total})` });
    } finally {
      await consumer.disconnect();
    }
    const missing = Array.from({ length: sent }, (_, n) => String(n)).filter((n) => !seen.has(n));
    const duplicated = [...seen].filter(([, count]) => count > 1).map(([value]) => value);
    expect({ sent, total, missing: missing.length, duplicated: duplicated.length }).to.deep.equal({ sent, total: sent, missing: 0, duplicated: 0 });
  });

  it("answers every end-offset lookup of the topology's patient admin while the leader is killed, restarted and elected back", async () => {
    const kafka = new kafkajs.Kafka({ brokers: cluster.brokers, clientId: 'private-cluster-test', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
    const movedTopic = `${topic}-moved`;
    const plain = kafka.admin();
    const patient = patientAdmin(kafka.admin(), { kafka, logger: pino({ level: 'silent' }) });
    await plain.connect();
    await patient.connect();
    // Both clients look up end offsets back to back for the whole failover, as a rebalancing topology does.
    const tally = { plain: { ok: 0, failed: new Map<string, number>() }, patient: { ok: 0, failed: new Map<string, number>() } };
    let looking = true;
    const lookUp = async (client: Pick<kafkajs.Admin, 'fetchTopicOffsets'>, counts: { ok: number; failed: Map<string, number> }): Promise<void> => {
      while (looking) {
        try {
          await client.fetchTopicOffsets(movedTopic);
          counts.ok += 1;
        } catch (error) {
          const kind = (error as { type?: string }).type ?? (error as Error).name;
          counts.failed.set(kind, (counts.failed.get(kind) ?? 0) + 1);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    let loops: Promise<void>[] = [];
    try {
      await createTestTopics(plain, [{ topic: movedTopic, numPartitions: 1 }]);
      loops = [lookUp(plain, tally.plain), lookUp(patient, tally.patient)];
      const preferred = await cluster.leaderOf(movedTopic, 0);
      await cluster.killNode(preferred);
      expect(await cluster.leaderOf(movedTopic, 0)).to.not.equal(preferred);
      await cluster.startNode(preferred);
      await cluster.electPreferredLeader(movedTopic, 0);
      await waitFor('the preferred replica leads again', async () => (await cluster.leaderOf(movedTopic, 0)) === preferred, { timeoutMs: 30_000 });
      await waitFor('a few lookups after the election', () => tally.patient.ok > 0, { timeoutMs: 60_000 });
    } finally {
      looking = false;
      await Promise.all(loops);
      await plain.disconnect();
      await patient.disconnect();
    }
    const show = (counts: { ok: number; failed: Map<string, number> }): string => `${counts.ok} answered, failed ${JSON.stringify(Object.fromEntries(counts.failed))}`;
    console.log(`      kafkajs admin: ${show(tally.plain)}; patient admin: ${show(tally.patient)}`);
    expect(tally.patient.failed.size, show(tally.patient)).to.equal(0);
    expect(tally.patient.ok).to.be.greaterThan(0);
  });
});
