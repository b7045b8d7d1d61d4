import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '../../../lib/logger.js';
import { TopologyError } from '../errors.js';
import type { TopologyMetrics } from '../topology-metrics.js';

/** One store partition to rebuild: changelog `topic`/`partition`, applied through `apply`. */
export interface RestoreTarget {
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
  /** Feeds a chunk of changelog records (in offset order) into the store. */
  apply(records: readonly { key: Buffer | null; value: Buffer | null }[]): void;
}

/** Options of restoreChangelogs. */
export interface RestoreOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Prefix of the throwaway consumer group, normally the applicationId. */
  readonly groupPrefix: string;
  readonly targets: readonly RestoreTarget[];
  readonly logger: Logger;
  readonly metrics?: TopologyMetrics;
  /** Gives up with a TopologyError after this long (default 300 000 ms). */
  readonly timeoutMs?: number;
}

/**
 * Rebuilds stores from their changelog partitions, from the beginning up to the end offset captured
 * before reading (the last stable offset: the admin client lists offsets read_committed, so an open
 * transaction of a crashed instance, which will be aborted, is excluded).
 *
 * kafkajs has no manual partition assignment, so the reading is done by a dedicated consumer in a
 * fresh, unique group (no committed offsets, so it starts at the beginning; it never commits, so the
 * broker forgets the group). It is read_committed and reads all wanted partitions at once, pausing
 * each one as it reaches its end offset. One consumer per restoration round (not per store) keeps
 * the group-join cost to one join however many tasks were assigned.
 */
export async function restoreChangelogs(options: RestoreOptions): Promise<{ records: number; ms: number }> {
  const { kafka, admin, targets, logger, metrics } = options;
  const started = Date.now();
  const key = (topic: string, partition: number): string => `${topic}/${partition}`;
  const wanted = new Map<string, RestoreTarget>();
  for (const target of targets) wanted.set(key(target.topic, target.partition), target);
  if (wanted.size === 0) return { records: 0, ms: 0 };

  // End offsets first: what is written after this point belongs to the new owner (us) anyway.
  const topics = [...new Set(targets.map((t) => t.topic))];
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const offsets of await admin.fetchTopicOffsets(topic)) {
      const id = key(topic, offsets.partition);
      if (wanted.has(id) && BigInt(offsets.high) > BigInt(offsets.low)) ends.set(id, BigInt(offsets.high));
    }
  }
  logger.debug({ ends: [...ends].map(([id, end]) => `${id}@${end}`).join(',') }, 'restoring changelogs up to these end offsets');
  if (ends.size === 0) return { records: 0, ms: Date.now() - started };

  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix}-restore-${randomUUID()}`,
    readUncommitted: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    retry: { retries: 5 },
  });
  let restored = 0;
  const remaining = new Set(ends.keys());
  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const perPartition = new Map<string, number>();
  const reached = (topic: string, partition: number, nextOffset: bigint, via: string): void => {
    const id = key(topic, partition);
    const end = ends.get(id);
    if (end === undefined || !remaining.has(id) || nextOffset < end) return;
    logger.debug({ partition: id, records: perPartition.get(id) ?? 0, end: String(end), next: String(nextOffset), via }, 'changelog partition restored');
    remaining.delete(id);
    consumer.pause([{ topic, partitions: [partition] }]);
    if (remaining.size === 0) resolveDone();
  };
  // Batches of only control records (commit markers) or aborted data never reach eachBatch; this
  // event still reports how far the partition was read, so a changelog ending in a marker completes.
  const removeListener = consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    reached(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n, `event hw=${payload.highWatermark} first=${payload.firstOffset} size=${payload.batchSize}`);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => rejectDone(payload.error));

  const deadline = options.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const id = key(batch.topic, batch.partition);
        const end = ends.get(id);
        const target = wanted.get(id);
        if (end === undefined || target === undefined || !remaining.has(id)) {
          consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
          return;
        }
        const chunk: { key: Buffer | null; value: Buffer | null }[] = [];
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          chunk.push({ key: message.key, value: message.value });
        }
        target.apply(chunk);
        restored += chunk.length;
        perPartition.set(id, (perPartition.get(id) ?? 0) + chunk.length);
        metrics?.restoreRecords.inc({ store: target.store }, chunk.length);
        reached(batch.topic, batch.partition, BigInt(batch.lastOffset()) + 1n, 'batch');
      },
    });
    timer = setTimeout(() => rejectDone(new TopologyError(`changelog restoration did not finish within ${deadline}ms; still reading ${[...remaining].join(', ')}`)), deadline);
    await done;
  } finally {
    clearTimeout(timer);
    removeListener();
    await consumer.disconnect().catch((error: unknown) => logger.warn({ err: error }, 'restore consumer did not disconnect cleanly'));
  }
  const ms = Date.now() - started;
  logger.info({ partitions: ends.size, records: restored, ms }, 'restored state stores from changelogs');
  return { records: restored, ms };
}
