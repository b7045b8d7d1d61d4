import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '../../../lib/logger.js';
import type { TopologyMetrics } from '../topology-metrics.js';
import { createTaskId, type OutgoingRecord, type RecordCollector, type StreamTask, type TaskId, type TopologyPlan } from '../stream-task.js';
import { restoreChangelogs, type RestoreTarget } from './changelog-restorer.js';
import { BufferingRecordCollector } from './record-collector.js';

/** Topic -> partitions, as kafkajs reports a member's assignment. */
export type PartitionAssignment = Readonly<Record<string, readonly number[]>>;

/** Options of TaskManager. */
export interface TaskManagerOptions {
  readonly plan: TopologyPlan;
  /** Creates a task; its collector must come from `collectorFor` (wired by the runtime into the factory). */
  readonly createTask: (id: TaskId) => StreamTask;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly applicationId: string;
  readonly logger: Logger;
  readonly metrics?: TopologyMetrics;
  readonly restoreTimeoutMs?: number;
}

/**
 * Owns the tasks of this instance: one per (sub-topology, partition) of the current assignment,
 * each with its buffering collector. Tasks are created with empty stores and restored from their
 * changelogs before they process anything; tasks of revoked partitions are closed.
 */
export class TaskManager {
  private readonly tasks = new Map<string, StreamTask>();
  private readonly collectors = new Map<string, BufferingRecordCollector>();

  constructor(private readonly options: TaskManagerOptions) {}

  /** The collector of task `id`; the factory's `collector` option calls it once per task creation. */
  collectorFor(id: TaskId): RecordCollector {
    const collector = new BufferingRecordCollector();
    this.collectors.set(taskKey(id), collector);
    return collector;
  }

  /** The task consuming `topic`/`partition`, or undefined when this instance does not own it. */
  taskFor(topic: string, partition: number): StreamTask | undefined {
    const subtopology = this.options.plan.subtopologyOf(topic);
    return subtopology === undefined ? undefined : this.tasks.get(`${subtopology}_${partition}`);
  }

  /** Ids of the owned tasks, sorted (`0_3` style). */
  taskIds(): string[] {
    return [...this.tasks.keys()].sort();
  }

  /** Every owned task. */
  all(): StreamTask[] {
    return [...this.tasks.values()];
  }

  /** True when some task has buffered output not yet handed to a commit. */
  get hasOutput(): boolean {
    for (const collector of this.collectors.values()) if (collector.size > 0) return true;
    return false;
  }

  /**
   * Makes the owned tasks those of `assignment`: closes tasks no longer assigned, creates the new
   * ones and restores their stores from the changelogs (read to the end offset captured now).
   * `keepAlive` is called during a long restoration (the caller heartbeats through it).
   */
  async reconcile(assignment: PartitionAssignment, keepAlive?: () => void): Promise<void> {
    const wanted = new Map<string, TaskId>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const subtopology = this.options.plan.subtopologyOf(topic);
      if (subtopology === undefined) continue;
      for (const partition of partitions) wanted.set(`${subtopology}_${partition}`, createTaskId(subtopology, partition));
    }
    for (const key of [...this.tasks.keys()]) if (!wanted.has(key)) this.closeTask(key);

    // New tasks join the owned ones only once restored: nothing may feed a half-restored store.
    const created: StreamTask[] = [];
    for (const [key, id] of wanted) if (!this.tasks.has(key)) created.push(this.options.createTask(id));
    if (created.length === 0) return;

    const targets: RestoreTarget[] = created.flatMap((task) =>
      [...task.changelogTopics()].map(([store, topic]) => ({
        store,
        topic,
        partition: task.id.partition,
        apply: (records: readonly { key: Buffer | null; value: Buffer | null }[]) => {
          task.restore(store, records);
          keepAlive?.();
        },
      })),
    );
    try {
      await restoreChangelogs({
        kafka: this.options.kafka,
        admin: this.options.admin,
        groupPrefix: this.options.applicationId,
        targets,
        logger: this.options.logger,
        ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
        ...(this.options.restoreTimeoutMs === undefined ? {} : { timeoutMs: this.options.restoreTimeoutMs }),
      });
    } catch (error) {
      // Drop the half-restored tasks; the next attempt recreates them.
      for (const task of created) this.closeTask(taskKey(task.id), task);
      throw error;
    }
    for (const task of created) this.tasks.set(taskKey(task.id), task);
    this.options.logger.info({ created: created.map((t) => taskKey(t.id)), owned: this.taskIds() }, 'tasks assigned and restored');
  }

  /** Flushes every task and returns (and forgets) all buffered outputs, changelog writes included. */
  drainOutputs(): OutgoingRecord[] {
    for (const task of this.tasks.values()) task.flush();
    const records: OutgoingRecord[] = [];
    for (const collector of this.collectors.values()) for (const record of collector.drain()) records.push(record);
    return records;
  }

  /**
   * Closes every task and drops its buffered output, after work was discarded (an aborted
   * transaction, a rebalance with uncommitted work): the stores hold effects of records whose
   * outputs will never be written, so they are rebuilt from the changelog on the next reconcile.
   */
  closeAll(): void {
    for (const key of [...this.tasks.keys()]) this.closeTask(key);
  }

  private closeTask(key: string, task = this.tasks.get(key)): void {
    this.tasks.delete(key);
    this.collectors.get(key)?.discard();
    this.collectors.delete(key);
    try {
      task?.close();
    } catch (error) {
      this.options.logger.warn({ err: error, task: key }, 'closing a task failed');
    }
  }
}

function taskKey(id: TaskId): string {
  return `${id.subtopology}_${id.partition}`;
}
