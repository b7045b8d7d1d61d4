/**
 * SEAM: used by the runtime (topology/internal/runtime/**) and by the test driver.
 * Changes to this file must stay backward compatible; note them here.
 * Changes: + optional `StreamTaskOptions.wallClock` (mocked by the test driver); `flush()` also
 * pushes the batched per-node record counts to the metrics (call it before each commit, as before).
 *
 * A Topology is cut into sub-topologies; one StreamTask runs one sub-topology for one partition
 * number (Kafka Streams' task `<subtopology>_<partition>`). Processing inside a task is synchronous:
 * whoever feeds the task first awaits `prepare(record)` (async serde work such as fetching an Avro
 * writer schema), then calls `process(record)`, which runs the record through the whole
 * sub-topology before returning. Every output (sink records, repartition records, changelog
 * writes, dead letters) goes into the task's RecordCollector, which the runtime flushes at commit.
 *
 * Bad records are handled INSIDE the task according to `badRecordHandling` (so the test driver
 * and the runtime behave identically): `log-and-continue` skips, `{ deadLetterTopic }` sends a
 * dead letter through the collector, `log-and-fail` makes `process` throw BadRecordError.
 */
import type { Logger } from '../../lib/logger.js';
import type { BadRecordHandling } from './bad-record-handling.js';
import type { Topology } from './graph/topology.js';
import type { TopologyMetrics } from './topology-metrics.js';
import { createStreamTaskFactory } from './task/stream-task-factory.js';

/** One consumed record as the runtime hands it to a task: bytes, untouched. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Record timestamp in ms (the default event time). */
  timestamp: number;
  headers: Record<string, Buffer | undefined>;
}

/** One record a task wants produced: a sink output, a repartition record, a changelog write or a dead letter. */
export interface OutgoingRecord {
  topic: string;
  /** Set for changelog writes (the task's partition) and repartition records; unset: the producer's default partitioner. */
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Record<string, Buffer | string>;
}

/** Buffers a task's outgoing records; the runtime flushes them at commit (produce, or add to the transaction). */
export interface RecordCollector {
  /** Takes one record; must not throw for a well-formed record and must not block. */
  send(record: OutgoingRecord): void;
}

/** Identifies a task: sub-topology number and partition number. `createTaskId` gives one whose toString() is "0_3". */
export interface TaskId {
  readonly subtopology: number;
  readonly partition: number;
}

/** Returns a TaskId whose `toString()` is `<subtopology>_<partition>` (the Kafka Streams spelling). */
export function createTaskId(subtopology: number, partition: number): TaskId {
  const id: TaskId & { toString(): string } = { subtopology, partition, toString: () => `${subtopology}_${partition}` };
  return id;
}

/** Runs one sub-topology for one partition number; see the file header for the calling protocol. */
export interface StreamTask {
  readonly id: TaskId;
  /** Every topic this task consumes (partition `id.partition` of each), repartition topics included, with applicationId prefix. */
  readonly inputTopics: readonly string[];
  readonly storeNames: readonly string[];
  /** Changelog topic per store of this task (store name -> topic); changelog partition = `id.partition`. */
  changelogTopics(): ReadonlyMap<string, string>;
  /** Feeds changelog records into a store before processing starts (restoration); null value = delete. */
  restore(storeName: string, records: readonly { key: Buffer | null; value: Buffer | null }[]): void;
  /** Runs every serde.prepare needed for this record. A malformed record does not reject: `process` then treats it as bad. Rejects only on a retriable failure (e.g. registry down). */
  prepare(record: RawRecord): Promise<void>;
  /** Processes one input record through the sub-topology; throws BadRecordError only under `log-and-fail`. */
  process(record: RawRecord): void;
  /** Fires due wall-clock punctuators. */
  punctuateWallClock(nowMs: number): void;
  /** Stream time (max event time seen by this task), -1 before any record. */
  streamTime(): number;
  /** Emits whatever must be out before a commit (no record caches today) and pushes the batched per-node record counts to the metrics; does not commit. */
  flush(): void;
  /** Closes every processor of the task; the task must not be used afterwards. */
  close(): void;
}

/** A topic the runtime must create before starting (with applicationId prefix). */
export interface InternalTopicSpec {
  name: string;
  kind: 'repartition' | 'changelog';
  partitions: number;
  /** Topic configs to create it with, e.g. `cleanup.policy: compact`. */
  config: Readonly<Record<string, string>>;
}

/** One sub-topology with every name resolved for an applicationId and partition counts known. */
export interface SubtopologyPlan {
  readonly id: number;
  /** Topics consumed by this sub-topology (repartition topics included). */
  readonly sourceTopics: readonly string[];
  /** Topics produced by this sub-topology (repartition topics included; changelogs and dead letters excluded). */
  readonly sinkTopics: readonly string[];
  readonly storeNames: readonly string[];
  /** Store name -> changelog topic. */
  readonly changelogTopics: ReadonlyMap<string, string>;
  /** Number of tasks (= partitions of every source topic, which are co-partitioned). */
  readonly partitions: number;
}

/** Everything the runtime needs to know about a topology before consuming: what to subscribe to, what to create, which tasks exist. */
export interface TopologyPlan {
  readonly applicationId: string;
  readonly subtopologies: readonly SubtopologyPlan[];
  /** Every topic to subscribe to (external sources and repartition topics). */
  readonly sourceTopics: readonly string[];
  /** Repartition and changelog topics to create if missing. */
  readonly internalTopics: readonly InternalTopicSpec[];
  /** Groups of topics that must have equal partition counts (already checked by the plan). */
  readonly copartitionGroups: readonly (readonly string[])[];
  /** Sub-topology consuming `topic`, undefined if none does. */
  subtopologyOf(topic: string): number | undefined;
  /** Every task of the topology (all sub-topologies x partitions). */
  taskIds(): TaskId[];
}

/** Options of `createStreamTasks`. */
export interface StreamTaskOptions {
  /** Prefix of internal topic names (`<applicationId>-<name>-repartition`, `<applicationId>-<store>-changelog`). */
  applicationId: string;
  /** Partition count of every external source topic (internal topics are computed; extra entries are ignored). */
  partitions: ReadonlyMap<string, number>;
  /** The collector of each task; called once per task creation. */
  collector: (taskId: TaskId) => RecordCollector;
  /** Default `log-and-fail` (as Kafka Streams' default handler). */
  badRecordHandling?: BadRecordHandling;
  metrics?: TopologyMetrics;
  logger: Logger;
  /** Wall clock for WALL_CLOCK_TIME punctuators and `currentSystemTimeMs()`; default Date.now (the test driver mocks it). */
  wallClock?: () => number;
}

/** Creates tasks of one topology for one application; `plan` is computed (and co-partitioning checked) at creation. */
export interface StreamTaskFactory {
  readonly plan: TopologyPlan;
  /** Runs `init()` of every serde of the topology (e.g. register Avro schemas); call once before processing. */
  initSerdes(): Promise<void>;
  /** Creates the task `id` with fresh (empty) stores: restore them before processing. Throws TopologyError on an unknown sub-topology or partition. */
  createTask(id: TaskId): StreamTask;
}

/**
 * Plans `topology` for `options.applicationId` and returns the factory of its tasks.
 * Throws CopartitioningError when co-partitioned topics differ in partition count, TopologyError when
 * the partition count of an external source topic is missing.
 */
export function createStreamTasks(topology: Topology, options: StreamTaskOptions): StreamTaskFactory {
  return createStreamTaskFactory(topology, options);
}
