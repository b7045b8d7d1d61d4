/**
 * The task: one sub-topology instantiated for one partition. Decodes input records at the source
 * nodes, runs them synchronously through the processors, tracks stream time, fires punctuators and
 * applies the bad-record option to poison and late records.
 */
import type { Logger } from '../../../lib/logger.js';
import { PunctuationType, type Cancellable, type Punctuator, type RecordMetadata } from '../api/processor.js';
import type { StateStore } from '../api/state-store.js';
import { deadLetterRecord, type BadRecordHandling } from '../bad-record-handling.js';
import { BadRecordError, SerializationError, StoreNotFoundError, TopologyError, type BadRecordOrigin } from '../errors.js';
import type { RestorableStore } from '../graph/store-definition.js';
import type { RawRecord, RecordCollector, StreamTask, TaskId } from '../stream-task.js';
import type { TopologyMetrics } from '../topology-metrics.js';
import type { TaskServices } from './node-context.js';
import { PunctuationSchedule } from './punctuation-schedule.js';
import type { RuntimeNode } from './runtime-node.js';
import type { SourceReader } from './source-reader.js';

/** Everything a task is made of; assembled by the task factory. */
export interface StreamTaskParts {
  readonly id: TaskId;
  readonly applicationId: string;
  readonly sources: ReadonlyMap<string, SourceReader>;
  /** Every node, in declaration order (init/close order). */
  readonly nodes: readonly RuntimeNode[];
  readonly stores: ReadonlyMap<string, RestorableStore>;
  readonly changelogTopics: ReadonlyMap<string, string>;
  readonly collector: RecordCollector;
  readonly badRecordHandling: BadRecordHandling;
  readonly metrics: TopologyMetrics | undefined;
  readonly logger: Logger;
  readonly wallClock: () => number;
}

/** StreamTask implementation; see stream-task.ts for the contract. */
export class StreamTaskImpl implements StreamTask, TaskServices {
  readonly id: TaskId;
  readonly applicationId: string;
  readonly taskIdText: string;
  private currentStreamTime = -1;
  private current: RawRecord | undefined;
  private currentNode = '';
  private currentTimestamp = 0;
  private inPunctuation = false;
  private closed = false;
  private readonly poisoned = new WeakMap<RawRecord, SerializationError>();
  private readonly streamSchedules: PunctuationSchedule[] = [];
  private readonly wallSchedules: PunctuationSchedule[] = [];
  private readonly processSeconds;
  private processed = 0;

  constructor(private readonly parts: StreamTaskParts) {
    this.id = parts.id;
    this.applicationId = parts.applicationId;
    this.taskIdText = `${parts.id.subtopology}_${parts.id.partition}`;
    this.processSeconds = parts.metrics?.processSeconds.labels(String(parts.id.subtopology));
  }

  get inputTopics(): readonly string[] {
    return [...this.parts.sources.keys()];
  }

  get storeNames(): readonly string[] {
    return [...this.parts.stores.keys()];
  }

  /** Initializes every processor (called once by the factory, after the nodes are wired). */
  init(): void {
    for (const node of this.parts.nodes) {
      this.enter(node.name, 0);
      node.processor.init?.(node.context);
    }
  }

  changelogTopics(): ReadonlyMap<string, string> {
    return this.parts.changelogTopics;
  }

  restore(storeName: string, records: readonly { key: Buffer | null; value: Buffer | null }[]): void {
    const store = this.parts.stores.get(storeName);
    if (!store) throw new StoreNotFoundError(storeName, `task ${this.taskIdText} has no such store`);
    const applied = store.restore(records);
    this.parts.metrics?.restoreRecords.inc({ store: storeName }, applied);
  }

  async prepare(record: RawRecord): Promise<void> {
    const source = this.source(record.topic);
    try {
      await source.prepare(record);
    } catch (error) {
      if (!(error instanceof SerializationError)) throw error;
      this.poisoned.set(record, error);
    }
  }

  process(record: RawRecord): void {
    this.assertOpen();
    const source = this.source(record.topic);
    // Timing every record would cost about as much as a light operator: one record in 64 is timed.
    const timed = this.processSeconds !== undefined && (this.processed & 63) === 0;
    const started = timed ? performance.now() : 0;
    this.processed += 1;
    this.current = record;
    this.enter(source.name, record.timestamp);
    try {
      const poison = this.poisoned.get(record);
      if (poison) throw poison;
      const decoded = source.decode(record);
      if (decoded.timestamp < 0 || !Number.isFinite(decoded.timestamp)) {
        this.handleBadRecord('invalid-timestamp', `event time ${decoded.timestamp} is not a valid timestamp`, undefined);
        return;
      }
      if (decoded.timestamp > this.currentStreamTime) this.currentStreamTime = decoded.timestamp;
      source.node.process(decoded);
    } catch (error) {
      if (!(error instanceof SerializationError)) throw error;
      this.handleBadRecord('serialization-error', error.message, error);
    } finally {
      this.current = undefined;
    }
    this.punctuate(this.streamSchedules, this.currentStreamTime);
    if (timed) this.processSeconds!.observe((performance.now() - started) / 1000);
    if ((this.processed & 1023) === 0) this.flushMetrics();
  }

  punctuateWallClock(nowMs: number): void {
    this.assertOpen();
    this.punctuate(this.wallSchedules, nowMs);
    this.flushMetrics();
  }

  streamTime(): number {
    return this.currentStreamTime;
  }

  flush(): void {
    // Outputs go straight to the collector (no record caches): only the batched counts are pending.
    this.flushMetrics();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const node of this.parts.nodes) node.processor.close?.();
    this.flushMetrics();
  }

  /** Pushes the per-node record counts to the Prometheus counters (batched off the hot path). */
  flushMetrics(): void {
    if (this.parts.metrics) for (const node of this.parts.nodes) node.flushMetrics();
  }

  // --- TaskServices (used by node contexts) ---

  wallClock(): number {
    return this.parts.wallClock();
  }

  recordMetadata(): RecordMetadata | null {
    const record = this.current;
    return record && !this.inPunctuation ? { topic: record.topic, partition: record.partition, offset: record.offset } : null;
  }

  store(name: string): StateStore | undefined {
    return this.parts.stores.get(name);
  }

  schedule(nodeName: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    const schedule =
      type === PunctuationType.STREAM_TIME
        ? new PunctuationSchedule(nodeName, intervalMs, 0, punctuator)
        : new PunctuationSchedule(nodeName, intervalMs, this.parts.wallClock() + intervalMs, punctuator);
    (type === PunctuationType.STREAM_TIME ? this.streamSchedules : this.wallSchedules).push(schedule);
    return { cancel: () => void (schedule.cancelled = true) };
  }

  reportLateRecord(nodeName: string, detail: string): void {
    this.parts.metrics?.lateRecords.inc({ processor: nodeName });
    // Late records are expected in event-time processing: they never fail the task.
    if (typeof this.parts.badRecordHandling === 'object') this.deadLetter('late-record', detail, nodeName);
    else this.parts.logger.debug({ ...this.originFields(nodeName), detail }, 'late record dropped');
  }

  reportSkippedRecord(nodeName: string, reason: string): void {
    this.parts.metrics?.skippedRecords.inc({ reason });
    this.parts.logger.debug({ ...this.originFields(nodeName), reason }, 'record skipped');
  }

  enter(nodeName: string, timestamp: number): void {
    this.currentNode = nodeName;
    this.currentTimestamp = timestamp;
  }

  /** Event time of the record (or punctuation) being processed; stamps changelog writes. */
  currentEventTime(): number {
    return this.currentTimestamp;
  }

  // --- internals ---

  private punctuate(schedules: PunctuationSchedule[], nowMs: number): void {
    if (nowMs < 0) return;
    for (const schedule of schedules) {
      if (!schedule.isDue(nowMs)) continue;
      schedule.advance(nowMs);
      this.inPunctuation = true;
      try {
        this.enter(schedule.nodeName, nowMs);
        schedule.punctuator(nowMs);
      } finally {
        this.inPunctuation = false;
      }
    }
    for (let i = schedules.length - 1; i >= 0; i--) if (schedules[i]!.cancelled) schedules.splice(i, 1);
  }

  private handleBadRecord(reason: string, message: string, cause: unknown): void {
    const handling = this.parts.badRecordHandling;
    const origin = this.origin(this.currentNode);
    if (handling === 'log-and-fail') {
      this.parts.logger.error({ ...this.originFields(this.currentNode), reason, err: message }, 'bad record: failing');
      throw new BadRecordError(`bad record at ${origin.topic}-${origin.partition}@${origin.offset} (${origin.processor}): ${message}`, reason, origin, cause);
    }
    if (handling === 'log-and-continue') {
      this.parts.metrics?.skippedRecords.inc({ reason });
      this.parts.logger.warn({ ...this.originFields(this.currentNode), reason, err: message }, 'bad record skipped');
      return;
    }
    this.parts.logger.warn({ ...this.originFields(this.currentNode), reason, err: message }, 'bad record dead-lettered');
    this.deadLetter(reason, message, this.currentNode);
  }

  private deadLetter(reason: string, message: string, nodeName: string): void {
    const handling = this.parts.badRecordHandling;
    const record = this.current;
    if (typeof handling !== 'object' || !record) return;
    this.parts.collector.send(deadLetterRecord(handling.deadLetterTopic, record, this.origin(nodeName), `${reason}: ${message}`));
    this.parts.metrics?.deadLetters.inc({ reason });
  }

  private origin(nodeName: string): BadRecordOrigin {
    const record = this.current;
    return {
      topic: record?.topic ?? '',
      partition: record?.partition ?? this.id.partition,
      offset: record?.offset ?? '-1',
      processor: nodeName,
      timestamp: record?.timestamp ?? this.currentTimestamp,
    };
  }

  private originFields(nodeName: string): Record<string, unknown> {
    const record = this.current;
    return { task: this.taskIdText, topic: record?.topic, partition: record?.partition, offset: record?.offset, processor: nodeName };
  }

  private source(topic: string): SourceReader {
    const source = this.parts.sources.get(topic);
    if (!source) throw new TopologyError(`task ${this.taskIdText} does not consume topic ${topic}`);
    return source;
  }

  private assertOpen(): void {
    if (this.closed) throw new TopologyError(`task ${this.taskIdText} is closed`);
  }
}
