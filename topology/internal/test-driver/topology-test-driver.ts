/**
 * TopologyTestDriver: runs any topology in memory, without Kafka, through the same StreamTask code
 * the runtime uses. Every topic has one partition, so there is one task per sub-topology; records
 * written to a topic the topology reads (repartition topics, or a topic written with `to` and read
 * back with `stream`) are fed to the consuming task right after the record that produced them, and
 * every produced record (outputs, changelogs, dead letters) can be read as a topic.
 */
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import type { Logger } from '../../../lib/logger.js';
import type { Headers } from '../api/record.js';
import type { KeyValueStore, StateStore, WindowStore } from '../api/state-store.js';
import type { BadRecordHandling } from '../bad-record-handling.js';
import { StoreNotFoundError, TopologyError } from '../errors.js';
import { topologyInternals, type Topology } from '../graph/topology.js';
import type { Serde } from '../serdes/serde.js';
import { createStreamTasks, type OutgoingRecord, type RawRecord, type StreamTask, type TopologyPlan } from '../stream-task.js';
import { StreamTaskImpl } from '../task/stream-task-impl.js';
import { createTopologyMetrics } from '../topology-metrics.js';
import { TestInputTopic, TestOutputTopic, type DriverChannel } from './test-topics.js';

/** Options of the TopologyTestDriver. */
export interface TopologyTestDriverOptions {
  /** Prefix of internal topics (`<applicationId>-...-repartition`, `-changelog`); default `topology-test-driver`. */
  applicationId?: string;
  /** Default `log-and-fail`, as in the runtime. */
  badRecordHandling?: BadRecordHandling;
  /** Start of the mocked wall clock, ms; default 0. */
  initialWallClockTimeMs?: number;
  /** Registry for the `sawmill_topology_*` metrics (e.g. to check late-record counts). */
  registry?: Registry;
  /** Default: a silent logger. */
  logger?: Logger;
}

/** Runs a topology in memory; see the file header. */
export class TopologyTestDriver {
  /** The plan of the driven topology (internal topic names, sub-topologies). */
  readonly plan: TopologyPlan;
  private readonly tasks: StreamTask[];
  private readonly produced = new Map<string, OutgoingRecord[]>();
  private readonly pending: OutgoingRecord[] = [];
  private readonly offsets = new Map<string, number>();
  private readonly consumedTopics: ReadonlySet<string>;
  private wallClockMs: number;
  private draining = false;
  private closed = false;

  constructor(topology: Topology, options: TopologyTestDriverOptions = {}) {
    const applicationId = options.applicationId ?? 'topology-test-driver';
    this.wallClockMs = options.initialWallClockTimeMs ?? 0;
    const internals = topologyInternals(topology);
    const partitions = new Map<string, number>();
    for (const node of internals.nodes) if (node.kind === 'source' && !node.internal) partitions.set(node.topic, 1);
    const factory = createStreamTasks(topology, {
      applicationId,
      partitions,
      collector: () => ({ send: (record) => this.collect(record) }),
      badRecordHandling: options.badRecordHandling ?? 'log-and-fail',
      ...(options.registry ? { metrics: createTopologyMetrics(options.registry) } : {}),
      logger: options.logger ?? pino({ level: 'silent' }),
      wallClock: () => this.wallClockMs,
    });
    this.plan = factory.plan;
    this.consumedTopics = new Set(this.plan.sourceTopics);
    this.tasks = this.plan.taskIds().map((id) => factory.createTask(id));
  }

  /** A handle to pipe records into source topic `topic`, encoded with the given serdes. */
  createInputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestInputTopic<K, V> {
    if (this.plan.subtopologyOf(topic) === undefined) throw new TopologyError(`topic ${topic} is not a source of the topology`);
    return new TestInputTopic(topic, keySerde, valueSerde, this.channel());
  }

  /** A handle to read what the topology wrote to `topic` (outputs, dead letters, changelogs, repartition topics). */
  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, keySerde, valueSerde, this.channel());
  }

  /** Advances the mocked wall clock by `ms` and fires due wall-clock punctuators. */
  advanceWallClockTime(ms: number): void {
    this.assertOpen();
    this.wallClockMs += ms;
    for (const task of this.tasks) {
      task.punctuateWallClock(this.wallClockMs);
      this.drain();
    }
  }

  /** The key-value store `name`; throws StoreNotFoundError when there is none. */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.store(name, 'key-value') as KeyValueStore<K, V>;
  }

  /** The window store `name`; throws StoreNotFoundError when there is none. */
  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.store(name, 'window') as WindowStore<K, V>;
  }

  /** Every record produced to `topic` so far and not yet read, as raw bytes. */
  producedRecords(topic: string): readonly OutgoingRecord[] {
    return this.queue(topic);
  }

  /** Closes every task (processors' `close`). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.tasks) task.close();
  }

  private channel(): DriverChannel {
    return {
      now: () => this.wallClockMs,
      pipe: (topic, key, value, timestamp, headers) => this.pipe(topic, key, value, timestamp, headers),
      pipeAsync: async (topic, key, value, timestamp, headers) => {
        const raw = this.raw(topic, key, value, timestamp, headers);
        await this.taskFor(topic).prepare(raw);
        this.process(raw);
      },
      queue: (topic) => this.queue(topic),
    };
  }

  private pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void {
    this.process(this.raw(topic, key, value, timestamp, headers));
  }

  private process(raw: RawRecord): void {
    this.assertOpen();
    this.taskFor(raw.topic).process(raw);
    this.drain();
  }

  private raw(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): RawRecord {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    const rawHeaders: Record<string, Buffer | undefined> = {};
    for (const [name, header] of Object.entries(headers)) rawHeaders[name] = typeof header === 'string' ? Buffer.from(header) : header;
    return { topic, partition: 0, offset: String(offset), key, value, timestamp, headers: rawHeaders };
  }

  private collect(record: OutgoingRecord): void {
    this.queue(record.topic).push(record);
    if (this.consumedTopics.has(record.topic)) this.pending.push(record);
  }

  /** Feeds records written to consumed topics to their task, breadth first, until none is left. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let record = this.pending.shift(); record; record = this.pending.shift()) {
        const headers: Record<string, Buffer> = {};
        for (const [name, header] of Object.entries(record.headers)) headers[name] = typeof header === 'string' ? Buffer.from(header) : header;
        const offset = this.offsets.get(record.topic) ?? 0;
        this.offsets.set(record.topic, offset + 1);
        this.taskFor(record.topic).process({ topic: record.topic, partition: 0, offset: String(offset), key: record.key, value: record.value, timestamp: record.timestamp, headers });
      }
    } finally {
      this.draining = false;
    }
  }

  private queue(topic: string): OutgoingRecord[] {
    let queue = this.produced.get(topic);
    if (!queue) this.produced.set(topic, (queue = []));
    return queue;
  }

  private taskFor(topic: string): StreamTask {
    const sub = this.plan.subtopologyOf(topic);
    const task = this.tasks.find((t) => t.id.subtopology === sub);
    if (!task) throw new TopologyError(`topic ${topic} is not a source of the topology`);
    return task;
  }

  private store(name: string, kind: 'key-value' | 'window'): StateStore {
    for (const task of this.tasks) {
      if (!task.storeNames.includes(name) || !(task instanceof StreamTaskImpl)) continue;
      const store = task.store(name);
      if (store && (kind === 'window' ? 'windowSizeMs' in store : 'approximateNumEntries' in store)) return store;
    }
    throw new StoreNotFoundError(name, `no ${kind} store of that name in the topology`);
  }

  private assertOpen(): void {
    if (this.closed) throw new TopologyError('the test driver is closed');
  }
}
