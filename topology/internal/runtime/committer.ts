import { TopologyError } from '../errors.js';
import type { OutgoingRecord } from '../stream-task.js';

/**
 * A commit gave up because the group began rebalancing while it was under way: its offsets may
 * already belong to another member, so committing them could skip records that member never saw.
 */
export class StaleCommitError extends TopologyError {
  constructor() {
    super('commit abandoned: the consumer group began rebalancing', { retriable: true });
  }
}

/** Next offset to consume per input partition: what a commit records for the consumer group. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The offset of the next record to read (last processed + 1), as a decimal string. */
  readonly offset: string;
}

/**
 * Writes what the tasks produced since the last commit and then records the consumed positions,
 * with the ordering guarantee of the processing guarantee it implements. The one place that
 * commits offsets in the runtime.
 */
export interface Committer {
  /**
   * Makes `records` durable in Kafka and commits `offsets` for the group; rejects when either failed
   * (the caller rewinds). `stillOwned` is asked right before the offsets are committed: when it says
   * false (a rebalance began meanwhile) nothing more is committed and StaleCommitError is thrown.
   */
  commit(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[], stillOwned?: () => boolean): Promise<void>;
  /** Resolves once everything committed so far is visible to other members and read_committed readers (before handing partitions over). */
  settle(): Promise<void>;
  /** Releases the producer. */
  close(): Promise<void>;
}

/** Records per produce call: bounds a request's size while keeping batching effective. */
export const SEND_CHUNK = 5_000;

/** Groups `records` into kafkajs topicMessages, in chunks of at most SEND_CHUNK records, keeping per-partition order. */
export function toTopicMessages(records: readonly OutgoingRecord[]): { topic: string; messages: { key: Buffer | null; value: Buffer | null; partition?: number; timestamp: string; headers: Record<string, Buffer | string> }[] }[][] {
  const chunks: ReturnType<typeof toTopicMessages> = [];
  for (let start = 0; start < records.length; start += SEND_CHUNK) {
    const byTopic = new Map<string, ReturnType<typeof toTopicMessages>[number][number]['messages']>();
    for (const record of records.slice(start, start + SEND_CHUNK)) {
      let messages = byTopic.get(record.topic);
      if (messages === undefined) byTopic.set(record.topic, (messages = []));
      messages.push({
        key: record.key,
        value: record.value,
        ...(record.partition === undefined ? {} : { partition: record.partition }),
        timestamp: String(record.timestamp),
        headers: record.headers,
      });
    }
    chunks.push([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }
  return chunks;
}

/** Groups offsets by topic, in the shape kafkajs' commitOffsets/sendOffsets take per topic. */
export function offsetsByTopic(offsets: readonly PartitionOffset[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of offsets) {
    let partitions = byTopic.get(topic);
    if (partitions === undefined) byTopic.set(topic, (partitions = []));
    partitions.push({ partition, offset });
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
