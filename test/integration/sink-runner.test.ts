/**
 * The sink runner on the real Kafka with a scripted writer: offsets are committed only after the
 * writer confirmed; per-item `retry` is retried (never dead-lettered), `rejected` goes to the DLQ
 * with the reason; a non-retriable batch failure is narrowed down to the one bad record; a
 * retriable one pauses and retries; bounded runs (replay) stop at the end captured at start, from
 * earliest, a timestamp or explicit offsets, under their own group id.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { InvalidInputError, ServiceUnavailableError } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';
import { scanTopic } from '../../sinks/runner/dead-letters.js';
import { createSinkRunner, type SinkRunner, type SinkRunnerOptions, type SinkRunStats } from '../../sinks/runner/sink-runner.js';
import type { SinkItemResult, SinkRecord, SinkWriter } from '../../sinks/runner/sink-writer.js';
import { waitFor } from '../support/wait-for.js';
import { createTopics, deleteTopics, groupLag, testKafka, topicSize, uniqueName } from './sink-test-kit.js';

/** A writer whose behaviour per record the test scripts; it remembers every value it stored. */
class ScriptedWriter implements SinkWriter<string> {
  readonly name = 'scripted';
  readonly stored = new Map<string, number>();
  readonly calls: string[][] = [];
  gate: Promise<void> | undefined;
  /** Decides one record's result; may throw to fail the whole batch. */
  script: (value: string, batch: readonly string[]) => SinkItemResult | undefined = () => undefined;
  batchFailure: (values: readonly string[]) => Error | undefined = () => undefined;
  closed = 0;

  async start(): Promise<void> {}
  async write(records: readonly SinkRecord<string>[]): Promise<SinkItemResult[]> {
    const values = records.map((r) => r.value);
    this.calls.push(values);
    await this.gate;
    const failure = this.batchFailure(values);
    if (failure !== undefined) throw failure;
    return values.map((value) => {
      const scripted = this.script(value, values);
      if (scripted !== undefined) return scripted;
      const seen = this.stored.get(value) ?? 0;
      this.stored.set(value, seen + 1);
      return { status: seen === 0 ? 'stored' : 'duplicate' };
    });
  }
  async checkReady(): Promise<void> {}
  async close(): Promise<void> {
    this.closed += 1;
  }
}

const stringDecoder = { deserialize: (_topic: string, data: Buffer | null): string | null => (data === null ? null : data.toString('utf8')) };
const logger = createLogger('sink-runner-it', { level: 'error' });
const HOUR_MS = 60 * 60 * 1000;
// Fixed once per run so the two partitions' times and the replay-from time agree.
const BASE_MS = Date.now();

describe('sink runner on Kafka', function () {
  this.timeout(120_000);
  const run = uniqueName('it_sink_runner');
  const topic = `${run}.in`;
  const dlq = `${run}.dlq`;
  const runners: SinkRunner[] = [];

  async function produce(values: string[], options: { partition?: number; timestamp?: number; to?: string } = {}): Promise<void> {
    const producer = testKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: options.to ?? topic,
      acks: -1,
      messages: values.map((value) => ({ value, ...(options.partition === undefined ? {} : { partition: options.partition }), ...(options.timestamp === undefined ? {} : { timestamp: String(options.timestamp) }) })),
    });
    await producer.disconnect();
  }

  async function start(writer: ScriptedWriter, extra: Partial<SinkRunnerOptions<string>> = {}): Promise<SinkRunner> {
    const runner = await createSinkRunner<string>({
      writer,
      kafka: testKafka('sink-runner-it'),
      topics: [topic],
      decoder: stringDecoder,
      logger,
      groupId: uniqueName('g'),
      deadLetterTopic: dlq,
      batch: { maxRecords: 10, maxWaitMs: 20 },
      retry: { initialDelayMs: 20, maxDelayMs: 100 },
      registry: new Registry(),
      lagIntervalMs: 0,
      sessionTimeoutMs: 10_000,
      // Two batches in flight exercises the in-order commits.
      maxInFlightBatches: 2,
      ...extra,
    });
    runners.push(runner);
    return runner;
  }

  before(async () => {
    await createTopics({ [topic]: 3, [dlq]: 1 });
    // Partition 0: a..j two hours ago, partition 1: k..t one hour ago, partition 2: empty. Recent
    // times on purpose: the broker's time-based retention (7 days) deletes older records at its next check.
    await produce('abcdefghij'.split(''), { partition: 0, timestamp: BASE_MS - 2 * HOUR_MS });
    await produce('klmnopqrst'.split(''), { partition: 1, timestamp: BASE_MS - HOUR_MS });
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop(2000)));
  });

  after(async () => {
    await deleteTopics([topic, dlq]);
  });

  it('commits nothing while the write is pending, everything once it is confirmed', async () => {
    const writer = new ScriptedWriter();
    let open!: () => void;
    writer.gate = new Promise((resolve) => (open = resolve));
    const runner = await start(writer);
    await waitFor('the writer got a batch', () => writer.calls.length > 0, { timeoutMs: 30_000 });
    expect(await groupLag(runner.groupId, topic)).to.equal(20);
    open();
    await waitFor('lag 0', async () => (await groupLag(runner.groupId, topic)) === 0, { timeoutMs: 30_000 });
    expect([...writer.stored.keys()].sort().join('')).to.equal('abcdefghijklmnopqrst');
    expect(runner.stats()).to.include({ stored: 20, duplicates: 0, deadLettered: 0 });
  });

  it('retries items answered `retry`, dead-letters `rejected` ones with the reason, isolates a batch-breaking record', async () => {
    const writer = new ScriptedWriter();
    let retriesLeft = 2;
    writer.script = (value) => {
      if (value === 'c' && retriesLeft > 0) {
        retriesLeft -= 1;
        return { status: 'retry', reason: 'shard busy' };
      }
      if (value === 'm') return { status: 'rejected', reason: 'mapping conflict' };
      return undefined;
    };
    // Any batch holding `q` fails as a whole, not retriable: only `q` may end in the DLQ.
    writer.batchFailure = (values) => (values.includes('q') ? new InvalidInputError('value q breaks the batch', 'bad') : undefined);
    const dlqBefore = await topicSize(dlq);
    const runner = await start(writer);
    await waitFor('lag 0', async () => (await groupLag(runner.groupId, topic)) === 0, { timeoutMs: 30_000 });
    expect([...writer.stored.keys()].sort().join('')).to.equal('abcdefghijklnoprst');
    expect(writer.stored.get('c')).to.equal(1);
    expect(retriesLeft).to.equal(0);
    expect(runner.stats()).to.include({ stored: 18, deadLettered: 2 });
    expect(await topicSize(dlq)).to.equal(dlqBefore + 2);
    const letters: { value: string; reason: string; processor: string }[] = [];
    await scanTopic(testKafka(), dlq, (_p, message) => {
      letters.push({ value: String(message.value), reason: String(message.headers?.[DLQ_HEADERS.reason]), processor: String(message.headers?.[DLQ_HEADERS.processor]) });
    });
    expect(letters.slice(dlqBefore).sort((a, b) => a.value.localeCompare(b.value))).to.deep.equal([
      { value: 'm', reason: 'rejected by scripted: mapping conflict', processor: 'sink-scripted' },
      { value: 'q', reason: 'rejected by scripted: value q breaks the batch', processor: 'sink-scripted' },
    ]);
  });

  it('waits out retriable batch failures with the partitions paused, dead-lettering nothing', async () => {
    const writer = new ScriptedWriter();
    let failures = 5;
    writer.batchFailure = () => (failures-- > 0 ? new ServiceUnavailableError('store down', 'test') : undefined);
    const dlqBefore = await topicSize(dlq);
    const runner = await start(writer);
    await waitFor('lag 0', async () => (await groupLag(runner.groupId, topic)) === 0, { timeoutMs: 30_000 });
    expect(writer.stored.size).to.equal(20);
    expect(runner.stats().retries).to.be.at.least(5);
    expect(runner.stats().deadLettered).to.equal(0);
    expect(await topicSize(dlq)).to.equal(dlqBefore);
  });

  it('bounded from earliest: stops by itself at the end captured at start', async () => {
    const writer = new ScriptedWriter();
    const runner = await start(writer, { bounded: true, startFrom: 'earliest' });
    const stats = await runner.done;
    expect(stats).to.include({ stored: 20, deadLettered: 0 });
    expect(writer.closed).to.equal(1);
  });

  it('bounded from a timestamp and from explicit offsets', async () => {
    const fromTime = new ScriptedWriter();
    const byTime = await start(fromTime, { bounded: true, startFrom: { timestampMs: BASE_MS - 1.5 * HOUR_MS } });
    await byTime.done;
    expect([...fromTime.stored.keys()].sort().join('')).to.equal('klmnopqrst');

    const fromOffsets = new ScriptedWriter();
    const byOffset = await start(fromOffsets, { bounded: true, startFrom: { offsets: [{ topic, partition: 0, offset: '7' }, { topic, partition: 1, offset: '10' }] } });
    await byOffset.done;
    expect([...fromOffsets.stored.keys()].sort().join('')).to.equal('hij');
  });

  describe('bounded, with the records before the end deleted', () => {
    // Fresh topics: deleting records would spoil the shared one.
    const deleted: string[] = [];

    /** A two-partition topic: `uvw` on partition 0 (deleted by the test), `xyz` on partition 1. */
    async function freshTopic(): Promise<string> {
      const name = uniqueName('it_sink_deleted');
      deleted.push(name);
      await createTopics({ [name]: 2 });
      await produce(['u', 'v', 'w'], { to: name, partition: 0 });
      await produce(['x', 'y', 'z'], { to: name, partition: 1 });
      return name;
    }

    /** Deletes everything on `partition` (offset -1: up to the high watermark) and checks the log now starts at its end. */
    async function deleteAll(name: string, partition: number): Promise<void> {
      await withAdmin(async (admin) => {
        // deleteTopicRecords looks up the partition leaders without loading the topic's metadata first.
        await admin.fetchTopicMetadata({ topics: [name] });
        await admin.deleteTopicRecords({ topic: name, partitions: [{ partition, offset: '-1' }] });
        const bounds = (await admin.fetchTopicOffsets(name)).find((entry) => entry.partition === partition);
        expect(bounds).to.include({ low: '3', high: '3' });
      });
    }

    /** Waits for the run to end by itself; a hang fails here instead of at the mocha timeout. */
    async function endsWithin(runner: SinkRunner, timeoutMs: number): Promise<SinkRunStats> {
      let settled = false;
      const done = runner.done.finally(() => (settled = true));
      done.catch(() => undefined);
      await waitFor('the bounded run to end by itself', () => settled, { timeoutMs, detail: () => JSON.stringify(runner.stats()) });
      return done;
    }

    after(async () => {
      await deleteTopics(deleted);
    });

    it('ends when a partition was emptied before start while the group stood below its end', async () => {
      const name = await freshTopic();
      const groupId = uniqueName('g');
      // The group committed offset 0 on both partitions before the records of partition 0 went away.
      await withAdmin((admin) => admin.setOffsets({ groupId, topic: name, partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] }));
      await deleteAll(name, 0);
      const writer = new ScriptedWriter();
      const runner = await start(writer, { topics: [name], groupId, bounded: true });
      const stats = await endsWithin(runner, 30_000);
      expect([...writer.stored.keys()].sort().join('')).to.equal('xyz');
      expect(stats).to.include({ stored: 3, deadLettered: 0 });
    });

    it('ends when a partition is emptied after start, before its first fetch', async () => {
      const name = await freshTopic();
      // The runner's consumer connects after the end offsets and positions were read: delete right then.
      const kafka = testKafka('sink-runner-it');
      const consumerOf = kafka.consumer.bind(kafka);
      kafka.consumer = (config) => {
        const consumer = consumerOf(config);
        const connect = consumer.connect.bind(consumer);
        consumer.connect = async () => {
          await deleteAll(name, 0);
          await connect();
        };
        return consumer;
      };
      const writer = new ScriptedWriter();
      const runner = await start(writer, { topics: [name], kafka, bounded: true });
      const stats = await endsWithin(runner, 30_000);
      expect([...writer.stored.keys()].sort().join('')).to.equal('xyz');
      expect(stats).to.include({ stored: 3, deadLettered: 0 });
    });
  });

  it('exposes sawmill_sink_* metrics that promtool accepts', async () => {
    const registry = new Registry();
    const runner = await start(new ScriptedWriter(), { registry, lagIntervalMs: 200 });
    await waitFor('lag 0', async () => (await groupLag(runner.groupId, topic)) === 0, { timeoutMs: 30_000 });
    await waitFor('the lag gauge refreshed', async () => (await registry.metrics()).includes('sawmill_sink_lag_records{sink="scripted"'), { timeoutMs: 10_000 });
    const text = await registry.metrics();
    expect(text).to.match(/sawmill_sink_records_total\{sink="scripted",outcome="stored"\} 20/);
    expect(text).to.include('sawmill_sink_write_duration_seconds_bucket');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).to.equal(0);
  });

  it('refuses bad options at once', async () => {
    const writer = new ScriptedWriter();
    const base = { writer, kafka: testKafka(), topics: [topic], decoder: stringDecoder, logger };
    await expectReject(createSinkRunner({ ...base, topics: [] }), /topics must list at least one topic/);
    await expectReject(createSinkRunner({ ...base, deadLetterTopic: topic }), /dead-letter topic cannot be one of the consumed topics/);
    await expectReject(createSinkRunner({ ...base, batch: { maxRecords: 0 } }), /batch.maxRecords must be an integer/);
    await expectReject(createSinkRunner({ ...base, startFrom: { timestampMs: -1 } }), /startFrom.timestampMs/);
    await expectReject(createSinkRunner({ ...base, startFrom: { offsets: [{ topic: 'other', partition: 0, offset: '1' }] } }), /not consumed/);
    await expectReject(createSinkRunner({ ...base, groupId: 'bad group' }), /groupId/);
  });
});

async function withAdmin<R>(use: (admin: Admin) => Promise<R>): Promise<R> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

async function expectReject(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(pattern);
    return;
  }
  expect.fail(`expected a rejection matching ${pattern}`);
}
