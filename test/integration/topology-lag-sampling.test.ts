// The topology runtime's lag gauge on the real Kafka while the stream is stuck: a value serde
// whose prepare() stalls on one record holds the task (as a schema registry outage does), so no
// batch completes; `sawmill_topology_lag_records` must still follow the input as it grows (the timer
// samples it from the broker), then fall to 0 once the stream is released and catches up.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Admin, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { Serdes, startTopology, StreamsBuilder, type RunningTopology, type Serde } from '../../topology/index.js';
import { ensureInternalTopics } from '../../topology/internal/runtime/internal-topics.js';
import { waitFor } from '../support/wait-for.js';

const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const RUN = `it-lag-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
const logger = createLogger('topology-lag-sampling-test', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'fatal' });

/** A string serde whose prepare() waits on `gate` for the value "stall"; every other value passes at once. */
function stallingSerde(gate: { promise: Promise<void> }): Serde<string> {
  const inner = Serdes.String();
  return {
    serialize: (topic, value) => inner.serialize(topic, value),
    deserialize: (topic, data) => inner.deserialize(topic, data),
    prepare: async (_topic, data) => {
      if (data?.toString() === 'stall') await gate.promise;
    },
  };
}

describe('topology lag gauge while the stream is stuck (integration, Kafka)', function () {
  this.timeout(90_000);
  let kafka: Kafka;
  let admin: Admin;
  let running: RunningTopology | undefined;
  /** Unblocks the stalled record; also called on the way out, so a failed assertion cannot leave stop() waiting on it. */
  let release: () => void = () => undefined;
  const input = `${RUN}.in`;
  const output = `${RUN}.out`;

  async function produce(count: number, value: (i: number) => string): Promise<void> {
    const producer = kafka.producer({ ...producerDefaults });
    await producer.connect();
    try {
      await producer.send({ ...sendDefaults, topic: input, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: value(i) })) });
    } finally {
      await producer.disconnect();
    }
  }

  before(async () => {
    kafka = createKafka({ brokers: BROKERS, clientId: RUN, logger });
    admin = kafka.admin();
    await admin.connect();
    await ensureInternalTopics({ admin, topics: [input, output].map((name) => ({ name, kind: 'repartition' as const, partitions: 1, config: {} })), logger });
  });

  after(async () => {
    release();
    await running?.stop();
    if (admin === undefined) return;
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('follows the growing input while no batch completes, and reaches 0 once the stream catches up', async () => {
    const gate = { promise: new Promise<void>((resolve) => (release = resolve)) };
    const builder = new StreamsBuilder();
    builder.stream(input, { keySerde: Serdes.String(), valueSerde: stallingSerde(gate) }).to(output, { valueSerde: Serdes.String() });
    const registry = new Registry();
    const lag = async (): Promise<number | undefined> => {
      const metric = (await registry.getSingleMetric('sawmill_topology_lag_records')?.get())?.values.find((v) => v.labels.topic === input && v.labels.partition === '0');
      return metric?.value;
    };

    await produce(1, () => 'stall');
    running = await startTopology({
      topology: builder.build(),
      kafka,
      applicationId: `${RUN}-app`,
      guarantee: 'at_least_once',
      logger,
      registry,
      commitIntervalMs: 200,
      // Longer than the stuck phase: kafkajs cannot heartbeat from inside the stalled batch.
      sessionTimeoutMs: 45_000,
      lagSampleIntervalMs: 200,
    });
    // The first record stalls the task, so nothing is processed or committed: lag = everything written.
    await produce(40, (i) => `line ${i}`);
    let seen: number | undefined;
    await waitFor('lag 41 while stuck', async () => (seen = await lag()) === 41, { timeoutMs: 30_000, detail: () => `last ${String(seen)}` });
    expect(running.processedRecords()).to.equal(0);
    await produce(59, (i) => `more ${i}`);
    await waitFor('lag 100 while stuck', async () => (seen = await lag()) === 100, { timeoutMs: 30_000, detail: () => `last ${String(seen)}` });
    expect(running.processedRecords()).to.equal(0);

    release();
    await waitFor('all 100 records processed', () => running!.processedRecords() === 100, { timeoutMs: 30_000 });
    await waitFor('lag back to 0', async () => (seen = await lag()) === 0, { timeoutMs: 30_000, detail: () => `last ${String(seen)}` });
  });

  it('refuses a lag sample interval that is not a positive number', async () => {
    const builder = new StreamsBuilder();
    builder.stream(input, { keySerde: Serdes.String(), valueSerde: Serdes.String() }).to(output, { valueSerde: Serdes.String() });
    for (const lagSampleIntervalMs of [0, -1, Number.NaN]) {
      let error: unknown;
      await startTopology({ topology: builder.build(), kafka, applicationId: `${RUN}-bad`, logger, lagSampleIntervalMs }).catch((e: unknown) => (error = e));
      expect(String(error), String(lagSampleIntervalMs)).to.match(/lagSampleIntervalMs must be a positive number of ms/);
    }
  });
});
