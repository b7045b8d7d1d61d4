import type { Consumer, Kafka, Producer } from 'kafkajs';
import { producerDefaults, sendDefaults } from '../../../lib/kafka/client.js';
import type { OutgoingRecord } from '../stream-task.js';
import { StaleCommitError, toTopicMessages, type Committer, type PartitionOffset } from './committer.js';

/**
 * at_least_once: produce every output with the idempotent producer (acks from all in-sync
 * replicas), await the acks, and only then commit the input offsets. A crash between the two
 * leaves the offsets behind the outputs, so the inputs are processed again: duplicates, never loss.
 */
export class AtLeastOnceCommitter implements Committer {
  private constructor(private readonly producer: Producer, private readonly consumer: Consumer) {}

  /** Connects an idempotent producer; offsets are committed through `consumer` (the group member that consumed them). */
  static async create(options: { kafka: Kafka; consumer: Consumer }): Promise<AtLeastOnceCommitter> {
    const producer = options.kafka.producer({ ...producerDefaults });
    await producer.connect();
    return new AtLeastOnceCommitter(producer, options.consumer);
  }

  /** Produces `records` (awaiting acks=all), then commits `offsets`. */
  async commit(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[], stillOwned: () => boolean = () => true): Promise<void> {
    for (const topicMessages of toTopicMessages(records)) await this.producer.sendBatch({ ...sendDefaults, topicMessages });
    if (offsets.length === 0) return;
    // The outputs are durable either way; the offsets must not move for partitions now changing hands.
    if (!stillOwned()) throw new StaleCommitError();
    await this.consumer.commitOffsets([...offsets]);
  }

  /** Nothing to wait for: acks and the offset commit were awaited by `commit`. */
  async settle(): Promise<void> {}

  /** Disconnects the producer. */
  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
