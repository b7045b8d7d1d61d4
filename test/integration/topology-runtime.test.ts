// The topology runtime on the real Kafka: a windowed count over 200,000 records on 12 partitions
// must equal the ground truth exactly (exactly_once), with one instance and with two in one group;
// and the kill -9 drill: one of two instances (child processes) is killed mid-run, the survivor
// takes its tasks over, restores them from the changelog and finishes. Results are read with a
// read_committed consumer once the group's committed offsets reached the end of the input.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { ensureInternalTopics } from '../../topology/internal/runtime/internal-topics.js';
import { startTopology, type ProcessingGuarantee, type RunningTopology } from '../../topology/index.js';
import { buildWindowCountTopology, WINDOW_MS } from '../fixtures/topology-window-count.js';
import { waitFor } from '../support/wait-for.js';

const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const RUN = `it-rt-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
const logger = createLogger('topology-runtime-test', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' });
const quiet = logger.child({}, { level: 'error' });
const PARTITIONS = 12;
const RECORDS = Number(process.env['TOPOLOGY_IT_RECORDS'] ?? 200_000);
// The drill runs two child processes and two session timeouts; fewer records keep it near a minute.
const DRILL_RECORDS = Number(process.env['TOPOLOGY_IT_DRILL_RECORDS'] ?? 100_000);
const KEYS = 120;
// Event times spread over the last 10 minutes (60 windows of 10 s per key), window-aligned. They
// must be recent: the window changelogs' time-based retention (store retention + 1 day, as in Kafka
// Streams) would otherwise let the broker delete the changelog records the drill restores from.
const SPAN_MS = 600_000;
const BASE_TS = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - SPAN_MS;

type Truth = Map<string, number>;

/** The i-th input record: timestamps never decrease with i, so each partition is in event-time order and no record is late. */
function inputRecord(i: number, total: number): { key: string; value: string; timestamp: number } {
  return { key: `host-${(i * 7919) % KEYS}`, value: `line ${i}`, timestamp: BASE_TS + Math.floor((i * SPAN_MS) / total) };
}

/** The expected count per `key@windowStart`. */
function groundTruth(total: number): Truth {
  const truth: Truth = new Map();
  for (let i = 0; i < total; i += 1) {
    const { key, timestamp } = inputRecord(i, total);
    const id = `${key}@${timestamp - (timestamp % WINDOW_MS)}`;
    truth.set(id, (truth.get(id) ?? 0) + 1);
  }
  return truth;
}

/** Produces records [from, to) of a `total`-record input, in order, with the idempotent producer. */
async function produceInput(kafka: Kafka, topic: string, from: number, to: number, total: number): Promise<void> {
  const producer = kafka.producer({ ...producerDefaults });
  await producer.connect();
  try {
    for (let start = from; start < to; start += 10_000) {
      const messages = [];
      for (let i = start; i < Math.min(to, start + 10_000); i += 1) {
        const r = inputRecord(i, total);
        messages.push({ key: r.key, value: r.value, timestamp: String(r.timestamp) });
      }
      await producer.send({ ...sendDefaults, topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** True when the group committed every input partition up to its end. */
async function allCommitted(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
  return committed.length === ends.size && committed.every((p) => p.offset === ends.get(p.partition));
}

/**
 * Reads `topic` from the beginning to its end offsets (the last stable offsets: only committed
 * transactions) with a read_committed consumer; returns the last count per `key@windowStart`.
 */
async function readCounts(kafka: Kafka, admin: Admin, topic: string): Promise<Truth> {
  const ends = new Map<number, bigint>();
  for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
  const counts: Truth = new Map();
  if (ends.size === 0) return counts;
  const consumer = kafka.consumer({ groupId: `${RUN}-reader-${randomUUID()}`, readUncommitted: false, maxBytesPerPartition: 4 << 20 });
  const remaining = new Set(ends.keys());
  const reached = (partition: number, next: bigint): void => {
    if (next >= (ends.get(partition) ?? 0n)) remaining.delete(partition);
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, BigInt(payload.lastOffset) + 1n));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= (ends.get(batch.partition) ?? 0n)) break;
          const key = m.key!;
          const id = `${key.subarray(0, key.length - 8).toString('utf8')}@${Number(key.readBigInt64BE(key.length - 8))}`;
          counts.set(id, Number(m.value!.readBigInt64BE(0)));
        }
        reached(batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
    await waitFor(`the output of ${topic} to be read to its end`, () => remaining.size === 0, { timeoutMs: 60_000, detail: () => `(partitions left: ${[...remaining].join(',')})` });
  } finally {
    await consumer.disconnect();
  }
  return counts;
}

/** Differences between `actual` and `truth`, at most 10 lines, for the assertion message. */
function diff(actual: Truth, truth: Truth): string {
  const lines: string[] = [];
  for (const [id, count] of truth) if (actual.get(id) !== count) lines.push(`${id}: expected ${count}, got ${actual.get(id)}`);
  for (const id of actual.keys()) if (!truth.has(id)) lines.push(`${id}: unexpected window`);
  return `${lines.length} windows differ${lines.length ? `: ${lines.slice(0, 10).join('; ')}` : ''}`;
}

/** A topology instance in a child process (test/fixtures/topology-count-instance.ts). */
interface Instance {
  readonly child: ChildProcess;
  tasks: string[];
  processed: number;
  exited: boolean;
  stderr: string;
}

function spawnInstance(env: Record<string, string>): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/topology-count-instance.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const instance: Instance = { child, tasks: [], processed: 0, exited: false, stderr: '' };
  // TOPOLOGY_IT_CHILD_LOG=<dir>: keep each child's log lines there, for debugging a failed drill.
  const logDir = process.env['TOPOLOGY_IT_CHILD_LOG'];
  const log = logDir === undefined ? undefined : createWriteStream(`${logDir}/${env['TOPOLOGY_APP_ID']}-${child.pid}.log`);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{"event":"progress"')) {
      log?.write(`${line}\n`);
      return;
    }
    const progress = JSON.parse(line) as { tasks: string[]; processed: number };
    instance.tasks = progress.tasks;
    instance.processed = progress.processed;
  });
  child.stderr!.on('data', (chunk: Buffer) => (instance.stderr = (instance.stderr + chunk.toString()).slice(-4000)));
  child.on('exit', () => (instance.exited = true));
  return instance;
}

describe('topology runtime (integration, Kafka)', function () {
  this.timeout(240_000);
  let kafka: Kafka;
  let admin: Admin;
  const topics: string[] = [];
  const running: RunningTopology[] = [];
  const children: Instance[] = [];

  async function createTopic(name: string, partitions: number): Promise<void> {
    topics.push(name);
    await ensureInternalTopics({ admin, topics: [{ name, kind: 'repartition', partitions, config: {} }], logger: quiet });
  }

  /** Creates input/output topics for one scenario and returns their names and the application id. */
  async function scenario(name: string): Promise<{ appId: string; input: string; output: string }> {
    const appId = `${RUN}-${name}`;
    const input = `${appId}.input`;
    const output = `${appId}.output`;
    await createTopic(input, PARTITIONS);
    await createTopic(output, PARTITIONS);
    return { appId, input, output };
  }

  function start(appId: string, input: string, output: string, guarantee: ProcessingGuarantee, clientId: string): Promise<RunningTopology> {
    const client = createKafka({ brokers: BROKERS, clientId, logger: quiet });
    return startTopology({ topology: buildWindowCountTopology(input, output), kafka: client, applicationId: appId, guarantee, logger, commitIntervalMs: 200, sessionTimeoutMs: 6_000 }).then((r) => {
      running.push(r);
      return r;
    });
  }

  before(async () => {
    kafka = createKafka({ brokers: BROKERS, clientId: RUN, logger: quiet });
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    for (const instance of children.splice(0)) {
      if (!instance.exited) instance.child.kill('SIGKILL');
    }
  });

  after(async () => {
    if (admin === undefined) return;
    const internal = (await admin.listTopics()).filter((t) => t.startsWith(RUN));
    await admin.deleteTopics({ topics: [...new Set([...topics, ...internal])] }).catch(() => undefined);
    await admin.disconnect();
  });

  it(`counts ${RECORDS} records in 10 s windows exactly (exactly_once, one instance)`, async () => {
    const { appId, input, output } = await scenario('single');
    await produceInput(kafka, input, 0, RECORDS, RECORDS);
    const started = Date.now();
    const instance = await start(appId, input, output, 'exactly_once', `${appId}-a`);
    await waitFor('every input offset to be committed', () => allCommitted(admin, appId, input), { timeoutMs: 180_000, detail: () => `(processed ${instance.processedRecords()})` });
    const seconds = (Date.now() - started) / 1000;
    // Recorded for the report: start-up, restoration, processing and commits included.
    process.stdout.write(`      throughput: ${RECORDS} records in ${seconds.toFixed(1)} s = ${Math.round(RECORDS / seconds)} records/s (exactly_once, windowed count)\n`);
    expect(instance.tasks()).to.have.length(PARTITIONS);
    const truth = groundTruth(RECORDS);
    const counts = await readCounts(kafka, admin, output);
    expect(counts.size, diff(counts, truth)).to.equal(truth.size);
    expect(diff(counts, truth)).to.equal('0 windows differ');
  });

  it(`counts ${RECORDS} records exactly with two instances in one consumer group`, async () => {
    const { appId, input, output } = await scenario('pair');
    const [a, b] = [await start(appId, input, output, 'exactly_once', `${appId}-a`), await start(appId, input, output, 'exactly_once', `${appId}-b`)];
    // Produce only once the group settled with both members holding tasks.
    await waitFor('both instances to share the 12 tasks', () => a.tasks().length > 0 && b.tasks().length > 0 && new Set([...a.tasks(), ...b.tasks()]).size === PARTITIONS && a.tasks().length + b.tasks().length === PARTITIONS, { timeoutMs: 60_000, detail: () => `(a: ${a.tasks().join(',')}; b: ${b.tasks().join(',')})` });
    await produceInput(kafka, input, 0, RECORDS, RECORDS);
    await waitFor('every input offset to be committed', () => allCommitted(admin, appId, input), { timeoutMs: 180_000 });
    expect(a.processedRecords(), 'records processed by a').to.be.greaterThan(0);
    expect(b.processedRecords(), 'records processed by b').to.be.greaterThan(0);
    // More than RECORDS when a rebalance made one of them discard uncommitted work and redo it.
    expect(a.processedRecords() + b.processedRecords()).to.be.at.least(RECORDS);
    const truth = groundTruth(RECORDS);
    const counts = await readCounts(kafka, admin, output);
    expect(diff(counts, truth)).to.equal('0 windows differ');
  });

  for (const guarantee of ['exactly_once', 'at_least_once'] as const) {
    it(`kill -9 of one of two instances mid-run: ${guarantee === 'exactly_once' ? 'counts stay exact' : 'no record is lost'} (${guarantee})`, async () => {
      const { appId, input, output } = await scenario(`drill-${guarantee.replace(/_/g, '')}`);
      const env = { TOPOLOGY_APP_ID: appId, TOPOLOGY_INPUT: input, TOPOLOGY_OUTPUT: output, TOPOLOGY_GUARANTEE: guarantee, KAFKA_BROKERS: BROKERS.join(',') };
      const half = Math.floor(DRILL_RECORDS / 2);
      await produceInput(kafka, input, 0, half, DRILL_RECORDS);
      const victim = spawnInstance(env);
      const survivor = spawnInstance(env);
      children.push(victim, survivor);
      const alive = (): string => `(victim: ${victim.tasks.length} tasks, ${victim.processed} processed${victim.exited ? ', exited' : ''}; survivor: ${survivor.tasks.length} tasks, ${survivor.processed} processed${survivor.exited ? ', exited ' + survivor.stderr : ''})`;
      await waitFor('both instances to hold tasks', () => victim.tasks.length > 0 && survivor.tasks.length > 0 && victim.tasks.length + survivor.tasks.length === PARTITIONS, { timeoutMs: 90_000, detail: alive });
      await produceInput(kafka, input, half, DRILL_RECORDS, DRILL_RECORDS);
      // Mid-run: the victim has done part of its share, and more input is waiting for it.
      const victimProgress = victim.processed;
      await waitFor('the victim to process part of the second half', () => victim.processed > victimProgress, { timeoutMs: 60_000, detail: alive });
      victim.child.kill('SIGKILL');
      await waitFor('the victim to die', () => victim.exited, { timeoutMs: 10_000 });
      const killedAt = victim.processed;

      await waitFor('the survivor to take over every task', () => survivor.tasks.length === PARTITIONS, { timeoutMs: 60_000, detail: alive });
      await waitFor('every input offset to be committed', () => allCommitted(admin, appId, input), { timeoutMs: 150_000, detail: alive });
      expect(survivor.exited, survivor.stderr).to.equal(false);
      const truth = groundTruth(DRILL_RECORDS);
      const counts = await readCounts(kafka, admin, output);
      process.stdout.write(`      drill (${guarantee}): victim killed after ${killedAt} records, survivor processed ${survivor.processed}\n`);
      if (guarantee === 'exactly_once') {
        expect(diff(counts, truth)).to.equal('0 windows differ');
      } else {
        // at_least_once: a commit produces the buffered outputs and changelog writes, awaits their
        // acks, then commits the input offsets. Killed between the two, the victim leaves state and
        // outputs in Kafka for inputs whose offsets were never committed: the survivor restores that
        // state and reprocesses those inputs, counting them twice (often 0, as the window between
        // acks and offset commit is a few ms). Nothing may be missing or lower.
        const missing = [...truth].filter(([id, count]) => (counts.get(id) ?? 0) < count);
        expect(missing.slice(0, 10), `${missing.length} windows below the truth`).to.deep.equal([]);
        expect([...counts.keys()].filter((id) => !truth.has(id)), 'windows that should not exist').to.deep.equal([]);
        const extra = [...counts.values()].reduce((a, b) => a + b, 0) - DRILL_RECORDS;
        process.stdout.write(`      at_least_once over-count after the kill: ${extra} records counted twice\n`);
      }
    });
  }
});
