// Integration test of the demo log source against the real local Kafka
// (infra/local/components/kafka.sh start): 500 generated lines produced to a fresh
// 3-partition topic must arrive exactly once each, with the key and headers the
// design fixes for logs.raw. The topic and group names carry a per-run id so reruns pass.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { expect } from 'chai';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { GeneratedLine } from '../../bench/generator/generator.js';
import type { LineSink } from '../../bench/generator/line-sink.js';
import { runDemoSource } from '../../bench/generator/run.js';
import { createKafka, parseBrokerList } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { waitFor } from '../support/wait-for.js';

const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const RUN = `it-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
const TOPIC = `demo-source.${RUN}`;
const logger = createLogger('test-demo-kafka', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' });

function portOpen(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Remembers what the run generated, so the consumed records can be checked against the truth. */
function recordingSink(): LineSink & { lines: GeneratedLine[] } {
  const lines: GeneratedLine[] = [];
  return {
    name: 'recorder',
    lines,
    get delivered() {
      return lines.length;
    },
    async write(batch) {
      lines.push(...batch);
    },
    async close() {},
  };
}

interface Consumed {
  readonly partition: number;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
  readonly timestamp: string;
}

describe('demo source to Kafka (integration)', function () {
  this.timeout(240_000);
  let kafka: Kafka;
  let admin: Admin | undefined;
  let consumer: Consumer | undefined;

  before(async () => {
    // Another process may still be bringing the broker up; give it a few minutes.
    await waitFor(`Kafka at ${BROKERS[0]}`, () => portOpen(BROKERS[0]!), { timeoutMs: 180_000 });
    kafka = createKafka({ brokers: BROKERS, clientId: `sawmill-${RUN}`, logger });
    admin = kafka.admin();
    await admin.connect();
    const created = await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    expect(created).to.equal(true);
  });

  after(async () => {
    await consumer?.disconnect();
    if (admin !== undefined) {
      await admin.deleteTopics({ topics: [TOPIC] }).catch((error: unknown) => logger.warn({ err: error, topic: TOPIC }, 'could not delete test topic'));
      await admin.disconnect();
    }
  });

  it('produces exactly maxLines records with key host/service and service/host/format headers', async () => {
    const recorder = recordingSink();
    const result = await runDemoSource({
      ratePerSecond: 'max',
      maxLines: 500,
      outputs: { kafka: { brokers: BROKERS, topic: TOPIC } },
      seed: 20261201,
      incident: 'auto',
      logger,
      extraSinks: [recorder],
    });
    expect(result.stoppedBy).to.equal('max-lines');
    expect(result.generated).to.equal(500);
    expect(result.delivered['kafka']).to.equal(500);

    // The topic holds exactly 500 records (end offsets), so nothing was duplicated by retries.
    const offsets = await admin!.fetchTopicOffsets(TOPIC);
    expect(offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)).to.equal(500);

    const consumed: Consumed[] = [];
    consumer = kafka.consumer({ groupId: `sawmill-${RUN}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        consumed.push({
          partition,
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
          headers,
          timestamp: message.timestamp,
        });
      },
    });
    await waitFor('500 consumed records', () => consumed.length >= 500, { timeoutMs: 60_000 });
    expect(consumed).to.have.length(500);

    // Each record matches one generated line: key, headers, value and event-time timestamp.
    // Generated flat out, two lines can be identical (same template, same ms), so match as a multiset.
    const identity = (key: string, value: string) => `${key}\n${value}`;
    const expected = new Map<string, GeneratedLine[]>();
    for (const line of recorder.lines) {
      const id = identity(`${line.host}/${line.service}`, line.line);
      expected.set(id, [...(expected.get(id) ?? []), line]);
    }
    expect(recorder.lines).to.have.length(500);
    for (const record of consumed) {
      const truth = expected.get(identity(record.key, record.value))?.pop();
      expect(truth, `unexpected or duplicate record ${record.key} ${record.value}`).to.not.equal(undefined);
      expect(record.headers).to.deep.equal({ service: truth!.service, host: truth!.host, format: truth!.format });
      expect(record.timestamp).to.equal(String(truth!.timestampMs));
    }
    expect([...expected.values()].every((left) => left.length === 0)).to.equal(true);

    // The key decides the partition: one partition per key, and the 3 partitions all get some.
    const partitionOfKey = new Map<string, number>();
    for (const record of consumed) {
      const previous = partitionOfKey.get(record.key);
      if (previous !== undefined) expect(record.partition, record.key).to.equal(previous);
      partitionOfKey.set(record.key, record.partition);
    }
    expect(new Set(consumed.map((r) => r.partition)).size).to.equal(3);
    expect(new Set(consumed.map((r) => r.headers['service'])).size).to.equal(7);
  });
});
