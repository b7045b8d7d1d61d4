import kafkajs from 'kafkajs';
import type { Kafka as KafkaClient, LogEntry, logLevel as LogLevel, ProducerConfig, RetryOptions } from 'kafkajs';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

const { Kafka, Partitioners, logLevel: KafkaLogLevel } = kafkajs;

/** Options of createKafka. */
export interface KafkaClientOptions {
  /** Bootstrap brokers as `host:port`; at least one. */
  readonly brokers: readonly string[];
  /** Client id the brokers see in their logs, metrics and quotas, e.g. `sawmill-agent`. */
  readonly clientId: string;
  /** The component's pino logger; kafkajs log lines are written through a child of it. */
  readonly logger: Logger;
  /** How long to wait for a TCP connection to a broker, in ms (default 3000). */
  readonly connectionTimeoutMs?: number;
  /** How long to wait for a broker's answer to one request, in ms (default 30000). */
  readonly requestTimeoutMs?: number;
  /** kafkajs retry settings for every client made from this instance (defaults: see DEFAULT_KAFKA_RETRY). */
  readonly retry?: RetryOptions;
  /** Where a bad option came from, named in the ConfigError (a config file path or `environment`). */
  readonly configSource?: string;
}

/**
 * Retries for connection and request failures: exponential backoff with kafkajs' jitter, from 300ms
 * up to 30s between attempts, 10 attempts, so a broker restart (a few seconds) is ridden out but a
 * dead cluster is reported within about a minute.
 */
export const DEFAULT_KAFKA_RETRY: Readonly<RetryOptions> = Object.freeze({
  initialRetryTime: 300,
  maxRetryTime: 30_000,
  factor: 0.2,
  multiplier: 2,
  retries: 10,
});

/**
 * Producer settings every Sawmill producer starts from: idempotent (no duplicates from retries),
 * up to 5 requests in flight (the most idempotence keeps ordered), the Java-compatible murmur2
 * partitioner so a key lands on the same partition whichever client wrote it, and unbounded retries
 * (backoff still capped at DEFAULT_KAFKA_RETRY.maxRetryTime) because giving up mid-sequence breaks
 * idempotence: a send therefore waits out a Kafka outage, and a caller that needs a bound (the
 * agent's backpressure) puts its own deadline around it. Use with sendDefaults.
 */
export const producerDefaults: Readonly<ProducerConfig> = Object.freeze({
  idempotent: true,
  maxInFlightRequests: 5,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: Object.freeze({ ...DEFAULT_KAFKA_RETRY, retries: Number.MAX_SAFE_INTEGER }),
});

/** Send options every Sawmill producer uses: acks from all in-sync replicas (acks=-1), which idempotence requires. */
export const sendDefaults = Object.freeze({ acks: -1 as const });

const BROKER_PATTERN = /^[^\s:,]+:\d{1,5}$/;

/** Splits a comma-separated broker list (as in KAFKA_BROKERS) into trimmed, non-empty entries. */
export function parseBrokerList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * Returns a kafkajs Kafka instance whose log lines go to `logger` (level mapped both ways) with
 * Sawmill's timeouts and retry settings. Throws ConfigError at once on an empty or malformed broker
 * list or an empty client id; it does not connect.
 */
export function createKafka(options: KafkaClientOptions): KafkaClient {
  const source = options.configSource ?? 'createKafka';
  if (!Array.isArray(options.brokers) || options.brokers.length === 0) {
    throw new ConfigError('kafka broker list is empty; give at least one host:port', source, 'kafka.brokers');
  }
  options.brokers.forEach((broker, index) => {
    if (typeof broker !== 'string' || !BROKER_PATTERN.test(broker)) {
      throw new ConfigError(`kafka broker '${String(broker)}' is not host:port`, source, `kafka.brokers[${index}]`);
    }
  });
  if (typeof options.clientId !== 'string' || options.clientId.trim() === '') {
    throw new ConfigError('kafka client id is empty', source, 'kafka.clientId');
  }
  for (const key of ['connectionTimeoutMs', 'requestTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new ConfigError(`${key} must be a positive number of milliseconds`, source, `kafka.${key}`);
    }
  }

  const logger = options.logger.child({ kafka_client_id: options.clientId });
  return new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { ...DEFAULT_KAFKA_RETRY, ...options.retry },
    logLevel: kafkaLogLevelFor(logger.level),
    logCreator: () => (entry: LogEntry) => writeKafkaLog(logger, entry),
  });
}

/** kafkajs' own level filter, set from the pino level so kafkajs does not build lines pino would drop. */
function kafkaLogLevelFor(level: string): LogLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return KafkaLogLevel.DEBUG;
    case 'info':
      return KafkaLogLevel.INFO;
    case 'warn':
      return KafkaLogLevel.WARN;
    case 'error':
    case 'fatal':
      return KafkaLogLevel.ERROR;
    default:
      return KafkaLogLevel.NOTHING;
  }
}

function writeKafkaLog(logger: Logger, entry: LogEntry): void {
  // kafkajs stamps its own timestamp; pino stamps the line, so drop the duplicate.
  const { message, timestamp: _timestamp, ...fields } = entry.log;
  const line = { kafkajs: entry.namespace, ...fields };
  switch (entry.level) {
    case KafkaLogLevel.ERROR:
      logger.error(line, message);
      break;
    case KafkaLogLevel.WARN:
      logger.warn(line, message);
      break;
    case KafkaLogLevel.INFO:
      logger.info(line, message);
      break;
    default:
      logger.debug(line, message);
  }
}
