/**
 * Change logging of a state store: each write becomes a record on the store's changelog topic, in
 * the task's partition, through the task's RecordCollector, so the store can be rebuilt elsewhere.
 */
import type { RecordCollector } from '../stream-task.js';

/** A write as it goes to the changelog: store name, key bytes, value bytes (null = delete) and event time. */
export interface ChangelogRecord {
  store: string;
  key: Buffer;
  value: Buffer | null;
  timestamp: number;
}

/** Returns the changelog topic of `storeName` for `applicationId` (the Kafka Streams naming). */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** Sends a store's writes to its changelog topic; one per store per task. */
export class ChangeLogger {
  constructor(
    readonly storeName: string,
    readonly topic: string,
    private readonly partition: number,
    private readonly collector: RecordCollector,
    /** Event time of the write: the timestamp of the record being processed. */
    private readonly timestamp: () => number,
  ) {}

  /** Logs one write (null value = delete). */
  log(key: Buffer, value: Buffer | null): void {
    this.send({ store: this.storeName, key, value, timestamp: this.timestamp() });
  }

  private send(record: ChangelogRecord): void {
    this.collector.send({ topic: this.topic, partition: this.partition, key: record.key, value: record.value, timestamp: Math.max(0, record.timestamp), headers: {} });
  }
}
