/**
 * The Kafka runtime of the topology library: one consumer group member (groupId = applicationId)
 * running the tasks of the partitions assigned to it.
 *
 * Consumption uses kafkajs `eachBatch` (autoCommit off, eachBatchAutoResolve off, one partition at
 * a time) rather than `eachMessage`: a batch is one partition's run of records for one task, so the
 * loop is tight and synchronous per record (`prepare` resolves at once unless a serde must fetch), the
 * position moves with `resolveOffset` after each record, and the batch's `heartbeat` lets us see a
 * rebalance coming and commit before giving partitions up. Commits happen at most every
 * commitIntervalMs, inline between records or from a timer when input is idle, always under the
 * same SerialLock as processing, so a commit's outputs and offsets describe the same records.
 *
 * Transaction boundary (exactly_once): one transaction per commit, holding every output,
 * repartition record and changelog write produced since the previous commit plus the offsets of the
 * input records that produced them. If a commit fails, or a rebalance happened while work was not
 * committed, that work is discarded: tasks are closed, their stores rebuilt from the changelogs,
 * and consumption resumes from the group's committed offsets.
 *
 * Known limits, all from kafkajs: TxnOffsetCommit carries no group generation, so a member evicted
 * mid-transaction (a zombie) cannot be fenced by the broker as Kafka Streams' producers are; the
 * runtime narrows the window instead (heartbeats inside long batches, no commit once REBALANCING
 * fired or a heartbeat reported eviction, commits awaited to completion before partitions are
 * handed over). kafkajs retries a failed offset commit with the refreshed generation. And a
 * restoration started from the idle timer cannot heartbeat (kafkajs exposes heartbeat only inside
 * eachBatch), so a restore longer than the session timeout costs one more rebalance.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { ConfigError } from '../../../lib/errors.js';
import { createLogger, type Logger } from '../../../lib/logger.js';
import { retry } from '../../../lib/retry.js';
import type { BadRecordHandling } from '../bad-record-handling.js';
import type { Topology } from '../graph/topology.js';
import { createStreamTasks, type RawRecord, type StreamTaskFactory, type TopologyPlan } from '../stream-task.js';
import { createTopologyMetrics, type TopologyMetrics } from '../topology-metrics.js';
import { AtLeastOnceCommitter } from './at-least-once-committer.js';
import { StaleCommitError, type Committer, type PartitionOffset } from './committer.js';
import { ensureInternalTopics } from './internal-topics.js';
import { LagSampler } from './lag-sampler.js';
import { OffsetTracker } from './offset-tracker.js';
import { patientAdmin } from './patient-admin.js';
import { SerialLock } from './serial-lock.js';
import { createTaskAssignor } from './task-assignor.js';
import { TaskManager, type PartitionAssignment } from './task-manager.js';
import { TransactionalCommitter } from './transactional-committer.js';

/** Processing guarantee: duplicates possible after a crash, or Kafka transactions for exact results. */
export type ProcessingGuarantee = 'at_least_once' | 'exactly_once';

/** Options of startTopology. */
export interface StartTopologyOptions {
  /** What `StreamsBuilder.build()` returned. */
  readonly topology: Topology;
  /** A kafkajs client (e.g. from lib/kafka/client.ts createKafka); the runtime creates its consumer, producer and admin from it. */
  readonly kafka: Kafka;
  /** Consumer group id, transactional-id prefix and prefix of internal topic names. */
  readonly applicationId: string;
  /** Default `at_least_once`, as in Kafka Streams. */
  readonly guarantee?: ProcessingGuarantee;
  /** What to do with undecodable or late records; default `log-and-fail`. */
  readonly badRecordHandling?: BadRecordHandling;
  /** Prometheus registry the `sawmill_topology_*` metrics are registered on; none when absent. */
  readonly registry?: Registry;
  /** Default `createLogger('topology')`. */
  readonly logger?: Logger;
  /** Commit period in ms; default 100 under exactly_once, 30 000 under at_least_once (Kafka Streams' defaults). */
  readonly commitIntervalMs?: number;
  /** Consumer session timeout in ms: how soon a killed instance's partitions move to the others (default 10 000). */
  readonly sessionTimeoutMs?: number;
  /** Consumer heartbeat period in ms (default 1 000). */
  readonly heartbeatIntervalMs?: number;
  /** Names this instance in its transactional id `<applicationId>-<instanceId>`; default a random id. */
  readonly instanceId?: string;
  /** exactly_once: transaction timeout in ms (default 10 000); bounds how long a crashed instance's open transaction blocks readers. */
  readonly transactionTimeoutMs?: number;
  /** Longest state restoration before giving up, in ms (default 300 000). */
  readonly restoreTimeoutMs?: number;
  /** How often the lag gauge is sampled from the broker, in ms (default 5 000); only with `registry`. */
  readonly lagSampleIntervalMs?: number;
}

/** A running topology instance. */
export interface RunningTopology {
  /** Stops fetching, commits what was processed, closes the tasks and disconnects; idempotent. */
  stop(): Promise<void>;
  /** Settles when the instance has stopped: resolves after `stop()`, rejects with the error that stopped it otherwise (e.g. a BadRecordError under `log-and-fail`). */
  readonly done: Promise<void>;
  /** Ids (`<subtopology>_<partition>`) of the tasks this instance runs now. */
  tasks(): string[];
  /** Input records processed by this instance since it started. */
  processedRecords(): number;
}

/** Heartbeat errors meaning this member is no longer in the group's current generation. */
const EVICTED_ERROR_TYPES = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

/**
 * Starts `topology` as one member of the consumer group `applicationId`: checks co-partitioning
 * (CopartitioningError), creates missing internal topics, registers serde schemas, joins the group
 * and processes until `stop()`. Rejects when start-up fails (nothing is left running then).
 */
export async function startTopology(options: StartTopologyOptions): Promise<RunningTopology> {
  const { topology, kafka, applicationId } = options;
  if (typeof applicationId !== 'string' || !/^[A-Za-z0-9._-]+$/.test(applicationId)) {
    throw new ConfigError(`applicationId ${JSON.stringify(applicationId)} must be non-empty and use only letters, digits, '.', '_' and '-'`, 'startTopology', 'applicationId');
  }
  const guarantee = options.guarantee ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once') throw new ConfigError(`unknown processing guarantee ${String(guarantee)}`, 'startTopology', 'guarantee');
  const commitIntervalMs = options.commitIntervalMs ?? (guarantee === 'exactly_once' ? 100 : 30_000);
  if (!Number.isFinite(commitIntervalMs) || commitIntervalMs <= 0) throw new ConfigError('commitIntervalMs must be a positive number of ms', 'startTopology', 'commitIntervalMs');
  const lagSampleIntervalMs = options.lagSampleIntervalMs ?? 5_000;
  if (!Number.isFinite(lagSampleIntervalMs) || lagSampleIntervalMs <= 0) throw new ConfigError('lagSampleIntervalMs must be a positive number of ms', 'startTopology', 'lagSampleIntervalMs');
  const logger = (options.logger ?? createLogger('topology')).child({ application_id: applicationId });
  const metrics = options.registry ? createTopologyMetrics(options.registry) : undefined;

  // Offset lookups run during rebalances; they must outlast the leader elections a broker crash causes.
  const admin = patientAdmin(kafka.admin(), { kafka, logger });
  await admin.connect();
  try {
    // Every topic's partition count: the plan picks its sources from it and checks co-partitioning.
    const partitions = new Map((await admin.fetchTopicMetadata()).topics.map((t) => [t.name, t.partitions.length]));
    // The factory's collectors come from the task manager, which itself needs the factory's plan.
    const owner: { taskManager?: TaskManager } = {};
    const factory = createStreamTasks(topology, {
      applicationId,
      partitions,
      collector: (id) => owner.taskManager!.collectorFor(id),
      ...(options.badRecordHandling === undefined ? {} : { badRecordHandling: options.badRecordHandling }),
      ...(metrics ? { metrics } : {}),
      logger,
    });
    await ensureInternalTopics({ admin, topics: factory.plan.internalTopics, logger });
    await factory.initSerdes();
    const taskManager = new TaskManager({
      plan: factory.plan,
      createTask: (id) => factory.createTask(id),
      kafka,
      admin,
      applicationId,
      logger,
      ...(metrics ? { metrics } : {}),
      ...(options.restoreTimeoutMs === undefined ? {} : { restoreTimeoutMs: options.restoreTimeoutMs }),
    });
    owner.taskManager = taskManager;
    const runtime = new KafkaStreamsRuntime({ ...options, guarantee, commitIntervalMs, lagSampleIntervalMs, logger, metrics, admin, factory, taskManager });
    await runtime.start();
    return runtime.handle();
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw error;
  }
}

interface RuntimeParts extends StartTopologyOptions {
  readonly guarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  readonly lagSampleIntervalMs: number;
  readonly logger: Logger;
  readonly metrics: TopologyMetrics | undefined;
  readonly admin: Admin;
  readonly factory: StreamTaskFactory;
  readonly taskManager: TaskManager;
}

/** The lifecycle of one running instance; reached only through the RunningTopology handle. */
class KafkaStreamsRuntime {
  private readonly plan: TopologyPlan;
  private readonly logger: Logger;
  private readonly tasks: TaskManager;
  private readonly offsets = new OffsetTracker();
  private readonly lock = new SerialLock();
  private consumer!: Consumer;
  private committer!: Committer;
  private timer: NodeJS.Timeout | undefined;
  private lagSampler: LagSampler | undefined;
  /** Latest assignment kafkajs reported (GROUP_JOIN), and whether the tasks match it yet. */
  private assignment: PartitionAssignment = {};
  private assignmentChanged = false;
  /** Set when kafkajs starts rejoining (REBALANCING), before any JoinGroup: no offsets may be committed until the new assignment arrives. */
  private rebalancing = false;
  /** Uncommitted work was dropped; the positions must be sought back before processing resumes. */
  private discarded = false;
  private nextCommitAt = 0;
  private processed = 0;
  private stopping = false;
  private stopPromise: Promise<void> | undefined;
  private fatal: unknown;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  private readonly done: Promise<void>;

  constructor(private readonly parts: RuntimeParts) {
    this.plan = parts.factory.plan;
    this.logger = parts.logger;
    this.tasks = parts.taskManager;
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // A caller that only awaits stop() must not see an unhandled rejection.
    this.done.catch(() => undefined);
  }

  handle(): RunningTopology {
    return {
      stop: () => this.stop(),
      done: this.done,
      tasks: () => this.tasks.taskIds(),
      processedRecords: () => this.processed,
    };
  }

  async start(): Promise<void> {
    const { kafka, applicationId, guarantee } = this.parts;
    this.consumer = kafka.consumer({
      groupId: applicationId,
      // read_committed under both guarantees: never process what an aborted transaction wrote.
      readUncommitted: false,
      partitionAssigners: [createTaskAssignor(this.plan)],
      sessionTimeout: this.parts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: this.parts.heartbeatIntervalMs ?? 1_000,
      rebalanceTimeout: 60_000,
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.rebalancing = true;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment = payload.memberAssignment;
      this.assignmentChanged = true;
      this.rebalancing = false;
      this.logger.info({ assignment: payload.memberAssignment, member: payload.memberId }, 'joined the group');
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(payload.error);
    });
    this.committer =
      guarantee === 'exactly_once'
        ? await TransactionalCommitter.create({
            kafka,
            consumerGroupId: applicationId,
            admin: this.parts.admin,
            changelogTopics: new Set(this.plan.internalTopics.filter((t) => t.kind === 'changelog').map((t) => t.name)),
            transactionalId: `${applicationId}-${this.parts.instanceId ?? randomUUID()}`,
            ...(this.parts.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: this.parts.transactionTimeoutMs }),
            logger: this.logger,
          })
        : await AtLeastOnceCommitter.create({ kafka, consumer: this.consumer });
    try {
      await this.consumer.connect();
      // Kafka Streams' default auto.offset.reset: a new application reads its inputs from the start.
      await this.consumer.subscribe({ topics: [...this.plan.sourceTopics], fromBeginning: true });
      this.nextCommitAt = Date.now() + this.parts.commitIntervalMs;
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(payload),
      });
    } catch (error) {
      await this.consumer.disconnect().catch(() => undefined);
      await this.committer.close().catch(() => undefined);
      throw error;
    }
    // Idle input still needs wall-clock punctuation and a commit of what the last batch left.
    this.timer = setInterval(() => void this.onTick(), Math.min(this.parts.commitIntervalMs, 1_000));
    // The batch loop sets the lag only when a batch arrives; a stuck or starved instance needs a clock.
    // The sampler reads (never locks) the assignment and positions, so a task stuck under the lock is still measured.
    if (this.parts.metrics !== undefined) {
      this.lagSampler = new LagSampler({
        admin: this.parts.admin,
        groupId: applicationId,
        gauge: this.parts.metrics.lag,
        assignment: () => this.assignment,
        pending: () => this.offsets.uncommitted(),
        intervalMs: this.parts.lagSampleIntervalMs,
        logger: this.logger,
      });
      this.lagSampler.start();
    }
    this.logger.info({ guarantee, sources: this.plan.sourceTopics, commit_interval_ms: this.parts.commitIntervalMs }, 'topology started');
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.lock.run(async () => {
      if (this.stopping || this.fatal !== undefined) return;
      // After a seek this batch was fetched from the old position: skip it, kafkajs refetches.
      if (this.assignmentChanged && (await this.applyAssignment(heartbeat))) return;
      const task = this.tasks.taskFor(batch.topic, batch.partition);
      // A batch fetched for a partition we no longer (or not yet) own: leave it unresolved.
      if (task === undefined) return;
      let lastBeat = Date.now();
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || this.stopping || this.assignmentChanged || this.rebalancing) break;
        const record = toRawRecord(batch.topic, batch.partition, message);
        try {
          await task.prepare(record);
        } catch {
          // Only retriable failures reject (the registry is down): wait it out through the shared retry loop.
          await retry(() => task.prepare(record), { retries: 8, onRetry: ({ error }) => this.logger.warn({ err: error }, 'serde preparation failed; retrying') });
        }
        try {
          task.process(record);
        } catch (error) {
          // log-and-fail, or a bug in a processor: the instance stops without committing this work.
          this.logger.error({ err: error, topic: batch.topic, partition: batch.partition, offset: message.offset }, 'processing failed; stopping');
          this.fail(error);
          return;
        }
        this.offsets.processed(batch.topic, batch.partition, message.offset);
        resolveOffset(message.offset);
        this.processed += 1;
        if (Date.now() >= this.nextCommitAt) await this.commit();
        // kafkajs heartbeats only between batches; a big batch (with commits) must not outlast the
        // session timeout, or the group evicts us while we keep committing as a zombie.
        if (Date.now() - lastBeat >= 500) {
          lastBeat = Date.now();
          await this.beat(heartbeat);
        }
      }
      this.parts.metrics?.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
      await this.beat(heartbeat);
    });
  }

  /**
   * Heartbeats (kafkajs throttles it to heartbeatInterval). When the group is rebalancing we are
   * still a member of this generation: commit now, so the next owner of our partitions starts
   * exactly where we stopped, then rethrow so kafkajs rejoins. When we were already evicted
   * (unknown member, stale generation) our partitions may be processed elsewhere: discard, commit
   * nothing, rethrow. Must run under the lock.
   */
  private async beat(heartbeat: () => Promise<void>): Promise<void> {
    try {
      await heartbeat();
    } catch (error) {
      const type = (error as { type?: string }).type ?? '';
      if (type === 'REBALANCE_IN_PROGRESS') {
        await this.commit();
        await this.committer.settle();
        this.rebalancing = true;
      } else if (EVICTED_ERROR_TYPES.has(type)) {
        this.logger.warn({ error: type }, 'evicted from the group: discarding uncommitted work');
        this.rebalancing = true;
        this.discardUncommitted();
      }
      throw error;
    }
  }

  private async onTick(): Promise<void> {
    await this.lock
      .run(async () => {
        if (this.stopping || this.fatal !== undefined) return;
        // Assigned partitions with no new input still get their tasks (restored, visible in tasks()).
        if (this.assignmentChanged) await this.applyAssignment(async () => undefined);
        const now = Date.now();
        for (const task of this.tasks.all()) task.punctuateWallClock(now);
        if (now >= this.nextCommitAt && !this.assignmentChanged && !this.rebalancing) await this.commit();
      })
      .catch((error: unknown) => this.fail(error));
  }

  /**
   * Brings the tasks in line with the latest assignment. Work not yet committed is discarded first
   * (some of its partitions may now belong to another member) and every owned partition is sought
   * back to its committed offset. Returns true when it sought: batches fetched before are stale.
   */
  private async applyAssignment(heartbeat: () => Promise<void>): Promise<boolean> {
    let sought = false;
    // Our last transaction must be visible before we read committed offsets or restore changelogs.
    await this.committer.settle();
    while (this.assignmentChanged) {
      this.assignmentChanged = false;
      if (this.offsets.dirty || this.tasks.hasOutput) {
        this.logger.warn('new assignment with uncommitted work: discarding it and restoring state from the changelogs');
        this.discardUncommitted();
      }
      if (this.discarded) {
        // kafkajs may already have moved its positions past the discarded records (resolveOffset),
        // and resets them only on some paths: seek explicitly to what the group committed.
        await this.seekToCommitted();
        this.discarded = false;
        sought = true;
      }
      let lastBeat = Date.now();
      await this.tasks.reconcile(this.assignment, () => {
        // Restoration runs inside eachBatch, where kafkajs sends no heartbeats of its own.
        if (Date.now() - lastBeat > 1_000) {
          lastBeat = Date.now();
          heartbeat().catch(() => undefined);
        }
      });
    }
    return sought;
  }

  /** Forgets the uncommitted work: closes the tasks (their stores hold its effects) and drops their outputs and positions. */
  private discardUncommitted(): void {
    this.tasks.closeAll();
    this.offsets.reset();
    this.discarded = true;
  }

  /** Seeks every partition of the current assignment to the group's committed offset (the partition's start when none). */
  private async seekToCommitted(): Promise<void> {
    const topics = Object.keys(this.assignment);
    if (topics.length === 0) return;
    for (const { topic, partitions } of await this.parts.admin.fetchOffsets({ groupId: this.parts.applicationId, topics })) {
      const owned = new Set(this.assignment[topic] ?? []);
      const low = new Map((await this.parts.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.low]));
      for (const { partition, offset } of partitions) {
        if (!owned.has(partition)) continue;
        this.logger.debug({ topic, partition, offset }, 'seeking to the committed offset');
        this.consumer.seek({ topic, partition, offset: offset === '-1' ? (low.get(partition) ?? '0') : offset });
      }
    }
  }

  /**
   * Drains every task's output and commits it with the consumed offsets; on failure discards the
   * work and rewinds. Returns the offsets committed (none after a failure). Must run under the lock.
   */
  private async commit(): Promise<PartitionOffset[]> {
    this.nextCommitAt = Date.now() + this.parts.commitIntervalMs;
    // After a new assignment the pending work is applyAssignment's to discard, never to commit.
    if (this.assignmentChanged) return [];
    const records = this.tasks.drainOutputs();
    const offsets = this.offsets.uncommitted();
    if (records.length === 0 && offsets.length === 0) return [];
    const started = process.hrtime.bigint();
    try {
      await this.committer.commit(records, offsets, () => !this.rebalancing && !this.assignmentChanged);
      this.offsets.committed(offsets);
      this.logger.debug({ records: records.length, offsets: offsets.map((o) => `${o.partition}@${o.offset}`).join(',') }, 'committed');
      this.parts.metrics?.commitSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
      return offsets;
    } catch (error) {
      if (error instanceof StaleCommitError) {
        // kafkajs is rejoining; after it, every assigned partition resumes from its committed offset.
        this.logger.warn({ records: records.length }, 'commit abandoned by a rebalance; discarding the uncommitted work');
        this.discardUncommitted();
        return [];
      }
      this.logger.error({ err: error, records: records.length, partitions: offsets.length }, 'commit failed; discarding uncommitted work and rewinding to the committed offsets');
      this.rewind();
      return [];
    }
  }

  /** After a failed commit: forget the work; the next batch or tick seeks back to the committed offsets and rebuilds the stores. */
  private rewind(): void {
    this.discardUncommitted();
    this.assignmentChanged = true;
  }

  private fail(error: unknown): void {
    if (this.fatal !== undefined || this.stopping) return;
    this.fatal = error ?? new Error('topology runtime failed');
    void this.shutdown(false).then(
      () => this.settle.reject(this.fatal),
      () => this.settle.reject(this.fatal),
    );
  }

  private stop(): Promise<void> {
    if (this.stopPromise === undefined) {
      this.stopPromise = this.fatal !== undefined ? this.done.catch(() => undefined) : this.shutdown(true).then(() => this.settle.resolve());
    }
    return this.stopPromise;
  }

  /** Graceful when `commit`: stop processing, commit what was processed, then close and disconnect everything. */
  private async shutdown(commit: boolean): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    // Before the admin client disconnects below; a sample in flight finishes (or fails) first.
    await this.lagSampler?.stop();
    if (commit) {
      await this.lock
        .run(async () => {
          await this.commit();
          await this.committer.settle();
        })
        .catch((error: unknown) => this.logger.error({ err: error }, 'final commit failed'));
    }
    const steps: [string, () => Promise<void>][] = [
      ['consumer', () => this.consumer.disconnect()],
      ['tasks', async () => this.lock.run(async () => this.tasks.closeAll())],
      ['producer', () => this.committer.close()],
      ['admin', () => this.parts.admin.disconnect()],
    ];
    for (const [what, step] of steps) await step().catch((error: unknown) => this.logger.warn({ err: error, what }, 'shutdown step failed'));
    this.logger.info({ processed: this.processed }, 'topology stopped');
  }
}

function toRawRecord(topic: string, partition: number, message: KafkaMessage): RawRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    headers: toHeaders(message.headers),
  };
}

function toHeaders(headers: IHeaders | undefined): Record<string, Buffer | undefined> {
  const result: Record<string, Buffer | undefined> = {};
  if (headers === undefined) return result;
  for (const [name, value] of Object.entries(headers)) {
    // A repeated header keeps its last value, as Kafka Streams' Headers#lastHeader reads it.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    result[name] = last === undefined ? undefined : Buffer.isBuffer(last) ? last : Buffer.from(last);
  }
  return result;
}
