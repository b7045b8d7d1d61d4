/**
 * The config sections every sink shares (Kafka, schema registry, batching, retries, the health
 * port), as strict zod schemas with a description per key. A sink's own config schema embeds
 * them beside its store section; `sinkRunnerSettings` maps them onto createSinkRunner options.
 */
import { z } from 'zod';
import type { SinkBatchOptions, SinkRetryOptions } from './sink-runner.js';

/** Kafka side of a sink. */
export const sinkKafkaConfigSchema = z
  .object({
    brokers: z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'host:port')).min(1).default(['127.0.0.1:9092']).describe('Bootstrap brokers, host:port'),
    clientId: z.string().min(1).max(200).optional().describe('Kafka client id; default sawmill-sink-<name>'),
    groupId: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"').max(200).optional().describe('Consumer group id; default sawmill-sink-<name> (change it only to run a second independent copy)'),
    deadLetterTopic: z.string().min(1).max(249).default('logs.dlq').describe('Topic poison records go to, with the reason in headers'),
    partitionsConsumedConcurrently: z.number().int().min(1).max(256).default(16).describe('Partitions whose fetched batches feed the shared write batch at once'),
    sessionTimeoutMs: z.number().int().min(6000).max(300_000).default(30_000).describe('Consumer group session timeout'),
    lagIntervalMs: z.number().int().min(0).max(3_600_000).default(5000).describe('How often the lag gauge is refreshed from the broker; 0 disables it'),
  })
  .strict()
  .prefault({})
  .describe('Kafka consumer group and dead-letter topic');

/** Schema registry the Avro values are decoded through. */
export const sinkRegistryConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8081').describe('Base URL of the Confluent-compatible schema registry'),
  })
  .strict()
  .prefault({})
  .describe('Schema registry');

/** Batch limits. */
export const sinkBatchConfigSchema = z
  .object({
    maxRecords: z.number().int().min(1).max(100_000).default(2000).describe('Most records in one write'),
    maxBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(4 * 1024 * 1024).describe('Most value bytes in one write'),
    maxWaitMs: z.number().int().min(0).max(60_000).default(200).describe('Longest a record waits for its batch to fill'),
    maxInFlight: z.number().int().min(1).max(16).optional().describe('Batches written at once, offsets still committed in order; default 2 for postgres (verified order-independent), 1 for opensearch'),
  })
  .strict()
  .prefault({})
  .describe('When a batch is written: the first limit reached');

/** Retry backoff. */
export const sinkRetryConfigSchema = z
  .object({
    initialDelayMs: z.number().int().min(1).max(60_000).default(200).describe('Upper bound of the first wait after a retriable failure'),
    maxDelayMs: z.number().int().min(1).max(600_000).default(10_000).describe('Upper bound of any wait; retries never stop, the lag grows instead'),
  })
  .strict()
  .refine((value) => value.maxDelayMs >= value.initialDelayMs, { message: 'maxDelayMs must be >= initialDelayMs', path: ['maxDelayMs'] })
  .prefault({})
  .describe('Backoff of retriable failures (store down, 429, 5xx, timeouts)');

/** The metrics and health endpoint. */
export function sinkHealthConfigSchema(defaultPort: number) {
  return z
    .object({
      host: z.string().min(1).default('127.0.0.1').describe('Address of /metrics, /healthz and /readyz'),
      port: z.number().int().min(0).max(65_535).default(defaultPort).describe('Port of /metrics, /healthz and /readyz (0: any free port)'),
    })
    .strict()
    .prefault({})
    .describe('Operational HTTP endpoint');
}

/** The runner settings of a sink config, ready for createSinkRunner. */
export interface SinkRunnerSettings {
  readonly batch: SinkBatchOptions;
  readonly retry: SinkRetryOptions;
  readonly deadLetterTopic: string;
  readonly partitionsConsumedConcurrently: number;
  readonly sessionTimeoutMs: number;
  readonly lagIntervalMs: number;
  readonly maxInFlightBatches: number | undefined;
}

/** Maps the shared sections of a parsed sink config onto createSinkRunner options. */
export function sinkRunnerSettings(config: {
  kafka: z.output<typeof sinkKafkaConfigSchema>;
  batch: z.output<typeof sinkBatchConfigSchema>;
  retry: z.output<typeof sinkRetryConfigSchema>;
}): SinkRunnerSettings {
  return {
    batch: { maxRecords: config.batch.maxRecords, maxBytes: config.batch.maxBytes, maxWaitMs: config.batch.maxWaitMs },
    maxInFlightBatches: config.batch.maxInFlight,
    retry: config.retry,
    deadLetterTopic: config.kafka.deadLetterTopic,
    partitionsConsumedConcurrently: config.kafka.partitionsConsumedConcurrently,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    lagIntervalMs: config.kafka.lagIntervalMs,
  };
}
