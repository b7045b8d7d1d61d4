import type { Admin, Kafka, Producer, RecordMetadata } from 'kafkajs';
import { producerDefaults } from '../../../lib/kafka/client.js';
import type { Logger } from '../../../lib/logger.js';
import type { OutgoingRecord } from '../stream-task.js';
import { offsetsByTopic, StaleCommitError, toTopicMessages, type Committer, type PartitionOffset } from './committer.js';

/** Options of TransactionalCommitter.create. */
export interface TransactionalCommitterOptions {
  readonly kafka: Kafka;
  /** Connected admin client (read_committed offset listing) used to see a commit completed. */
  readonly admin: Admin;
  /** Changelog topics: written only by the owner of each partition, so their last stable offset tells when our commit completed. */
  readonly changelogTopics: ReadonlySet<string>;
  /** The consumer group whose offsets ride in the transaction (the applicationId). */
  readonly consumerGroupId: string;
  /** Unique per runtime instance and stable across its restarts when possible (a restart then fences its zombie). */
  readonly transactionalId: string;
  /**
   * How long the coordinator lets a transaction stay open before aborting it (default 10 000 ms,
   * Kafka Streams' exactly_once default). It bounds how long a killed instance's open transaction
   * blocks read_committed readers, the survivor included, of the partitions it wrote.
   */
  readonly transactionTimeoutMs?: number;
  readonly logger: Logger;
}

/**
 * exactly_once: one transactional producer per runtime instance; each commit is ONE transaction
 * holding every output, repartition record and changelog write since the last commit together with
 * the consumed input offsets (sendOffsets), so they become visible to read_committed readers
 * together or, when aborted, not at all. On failure the transaction is aborted and the error
 * rethrown: the caller discards its state and rewinds to the last committed offsets.
 */
export class TransactionalCommitter implements Committer {
  private constructor(
    private producer: Producer,
    private readonly createProducer: () => Producer,
    private readonly admin: Admin,
    private readonly changelogTopics: ReadonlySet<string>,
    private readonly groupId: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Set when a failed transaction could not be aborted either: kafkajs then stays in that
   * transaction's state (e.g. COMMITTING after the coordinator died during EndTxn) and refuses every
   * later transaction, so the next `settle` (before any commit, rewind or hand-over) replaces it.
   */
  private wedged = false;

  /** What the last commit wrote, until it is known to be visible. */
  private unsettled: { written: readonly RecordMetadata[]; offsets: readonly PartitionOffset[] } | undefined;

  /** Connects the transactional producer (which also fences an earlier producer with the same transactional id). */
  static async create(options: TransactionalCommitterOptions): Promise<TransactionalCommitter> {
    const createProducer = (): Producer =>
      options.kafka.producer({
        ...producerDefaults,
        transactionalId: options.transactionalId,
        transactionTimeout: options.transactionTimeoutMs ?? 10_000,
        // kafkajs requires a single request in flight for transactions.
        maxInFlightRequests: 1,
        // A new transaction right after a commit meets CONCURRENT_TRANSACTIONS until the coordinator
        // has written the markers (a few ms): retry quickly rather than at the 300 ms default.
        retry: { ...producerDefaults.retry, initialRetryTime: 20, retries: 50, maxRetryTime: 2_000 },
      });
    const producer = createProducer();
    await producer.connect();
    return new TransactionalCommitter(producer, createProducer, options.admin, options.changelogTopics, options.consumerGroupId, options.logger);
  }

  /**
   * Sends `records` and `offsets` in one transaction and commits it; aborts and rejects on any
   * failure. The previous transaction is settled first (see `settle`).
   */
  async commit(records: readonly OutgoingRecord[], offsets: readonly PartitionOffset[], stillOwned: () => boolean = () => true): Promise<void> {
    if (records.length === 0 && offsets.length === 0) return;
    await this.settle();
    const transaction = await this.producer.transaction();
    const written: RecordMetadata[] = [];
    try {
      for (const topicMessages of toTopicMessages(records)) written.push(...(await transaction.sendBatch({ topicMessages })));
      if (offsets.length > 0) await transaction.sendOffsets({ consumerGroupId: this.groupId, topics: offsetsByTopic(offsets) });
      if (!stillOwned()) throw new StaleCommitError();
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch((abortError: unknown) => {
        this.wedged = true;
        this.logger.error({ err: abortError }, 'aborting the failed transaction failed too; the producer is replaced before the next commit or rewind');
      });
      throw error;
    }
    this.unsettled = { written, offsets };
  }

  /** Resolves once the last committed transaction is visible to read_committed readers and in the group's offsets. */
  async settle(): Promise<void> {
    // A wedged producer's last transaction may still be open or half committed: only a new
    // producer's InitProducerId settles it, and it must be settled before anyone reads offsets.
    if (this.wedged) await this.replaceProducer();
    const unsettled = this.unsettled;
    if (unsettled === undefined) return;
    await this.awaitComplete(unsettled.written, unsettled.offsets);
    this.unsettled = undefined;
  }

  /**
   * EndTxn returns before the coordinator wrote the commit markers. Until it has, read_committed
   * readers stop before our records (the last stable offset has not passed them) and the group
   * still shows the previous offsets (kafkajs' OffsetFetch v4 has no `requireStable`). A partition
   * handed over in that gap would be restored without our last changelog writes yet resumed after
   * our last inputs: lost updates. So partitions are handed over (rebalance, shutdown) only after
   * `settle()`; settling before each new transaction also spares it the CONCURRENT_TRANSACTIONS
   * retries of starting too early, while processing goes on between commits.
   */
  private async awaitComplete(written: readonly RecordMetadata[], offsets: readonly PartitionOffset[]): Promise<void> {
    const firstWritten = new Map<string, bigint>();
    for (const meta of written) {
      // Output and repartition partitions are shared with other instances' transactions, whose
      // open ones would hold the last stable offset back: only changelogs decide.
      if (meta.baseOffset === undefined || !this.changelogTopics.has(meta.topicName)) continue;
      const id = `${meta.topicName}/${meta.partition}`;
      const base = BigInt(meta.baseOffset);
      if (!firstWritten.has(id) || base < firstWritten.get(id)!) firstWritten.set(id, base);
    }
    const wantedOffsets = new Map(offsets.map((o) => [`${o.topic}/${o.partition}`, o.offset]));
    const deadline = Date.now() + 10_000;
    for (let attempt = 0; ; attempt += 1) {
      if (await this.complete(firstWritten, wantedOffsets)) return;
      if (Date.now() > deadline) {
        this.logger.warn({ partitions: firstWritten.size }, 'transaction committed but not visible after 10 s; continuing');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 + attempt * 2, 50)));
    }
  }

  private async complete(firstWritten: Map<string, bigint>, wantedOffsets: Map<string, string>): Promise<boolean> {
    for (const topic of new Set([...firstWritten.keys()].map((id) => id.slice(0, id.lastIndexOf('/'))))) {
      // The admin lists offsets read_committed: `high` is the last stable offset.
      for (const { partition, high } of await this.admin.fetchTopicOffsets(topic)) {
        const base = firstWritten.get(`${topic}/${partition}`);
        if (base !== undefined && BigInt(high) <= base) return false;
      }
    }
    const topics = [...new Set([...wantedOffsets.keys()].map((id) => id.slice(0, id.lastIndexOf('/'))))];
    if (topics.length === 0) return true;
    for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId: this.groupId, topics })) {
      for (const { partition, offset } of partitions) {
        const want = wantedOffsets.get(`${topic}/${partition}`);
        if (want !== undefined && want !== offset) return false;
      }
    }
    return true;
  }

  /**
   * Swaps in a new producer with the same transactional id. Its InitProducerId makes the coordinator
   * finish the old producer's last transaction first (commit when EndTxn reached the log, otherwise
   * abort) and fences the old producer, so what the caller rewinds to afterwards is settled.
   * Throws when the new producer cannot connect; the next commit tries again.
   */
  private async replaceProducer(): Promise<void> {
    await this.producer.disconnect().catch((error: unknown) => this.logger.warn({ err: error }, 'disconnecting the wedged transactional producer failed'));
    const producer = this.createProducer();
    try {
      await producer.connect();
    } catch (error) {
      // Its sockets to the brokers that did answer would otherwise stay open until the process ends.
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    this.wedged = false;
    // The last transaction's outcome is the coordinator's now; nothing of ours is left to wait for.
    this.unsettled = undefined;
    this.logger.warn('transactional producer replaced');
  }

  /** Disconnects the producer (an open transaction, if any, is aborted by the coordinator). */
  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
