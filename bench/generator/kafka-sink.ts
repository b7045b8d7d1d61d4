/**
 * Produces generated lines straight to a Kafka topic (default `logs.raw`),
 * bypassing the agent: the load generator for pipeline benchmarks.
 *
 * Each record: key `<host>/<service>` (the partitioning key the design fixes for
 * logs.raw), headers `service`, `host`, `format`, timestamp = the line's event
 * time, value = the raw line as UTF-8.
 *
 * TODO(avro envelope): the value is the bare line for now. Once the Avro event
 * schema exists (schemas/), this sink must encode the same envelope the agent
 * produces (Confluent wire format, schema id from the registry), or the
 * validate processor will dead-letter these records.
 *
 * kafkajs has no producer-side linger or batch size, so both live here: lines
 * collect into a batch that is sent when it reaches `batchMaxBytes` /
 * `batchMaxMessages` or when `lingerMs` passes. At most `maxInFlight` sends are
 * outstanding; write() waits for a free slot, which is how Kafka's pace pushes
 * back on the generator.
 */
import type { Message, Producer } from 'kafkajs';
import { ConfigError, InvalidInputError, ServiceUnavailableError } from '../../lib/errors.js';
import { createKafka, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import type { Logger } from '../../lib/logger.js';
import type { GeneratedLine } from './generator.js';
import type { LineSink } from './line-sink.js';

/** The topic raw log lines go to unless told otherwise. */
export const DEFAULT_RAW_TOPIC = 'logs.raw';

/** Options of createKafkaSink. */
export interface KafkaSinkOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Target topic. Default `logs.raw`. */
  readonly topic?: string;
  /** Client id shown in broker logs and quotas. Default `sawmill-demo-source`. */
  readonly clientId?: string;
  /** Send a batch once it holds this many bytes of values. Default 256 KiB. */
  readonly batchMaxBytes?: number;
  /** Send a batch once it holds this many records. Default 2000. */
  readonly batchMaxMessages?: number;
  /** Send a non-empty batch at the latest this long after its first line. Default 20 ms. */
  readonly lingerMs?: number;
  /** Most sends outstanding at once; write() waits beyond that. Default 2. */
  readonly maxInFlight?: number;
  /** Where kafkajs's own log lines go. */
  readonly logger: Logger;
}

/** A Kafka sink; `delivered` counts records the brokers acknowledged (acks=all). */
export interface KafkaSink extends LineSink {
  /** The topic this sink produces to. */
  readonly topic: string;
}

function toMessage(line: GeneratedLine): Message {
  return {
    key: `${line.host}/${line.service}`,
    value: Buffer.from(line.line, 'utf8'),
    timestamp: String(line.timestampMs),
    headers: { service: line.service, host: line.host, format: line.format },
  };
}

/**
 * Connects an idempotent producer and returns the sink; throws ConfigError on bad
 * options and ServiceUnavailableError when the brokers cannot be reached.
 */
export async function createKafkaSink(options: KafkaSinkOptions): Promise<KafkaSink> {
  const topic = options.topic ?? DEFAULT_RAW_TOPIC;
  const batchMaxBytes = options.batchMaxBytes ?? 256 * 1024;
  const batchMaxMessages = options.batchMaxMessages ?? 2000;
  const lingerMs = options.lingerMs ?? 20;
  const maxInFlight = options.maxInFlight ?? 2;
  if (options.brokers.length === 0) throw new ConfigError('at least one broker is required', 'options', 'kafka.brokers');
  if (topic.length === 0) throw new ConfigError('topic must not be empty', 'options', 'kafka.topic');
  for (const [key, value] of Object.entries({ batchMaxBytes, batchMaxMessages, maxInFlight })) {
    if (!(Number.isInteger(value) && value > 0)) throw new ConfigError(`${key} must be a positive integer`, 'options', `kafka.${key}`);
  }
  if (!(lingerMs >= 0)) throw new ConfigError('lingerMs must be >= 0', 'options', 'kafka.lingerMs');

  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'sawmill-demo-source',
    logger: options.logger,
  });
  // Idempotent, acks=all (sendDefaults), murmur2 partitioner, retries without limit: a Kafka outage
  // stalls the generator through backpressure instead of dropping or duplicating lines.
  const producer: Producer = kafka.producer({ ...producerDefaults, allowAutoTopicCreation: false });
  try {
    await producer.connect();
  } catch (error) {
    throw new ServiceUnavailableError(`cannot connect to Kafka at ${options.brokers.join(',')}`, 'kafka', error);
  }

  let batch: Message[] = [];
  let batchBytes = 0;
  let lingerTimer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  let delivered = 0;
  let failure: unknown;
  let closed = false;
  // Dispatches run one after another, so batches leave in the order lines arrived.
  let dispatchChain: Promise<void> = Promise.resolve();

  const send = (messages: Message[]): Promise<void> => {
    const pending = producer
      .send({ topic, ...sendDefaults, messages })
      .then(() => {
        delivered += messages.length;
      })
      .catch((error: unknown) => {
        failure ??= new ServiceUnavailableError(`producing ${messages.length} records to ${topic} failed`, 'kafka', error);
      })
      .finally(() => {
        inFlight.delete(pending);
      });
    inFlight.add(pending);
    return pending;
  };

  /** Hands the current batch to a send once a slot is free; resolves when the send has started. */
  const dispatch = (): Promise<void> => {
    if (lingerTimer !== undefined) {
      clearTimeout(lingerTimer);
      lingerTimer = undefined;
    }
    if (batch.length === 0) return dispatchChain;
    const messages = batch;
    batch = [];
    batchBytes = 0;
    dispatchChain = dispatchChain.then(async () => {
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      void send(messages);
    });
    return dispatchChain;
  };

  const throwIfFailed = (): void => {
    if (failure !== undefined) throw failure;
  };

  const flush = async (): Promise<void> => {
    await dispatch();
    await Promise.all([...inFlight]);
    throwIfFailed();
  };

  return {
    name: 'kafka',
    topic,
    get delivered() {
      return delivered;
    },
    async write(lines) {
      if (closed) throw new InvalidInputError('kafka sink is closed', 'sink-closed');
      throwIfFailed();
      for (const line of lines) {
        const message = toMessage(line);
        batch.push(message);
        batchBytes += (message.value as Buffer).length + (message.key as string).length;
        if (batchBytes >= batchMaxBytes || batch.length >= batchMaxMessages) await dispatch();
      }
      if (batch.length > 0 && lingerTimer === undefined) {
        lingerTimer = setTimeout(() => {
          lingerTimer = undefined;
          // A failure here is recorded by send() and surfaces on the next write() or close().
          void dispatch();
        }, lingerMs);
      }
      throwIfFailed();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await flush();
      } finally {
        await producer.disconnect();
      }
    },
  };
}
