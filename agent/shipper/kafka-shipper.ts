/**
 * Delivers encoded raw events to Kafka: registers the raw event schema under the topic's value
 * subject at start, encodes events in the Confluent wire format with that schema id, and sends
 * record batches with acks=all from an idempotent producer.
 *
 * `send` resolves only once Kafka acknowledged every record of the batch; it retries (through
 * lib/retry, backoff with jitter) for as long as it takes, so a batch is never dropped: a
 * retriable failure (broker down) is retried quickly, a fatal one (record too large, not
 * authorized) is logged as an error, counted, and retried slowly, because giving up would lose
 * lines and the operator can fix the cause (topic config, ACL) while the agent waits with its
 * files in place. Only `stop` ends the loop.
 *
 * The producer starts from lib/kafka producerDefaults but with a short internal retry budget:
 * kafkajs's own unbounded retry would hide an outage inside one `send`, whereas the agent needs
 * the failure to surface (readiness, metrics, spooling). After a failed attempt the producer is
 * replaced, because an idempotent producer's sequence numbers are not reliable after a request
 * with an unknown outcome; the same records sent again keep their event ids, which is what the
 * stores deduplicate on.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import { createKafka, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import type { Logger } from '../../lib/logger.js';
import { abortableSleep, retry } from '../../lib/retry.js';
import { ServiceUnavailableError } from '../../lib/errors.js';
import { Serdes, type Serde } from '../../topology/index.js';
import { rawEventKey, rawLogEventSchemaText, type RawLogEvent } from '../raw-event.js';
import { kafkaErrorKind } from './kafka-error-kind.js';

const { CompressionTypes } = kafkajs;

/** One Kafka record ready to send. */
export interface EncodedRecord {
  key: string;
  value: Buffer;
}

/** Options of `KafkaShipper`. */
export interface KafkaShipperOptions {
  brokers: string[];
  topic: string;
  clientId: string;
  compression: 'gzip' | 'none';
  /** Registry base URL. */
  registryUrl: string;
  /** Subject of the value schema; default `<topic>-value`. */
  subject?: string;
  /** Longest one produce attempt may take. */
  sendTimeoutMs: number;
  /** Wait between attempts after a fatal error. Default 30 s. */
  fatalRetryMs?: number;
  /** Longest wait between attempts after a retriable error. Default 5 s. */
  maxRetryDelayMs?: number;
  logger: Logger;
  /** Told about every failed attempt (metrics, readiness). */
  onAttemptFailed?: (kind: 'retriable' | 'fatal', error: unknown) => void;
  /** Told about every acknowledged batch. */
  onAcknowledged?: (records: number) => void;
}

/** Registers the schema, encodes events and sends batches until Kafka acknowledged them. */
export class KafkaShipper {
  private readonly kafka: Kafka;
  private readonly registry: SchemaRegistry;
  private producer: Producer | undefined;
  private serde: Serde<RawLogEvent> | undefined;
  private readonly abort = new AbortController();
  private lastOk = true;

  constructor(private readonly options: KafkaShipperOptions) {
    this.kafka = createKafka({ brokers: options.brokers, clientId: options.clientId, logger: options.logger, requestTimeoutMs: Math.min(options.sendTimeoutMs, 30_000), retry: { retries: 2, maxRetryTime: 2000 } });
    this.registry = new SchemaRegistry({ host: options.registryUrl, retry: { retries: 3 } });
  }

  /** True when the last produce attempt succeeded (or none failed yet). */
  get healthy(): boolean {
    return this.lastOk;
  }

  /**
   * Registers the raw event schema (retrying while the registry is unreachable). Does not need Kafka.
   * Encoding then goes through the topology library's Avro serde: synchronous, with the schema id
   * and the avsc type cached, so no registry round trip or promise per line.
   */
  async start(): Promise<void> {
    const subject = this.options.subject ?? `${this.options.topic}-value`;
    // Read once, outside the retry: a missing schema file is a broken install, not an outage.
    const schema = JSON.parse(rawLogEventSchemaText()) as Parameters<typeof Serdes.Avro>[0]['schema'];
    const serde = Serdes.Avro<RawLogEvent>({ registry: this.registry, schema, subject });
    // ServiceUnavailableError (unreachable, 5xx) is retried; a refused schema (4xx) stops at once.
    await retry(() => serde.init!(), {
      retries: 20,
      maxDelayMs: 5000,
      signal: this.abort.signal,
      onRetry: ({ attempt, error }) => this.options.logger.warn({ err: error, attempt, subject }, 'registering the raw event schema failed; retrying'),
    });
    this.serde = serde;
    this.options.logger.info({ subject, topic: this.options.topic }, 'raw event schema registered');
  }

  /** Encodes one event in the Confluent wire format (magic byte, schema id, Avro body) with its key; throws before `start`. */
  encode(event: RawLogEvent): EncodedRecord {
    if (this.serde === undefined) throw new Error('KafkaShipper.start has not completed');
    return { key: rawEventKey(event), value: this.serde.serialize(this.options.topic, event)! };
  }


  /**
   * Sends `records` to the topic and resolves once Kafka acknowledged all of them (acks=all);
   * retries until then. Rejects only when `stop` was called.
   */
  async send(records: readonly EncodedRecord[]): Promise<void> {
    if (records.length === 0) return;
    for (;;) {
      let fatal = false;
      try {
        await retry(
          async () => {
            try {
              await this.attempt(records);
            } catch (error) {
              this.lastOk = false;
              const kind = kafkaErrorKind(error);
              this.options.onAttemptFailed?.(kind, error);
              await this.resetProducer();
              if (kind === 'fatal') fatal = true;
              throw error;
            }
          },
          {
            retries: Number.MAX_SAFE_INTEGER,
            initialDelayMs: 200,
            maxDelayMs: this.options.maxRetryDelayMs ?? 5000,
            signal: this.abort.signal,
            isRetriable: (error) => kafkaErrorKind(error) === 'retriable',
            onRetry: ({ attempt, delayMs, error }) => this.options.logger.warn({ err: error, attempt, delay_ms: delayMs, topic: this.options.topic, records: records.length }, 'produce failed; retrying'),
          },
        );
        this.lastOk = true;
        this.options.onAcknowledged?.(records.length);
        return;
      } catch (error) {
        this.abort.signal.throwIfAborted();
        if (!fatal) throw error;
        this.options.logger.error({ err: error, topic: this.options.topic, records: records.length }, 'produce failed with a non-retriable error; the batch is kept and retried later (fix the topic or ACL)');
        // Abortable, so a shutdown does not wait out the fatal-error pause.
        await abortableSleep(this.options.fatalRetryMs ?? 30_000, this.abort.signal);
      }
    }
  }

  /** Checks that a broker answers a metadata request, for /readyz. */
  async ping(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [this.options.topic] });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Ends every pending `send` (they reject) and disconnects. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('shipper stopped'));
    await this.resetProducer();
  }

  private async attempt(records: readonly EncodedRecord[]): Promise<void> {
    if (!this.producer) {
      const producer = this.kafka.producer({ ...producerDefaults, retry: { retries: 2, maxRetryTime: 2000, initialRetryTime: 300 } });
      this.producer = producer;
      await withTimeout(producer.connect(), this.options.sendTimeoutMs, 'producer connect');
    }
    await withTimeout(
      this.producer.send({
        ...sendDefaults,
        topic: this.options.topic,
        compression: this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        timeout: this.options.sendTimeoutMs,
        messages: records.map((r) => ({ key: r.key, value: r.value })),
      }),
      this.options.sendTimeoutMs + 5000,
      'produce',
    );
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await withTimeout(producer.disconnect(), 5000, 'producer disconnect').catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new ServiceUnavailableError(`${what} timed out after ${ms} ms`, 'kafka'), { name: 'KafkaJSTimeout' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
