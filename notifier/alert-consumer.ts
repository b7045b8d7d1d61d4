/**
 * Consumes the alerts topic in the `sawmill-notifier` group and records each event's fate in
 * PostgreSQL (ledger.ts) before its offset is committed: a batch is decoded, undecodable or invalid
 * records are dead-lettered (original bytes, reason in headers), the valid events are recorded in
 * one transaction, and only then are the offsets committed. A crash anywhere before the commit
 * replays the batch, which the ledger absorbs (events are deduplicated by alertId).
 */
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { PoolClient } from 'pg';
import { ServiceUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { PgPool } from '../lib/postgres.js';
import { retry } from '../lib/retry.js';
import type { AlertEvent } from '../schemas/log-schemas.js';
import { DLQ_HEADERS } from '../topology/internal/bad-record-handling.js';
import type { Serde } from '../topology/index.js';
import { alertEventProblem } from './alert-event-validation.js';
import { recordAlertEvent, type RecordOptions } from './ledger.js';
import type { NotifierMetrics } from './notifier-metrics.js';
import { sendDefaults } from '../lib/kafka/client.js';

/** Options of `startAlertConsumer`. */
export interface AlertConsumerOptions {
  kafka: Kafka;
  /** The DLQ producer (connected). */
  producer: Producer;
  topic: string;
  groupId: string;
  dlqTopic: string;
  maxRecordBytes: number;
  fromBeginning: boolean;
  serde: Serde<AlertEvent>;
  pool: PgPool;
  record: RecordOptions;
  metrics: NotifierMetrics;
  logger: Logger;
  /** Called when the consumer crashed and kafkajs will not restart it; the process should exit. */
  onFatal: (error: unknown) => void;
}

/** A running alert consumer. */
export interface AlertConsumer {
  /** True while the consumer is a member of its group. */
  readonly joined: boolean;
  stop(): Promise<void>;
}

/** One decoded record, or why it could not be. */
type Decoded = { ok: true; event: AlertEvent } | { ok: false; reason: string };

/** PostgreSQL error classes a retry cannot fix: data exceptions (22) and integrity violations (23). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** Subscribes and starts consuming; resolves once the consumer runs. */
export async function startAlertConsumer(options: AlertConsumerOptions): Promise<AlertConsumer> {
  const { topic, serde, pool, metrics, logger } = options;
  const controller = new AbortController();
  const consumer: Consumer = options.kafka.consumer({ groupId: options.groupId, retry: { restartOnFailure: async () => true } });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  consumer.on(consumer.events.STOP, () => {
    joined = false;
  });
  consumer.on(consumer.events.CRASH, (event) => {
    joined = false;
    if (!event.payload.restart) options.onFatal(event.payload.error);
  });

  const decode = async (message: KafkaMessage, partition: number): Promise<Decoded> => {
    const { value } = message;
    if (value === null) return { ok: false, reason: 'null value (tombstone) on the alerts topic' };
    if (value.length > options.maxRecordBytes) return { ok: false, reason: `value is ${value.length} bytes, over ${options.maxRecordBytes}` };
    // A registry outage is retried (it is not the record's fault); a bad record is not.
    await retry(() => serde.prepare?.(topic, value) ?? Promise.resolve(), { retries: 8, maxDelayMs: 10_000, signal: controller.signal });
    let event: AlertEvent | null;
    try {
      event = serde.deserialize(topic, value);
    } catch (error) {
      return { ok: false, reason: `undecodable: ${(error as Error).message}` };
    }
    if (event === null) return { ok: false, reason: 'null value (tombstone) on the alerts topic' };
    const key = message.key === null ? null : message.key.toString('utf8');
    const problem = alertEventProblem(event, key);
    if (problem !== undefined) {
      logger.warn({ topic, partition, offset: message.offset, reason: problem }, 'invalid alert event');
      return { ok: false, reason: `invalid: ${problem}` };
    }
    return { ok: true, event };
  };

  const deadLetter = async (message: KafkaMessage, partition: number, reason: string): Promise<void> => {
    const headers: Record<string, Buffer | string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (typeof value === 'string' || Buffer.isBuffer(value)) headers[name] = value;
    }
    headers[DLQ_HEADERS.reason] = reason.slice(0, 1000);
    headers[DLQ_HEADERS.sourceTopic] = topic;
    headers[DLQ_HEADERS.sourcePartition] = String(partition);
    headers[DLQ_HEADERS.sourceOffset] = message.offset;
    headers[DLQ_HEADERS.processor] = 'notifier';
    headers[DLQ_HEADERS.timestamp] = message.timestamp;
    await options.producer.send({ ...sendDefaults, topic: options.dlqTopic, messages: [{ key: message.key, value: message.value, headers }] });
    metrics.deadLettered.inc({ reason: reason.split(':')[0] ?? 'other' });
    logger.warn({ topic, partition, offset: message.offset, reason }, 'record sent to the dead-letter topic');
  };

  const recordAll = async (events: ReadonlyArray<{ event: AlertEvent; message: KafkaMessage }>, partition: number): Promise<void> => {
    const inTransaction = async (work: (client: PoolClient) => Promise<void>): Promise<void> => {
      const client = await pool.connect().catch((error: unknown) => {
        throw new ServiceUnavailableError(`postgres unavailable: ${(error as Error).message}`, 'postgres', error);
      });
      try {
        await client.query('BEGIN');
        await work(client);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    };
    const counted: AlertEvent[] = [];
    const recordOne = async (client: PoolClient, event: AlertEvent): Promise<void> => {
      const outcome = await recordAlertEvent(client, event, options.record);
      if (outcome !== 'duplicate') counted.push(event);
      logger.info({ topic, partition, fingerprint: event.fingerprint, alert_id: event.alertId, state: event.state, outcome }, 'alert event recorded');
    };
    try {
      await retry(
        () => inTransaction(async (client) => {
          counted.length = 0;
          for (const { event } of events) await recordOne(client, event);
        }),
        { retries: 10, maxDelayMs: 10_000, signal: controller.signal, isRetriable: (error) => !isDataError(error) },
      );
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (!isDataError(cause)) throw new ServiceUnavailableError('recording alert events failed', 'postgres', error);
      // One event the database refuses must not block the rest: record them one by one and dead-letter the refused.
      counted.length = 0;
      for (const { event, message } of events) {
        try {
          await inTransaction((client) => recordOne(client, event));
        } catch (single) {
          if (!isDataError(single)) throw new ServiceUnavailableError('recording an alert event failed', 'postgres', single);
          await deadLetter(message, partition, `refused by postgres: ${(single as Error).message}`);
        }
      }
    }
    for (const event of counted) metrics.events.inc({ state: event.state });
  };

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const valid: Array<{ event: AlertEvent; message: KafkaMessage }> = [];
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) return;
        const decoded = await decode(message, batch.partition);
        if (decoded.ok) valid.push({ event: decoded.event, message });
        else await deadLetter(message, batch.partition, decoded.reason);
      }
      if (valid.length > 0) await recordAll(valid, batch.partition);
      const last = batch.messages[batch.messages.length - 1];
      if (last === undefined) return;
      // Every event of the batch is now in PostgreSQL (or the DLQ): only now may Kafka forget it.
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
      // The fetch position follows resolved offsets; unresolved, the same batch would come again.
      resolveOffset(last.offset);
      await heartbeat();
    },
  });
  logger.info({ topic, group_id: options.groupId }, 'alert consumer started');

  return {
    get joined() {
      return joined;
    },
    async stop() {
      controller.abort(new Error('notifier stopping'));
      await consumer.disconnect();
    },
  };
}
