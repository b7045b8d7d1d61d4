/**
 * What to do with a record that cannot be processed: a poison record (a serde throws) or a record
 * later than its window's grace period. One option with three values, as in Kafka Streams'
 * deserialization exception handlers.
 */
import type { BadRecordOrigin } from './errors.js';
import type { OutgoingRecord } from './stream-task.js';

/**
 * `log-and-continue`: log, count and skip; `log-and-fail`: log and throw BadRecordError (the runtime
 * stops); `{ deadLetterTopic }`: send the original bytes with the reason in headers to that topic.
 */
export type BadRecordHandling = 'log-and-continue' | 'log-and-fail' | { deadLetterTopic: string };

/** Header names carried by every dead-lettered record. */
export const DLQ_HEADERS = {
  reason: 'x-sawmill-dlq-reason',
  sourceTopic: 'x-sawmill-dlq-source-topic',
  sourcePartition: 'x-sawmill-dlq-source-partition',
  sourceOffset: 'x-sawmill-dlq-source-offset',
  processor: 'x-sawmill-dlq-processor',
  timestamp: 'x-sawmill-dlq-timestamp',
} as const;

/** Builds the dead-letter record for `origin`: the original key/value bytes and headers plus the DLQ headers. */
export function deadLetterRecord(
  deadLetterTopic: string,
  bytes: { key: Buffer | null; value: Buffer | null; headers: Readonly<Record<string, Buffer | string | undefined>> },
  origin: BadRecordOrigin,
  reason: string,
): OutgoingRecord {
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(bytes.headers)) if (value !== undefined) headers[name] = value;
  headers[DLQ_HEADERS.reason] = reason;
  headers[DLQ_HEADERS.sourceTopic] = origin.topic;
  headers[DLQ_HEADERS.sourcePartition] = String(origin.partition);
  headers[DLQ_HEADERS.sourceOffset] = origin.offset;
  headers[DLQ_HEADERS.processor] = origin.processor;
  headers[DLQ_HEADERS.timestamp] = String(origin.timestamp);
  return { topic: deadLetterTopic, key: bytes.key, value: bytes.value, timestamp: origin.timestamp, headers };
}
