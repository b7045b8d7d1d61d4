/**
 * Configuration of the log pipeline and of the `sawmill stream` service that runs it. Topic names
 * are configuration, not constants, so that tests (and a second pipeline on the same cluster) run
 * on their own topics; the defaults are the names of lib/kafka/topics.ts.
 */
import { z } from 'zod';
import { anomalyDetectConfigSchema } from './anomaly-detect.js';
import { enrichConfigSchema } from './enrich.js';
import { validateLimitsSchema } from './validate.js';
import { windowCountConfigSchema } from './window-count.js';

const topicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name (letters, digits, ".", "_", "-")');

/** The topics the pipeline reads and writes. */
export const pipelineTopicsSchema = z
  .object({
    raw: topicName.default('logs.raw').describe('Input: Avro RawLogEvent from the agents (subject `<raw>-value`)'),
    enriched: topicName.default('logs.enriched').describe('Output of enrich, keyed by service; also the input of window-count (Avro EnrichedLogEvent)'),
    deadLetter: topicName.default('logs.dlq').describe('Undecodable and invalid records, with the reason in x-sawmill-dlq-* headers'),
    stats: topicName.default('stats.windowed').describe('Output of window-count (Avro WindowedStat)'),
    alerts: topicName.default('alerts').describe('Output of anomaly-detect, keyed by fingerprint (Avro AlertEvent)'),
    alertRules: topicName.default('alert-rules').describe('Compacted topic of alert rules (Avro AlertRule, key = rule id, null = deleted), read as a table'),
  })
  .strict()
  .describe('Topic names of the pipeline');

/** Configuration of the pipeline topology itself (what `buildPipeline` needs). */
export const pipelineConfigSchema = z
  .object({
    topics: pipelineTopicsSchema.prefault({}),
    validate: validateLimitsSchema.prefault({}),
    enrich: enrichConfigSchema.prefault({}),
    windowCount: windowCountConfigSchema.prefault({}).describe('Tumbling windows of window-count (sizes and grace)'),
    anomalyDetect: anomalyDetectConfigSchema.prefault({}).describe('anomaly-detect (rules come from the alert-rules topic)'),
  })
  .strict()
  .describe('The log pipeline: validate → enrich → window-count → anomaly-detect');

/** The pipeline configuration, defaults filled in. */
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;

/** Configuration of `sawmill stream` (env prefix SAWMILL_STREAM__). */
export const streamConfigSchema = z
  .object({
    applicationId: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-"')
      .default('sawmill-stream')
      .describe('Consumer group id, transactional-id prefix and prefix of the internal topics'),
    kafka: z
      .object({
        brokers: z
          .array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'host:port'))
          .min(1)
          .default(['127.0.0.1:9092'])
          .describe('Bootstrap brokers, host:port'),
        clientId: z.string().min(1).default('sawmill-stream').describe('Kafka client id'),
      })
      .strict()
      .prefault({})
      .describe('Where Kafka is'),
    registryUrl: z.string().url().default('http://127.0.0.1:8081').describe('Schema registry base URL (Avro serdes of every topic)'),
    guarantee: z
      .enum(['exactly_once', 'at_least_once'])
      .default('exactly_once')
      .describe('exactly_once: outputs, changelogs and input offsets commit in one Kafka transaction, so window counts and alerts stay exact after a crash; at_least_once: faster, duplicates possible after a crash'),
    commitIntervalMs: z
      .number()
      .int()
      .positive()
      .max(600_000)
      .optional()
      .describe('Commit period in ms; default 100 under exactly_once, 30000 under at_least_once'),
    sessionTimeoutMs: z.number().int().min(6_000).max(300_000).default(10_000).describe('How soon a dead instance\'s partitions move to the others, ms'),
    alertRulesCatchUpTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Longest wait at start for the alert-rules table to be read to its end before the topology starts'),
    metricsPort: z.number().int().min(0).max(65_535).default(9401).describe('Port of /metrics, /healthz and /readyz'),
    metricsHost: z.string().min(1).default('127.0.0.1').describe('Address of /metrics, /healthz and /readyz'),
    pipeline: pipelineConfigSchema.prefault({}),
  })
  .strict()
  .describe('The stream processor: runs the log pipeline on Kafka');

/** The `sawmill stream` configuration, defaults filled in. */
export type StreamConfig = z.output<typeof streamConfigSchema>;
