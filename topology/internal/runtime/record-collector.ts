import type { OutgoingRecord, RecordCollector } from '../stream-task.js';

/**
 * The RecordCollector the runtime gives each task: it only buffers. Nothing a task emits reaches
 * Kafka before the next commit drains every collector and hands the records to the committer, so
 * under exactly_once outputs and changelog writes land in the same transaction as the offsets of
 * the inputs that caused them.
 */
export class BufferingRecordCollector implements RecordCollector {
  private buffer: OutgoingRecord[] = [];

  /** Buffers `record` until the next `drain()`. */
  send(record: OutgoingRecord): void {
    this.buffer.push(record);
  }

  /** Number of buffered records. */
  get size(): number {
    return this.buffer.length;
  }

  /** Returns every buffered record in send order and empties the buffer. */
  drain(): OutgoingRecord[] {
    const drained = this.buffer;
    this.buffer = [];
    return drained;
  }

  /** Drops every buffered record (the work they came from will be reprocessed). */
  discard(): void {
    this.buffer = [];
  }
}
