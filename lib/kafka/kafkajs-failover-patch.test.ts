/**
 * Regression test of patches/kafkajs+2.2.4.patch (kafkajs#1303): kafkajs' own send path
 * (src/producer/sendMessages.js, as patched at `npm ci` by patch-package) with the network edge
 * replaced: two fake brokers and a metadata view whose leadership moves between attempts.
 *
 * The failover it replays: one send covers partition 0 (led by broker 1) and partition 1 (led by
 * broker 2). Broker 1 answers NOT_LEADER_FOR_PARTITION because it just lost leadership of
 * partition 0 to broker 2, which has already acknowledged partition 1. Unpatched kafkajs retried
 * only brokers without a response, never re-sent partition 0, and resolved: acknowledged lines
 * lost. The broker-crash drill (test/drills/broker-crash.test.ts) found it on a real cluster.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ProduceRequest {
  topicData: { topic: string; partitions: { partition: number; messages: unknown[] }[] }[];
}
type SendMessages = (options: {
  logger: unknown;
  cluster: unknown;
  partitioner: unknown;
  eosManager: unknown;
  retrier: unknown;
}) => (request: { acks: number; timeout: number; compression: number; topicMessages: { topic: string; messages: { partition: number; value: string }[] }[] }) => Promise<{ topicName: string; partition: number }[]>;

const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as SendMessages;
const createRetry = require('kafkajs/src/retry') as (options: Record<string, number>) => unknown;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };
const { KafkaJSProtocolError } = require('kafkajs/src/errors.js') as { KafkaJSProtocolError: new (error: Error) => Error };

const NOT_LEADER_FOR_PARTITION = 6;
const TOPIC = 'logs.raw';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A broker that records what it was sent and answers with `answer`. */
function fakeBroker(nodeId: number, answer: (request: ProduceRequest) => void) {
  const received: number[] = [];
  return {
    nodeId,
    received,
    async produce(request: ProduceRequest) {
      for (const { partitions } of request.topicData) for (const { partition } of partitions) received.push(partition);
      answer(request);
      return {
        topics: request.topicData.map(({ topic, partitions }) => ({
          topicName: topic,
          partitions: partitions.map(({ partition }) => ({ partition, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' })),
        })),
      };
    },
  };
}

describe('kafkajs producer patch: partitions moved to a broker that already answered are re-sent (kafkajs#1303)', () => {
  it('re-sends partition 0 to its new leader and resolves with both partitions acknowledged', async () => {
    // partition -> leader node; partition 0 moves to node 2 when metadata is refreshed after the error.
    const leaders = new Map<number, number>([
      [0, 1],
      [1, 2],
    ]);
    const broker1 = fakeBroker(1, () => {
      throw new KafkaJSProtocolError(createErrorFromCode(NOT_LEADER_FOR_PARTITION));
    });
    const broker2 = fakeBroker(2, () => {});
    const brokers = new Map([
      [1, broker1],
      [2, broker2],
    ]);
    const cluster = {
      targetTopics: new Set([TOPIC]),
      async refreshMetadataIfNecessary() {},
      async refreshMetadata() {
        leaders.set(0, 2);
      },
      async addMultipleTargetTopics() {},
      isConnected: () => true,
      removeBroker() {},
      findTopicPartitionMetadata: () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
      findLeaderForPartitions(_topic: string, partitions: string[]) {
        const byLeader: Record<string, number[]> = {};
        for (const partition of partitions.map(Number)) (byLeader[String(leaders.get(partition))] ??= []).push(partition);
        return byLeader;
      },
      async findBroker({ nodeId }: { nodeId: string }) {
        return brokers.get(Number(nodeId));
      },
    };
    const eosManager = {
      async acquireBrokerLock() {},
      async releaseBrokerLock() {},
      isTransactional: () => false,
      getSequence: () => 0,
      updateSequence() {},
      getProducerId: () => -1,
      getProducerEpoch: () => 0,
      getTransactionalId: () => undefined,
    };
    const send = createSendMessages({
      logger: silentLogger,
      cluster,
      partitioner: ({ message }: { message: { partition: number } }) => message.partition,
      eosManager,
      retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
    });

    const acknowledged = await send({
      acks: -1,
      timeout: 1000,
      compression: 0,
      topicMessages: [{ topic: TOPIC, messages: [{ partition: 0, value: 'a' }, { partition: 1, value: 'b' }] }],
    });

    expect(acknowledged.map((r) => r.partition).sort()).to.deep.equal([0, 1]);
    expect(broker1.received).to.deep.equal([0]);
    // Partition 1 once, then partition 0 on the retry: nothing lost, nothing sent twice.
    expect(broker2.received).to.deep.equal([1, 0]);
  });
});
