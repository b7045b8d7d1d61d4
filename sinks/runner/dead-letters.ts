/**
 * Reading and re-injecting dead letters (`sawmill dlq list|replay`). A dead letter carries the
 * original key, value and headers plus the DLQ_HEADERS (reason, source topic/partition/offset,
 * processor, original timestamp). Replay sends the original bytes back to the source topic once
 * the cause is fixed; the stores deduplicate on event id, so replaying twice is harmless.
 */
import { randomBytes } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import type { Logger } from '../../lib/logger.js';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';

/** A dead letter as `sawmill dlq list` shows it. */
export interface DeadLetterView {
  readonly partition: number;
  readonly offset: string;
  readonly reason: string | null;
  readonly sourceTopic: string | null;
  readonly sourcePartition: number | null;
  readonly sourceOffset: string | null;
  readonly processor: string | null;
  /** Time of the original record, ISO. */
  readonly timestamp: string | null;
  readonly key: string | null;
  readonly valueBytes: number;
}

/** Header added to a replayed record: where in the DLQ it came from (`topic/partition/offset`). */
export const REPLAYED_FROM_HEADER = 'x-sawmill-dlq-replayed-from';

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

function header(headers: IHeaders | undefined, name: string): string | null {
  const value = headers?.[name];
  if (value === undefined) return null;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

function view(partition: number, message: KafkaMessage): DeadLetterView {
  const timestamp = Number(header(message.headers, DLQ_HEADERS.timestamp) ?? message.timestamp);
  const sourcePartition = header(message.headers, DLQ_HEADERS.sourcePartition);
  return {
    partition,
    offset: message.offset,
    reason: header(message.headers, DLQ_HEADERS.reason),
    sourceTopic: header(message.headers, DLQ_HEADERS.sourceTopic),
    sourcePartition: sourcePartition === null ? null : Number(sourcePartition),
    sourceOffset: header(message.headers, DLQ_HEADERS.sourceOffset),
    processor: header(message.headers, DLQ_HEADERS.processor),
    timestamp: Number.isFinite(timestamp) && Math.abs(timestamp) <= 8.64e15 ? new Date(timestamp).toISOString() : null,
    key: message.key === null ? null : message.key.toString('utf8').slice(0, 200),
    valueBytes: message.value?.length ?? 0,
  };
}

/**
 * Calls `visit` for every record of `topic` up to the end offsets captured at start, then
 * resolves. Uses a throwaway consumer group (deleted afterwards) that commits nothing.
 */
export async function scanTopic(kafka: Kafka, topic: string, visit: (partition: number, message: KafkaMessage) => Promise<void> | void): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `sawmill-dlq-reader-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  try {
    const ends = new Map<number, number>();
    for (const entry of await admin.fetchTopicOffsets(topic)) {
      if (Number(entry.high) > Number(entry.low)) ends.set(entry.partition, Number(entry.high));
    }
    if (ends.size === 0) return;
    const remaining = new Set(ends.keys());
    let finish!: () => void;
    let fail!: (error: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) fail(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const end = ends.get(batch.partition);
        if (end === undefined || !remaining.has(batch.partition)) return;
        for (const message of batch.messages) {
          if (Number(message.offset) >= end) break;
          await visit(batch.partition, message);
          resolveOffset(message.offset);
        }
        await heartbeat();
        if (Number(batch.lastOffset()) + 1 >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) finish();
        }
      },
    });
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Returns the newest `limit` dead letters of `topic` (by original timestamp, then offset), oldest first. */
export async function listDeadLetters({ kafka, topic, limit }: { kafka: Kafka; topic: string; limit: number }): Promise<DeadLetterView[]> {
  const newest: DeadLetterView[] = [];
  await scanTopic(kafka, topic, (partition, message) => {
    newest.push(view(partition, message));
    // Keep memory bounded on a large DLQ: trim once the list doubles.
    if (newest.length > limit * 2) trim(newest, limit);
  });
  trim(newest, limit);
  return newest;
}

function trim(letters: DeadLetterView[], limit: number): void {
  letters.sort((a, b) => (a.timestamp ?? '').localeCompare(b.timestamp ?? '') || a.partition - b.partition || Number(a.offset) - Number(b.offset));
  letters.splice(0, Math.max(0, letters.length - limit));
}

/** Options of replayDeadLetters. */
export interface ReplayDeadLettersOptions {
  readonly kafka: Kafka;
  /** The dead-letter topic. */
  readonly topic: string;
  /** Only letters whose reason contains this text (case-sensitive). */
  readonly reason?: string;
  /** Only letters whose original record is at least this recent (ms since the epoch). */
  readonly sinceMs?: number;
  /** Count what would be replayed without sending. */
  readonly dryRun?: boolean;
  readonly logger: Logger;
}

/** What a replay did. */
export interface ReplaySummary {
  readonly scanned: number;
  readonly matched: number;
  readonly replayed: number;
  /** Matched letters without a source topic header (nothing to send them back to). */
  readonly skipped: number;
  /** Replayed records per source topic. */
  readonly byTopic: Record<string, number>;
}

/** Sends every matching dead letter's original key, value and headers back to its source topic (idempotent producer, acks=all). */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplaySummary> {
  const { kafka, topic, reason, sinceMs, dryRun = false, logger } = options;
  const producer = kafka.producer({ ...producerDefaults });
  if (!dryRun) await producer.connect();
  let scanned = 0;
  let matched = 0;
  let replayed = 0;
  let skipped = 0;
  const byTopic: Record<string, number> = {};
  try {
    await scanTopic(kafka, topic, async (partition, message) => {
      scanned += 1;
      const letter = view(partition, message);
      if (reason !== undefined && !(letter.reason ?? '').includes(reason)) return;
      if (sinceMs !== undefined && (letter.timestamp === null || Date.parse(letter.timestamp) < sinceMs)) return;
      matched += 1;
      if (letter.sourceTopic === null || letter.sourceTopic === topic) {
        skipped += 1;
        return;
      }
      const headers: IHeaders = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) if (!DLQ_HEADER_NAMES.has(name) && value !== undefined) headers[name] = value;
      headers[REPLAYED_FROM_HEADER] = `${topic}/${partition}/${message.offset}`;
      if (!dryRun) {
        await producer.send({ ...sendDefaults, topic: letter.sourceTopic, messages: [{ key: message.key, value: message.value, headers, timestamp: message.timestamp }] });
      }
      replayed += 1;
      byTopic[letter.sourceTopic] = (byTopic[letter.sourceTopic] ?? 0) + 1;
    });
  } finally {
    if (!dryRun) await producer.disconnect().catch(() => undefined);
  }
  logger.info({ scanned, matched, replayed, skipped, dry_run: dryRun }, 'dead letters replayed');
  return { scanned, matched, replayed, skipped, byTopic };
}
