/**
 * Runs the log pipeline on Kafka: the alert-rules table is read to its end first (anomaly-detect
 * must not judge the first windows without the rules), then the topology joins its consumer group.
 * `sawmill stream` wraps this with the health server and signal handling; integration tests call
 * it directly with their own topics and application id.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from '../lib/logger.js';
import { startTopology, type RunningTopology } from '../topology/index.js';
import { AlertRulesTable } from './alert-rules-table.js';
import { avroPipelineSerdes, buildPipeline } from './pipeline.js';
import type { StreamConfig } from './pipeline-config.js';

/** Options of startPipeline. */
export interface StartPipelineOptions {
  /** The `sawmill stream` config (defaults filled in). */
  readonly config: StreamConfig;
  /** kafkajs client (lib/kafka/client.ts createKafka). */
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** Registry of the topology's and the pipeline's metrics. */
  readonly metrics?: Registry;
}

/** A running pipeline. */
export interface RunningPipeline {
  readonly topology: RunningTopology;
  /** The alert rules as anomaly-detect sees them. */
  readonly rules: AlertRulesTable;
  /** Stops the topology (commits what was processed), then the rules reader; idempotent. */
  stop(): Promise<void>;
}

/**
 * Reads the alert-rules topic to its end, builds the pipeline and starts it under
 * `config.guarantee`, dead-lettering undecodable records to the configured dead-letter topic.
 * Rejects (leaving nothing running) when the rules cannot be read in time or the topology cannot start.
 */
export async function startPipeline(options: StartPipelineOptions): Promise<RunningPipeline> {
  const { config, kafka, logger, metrics } = options;
  const { topics } = config.pipeline;
  const schemaRegistry = new SchemaRegistry({ host: config.registryUrl });
  const rules = new AlertRulesTable({
    kafka,
    topic: topics.alertRules,
    registry: schemaRegistry,
    groupIdPrefix: `${config.applicationId}-alert-rules`,
    startTimeoutMs: config.alertRulesCatchUpTimeoutMs,
    logger,
    ...(metrics ? { metrics } : {}),
  });
  try {
    await rules.start();
  } catch (error) {
    await rules.stop().catch(() => undefined);
    throw error;
  }
  let topology: RunningTopology;
  try {
    const pipeline = buildPipeline(config.pipeline, {
      serdes: avroPipelineSerdes(schemaRegistry, topics),
      catalog: rules,
      logger,
      ...(metrics ? { registry: metrics } : {}),
    });
    topology = await startTopology({
      topology: pipeline,
      kafka,
      applicationId: config.applicationId,
      guarantee: config.guarantee,
      // One topic for every bad input: undecodable records from here, invalid ones from validate.
      badRecordHandling: { deadLetterTopic: topics.deadLetter },
      logger,
      sessionTimeoutMs: config.sessionTimeoutMs,
      ...(config.commitIntervalMs === undefined ? {} : { commitIntervalMs: config.commitIntervalMs }),
      ...(metrics ? { registry: metrics } : {}),
    });
  } catch (error) {
    await rules.stop().catch(() => undefined);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    topology,
    rules,
    stop() {
      stopping ??= (async () => {
        try {
          await topology.stop();
        } finally {
          await rules.stop();
        }
      })();
      return stopping;
    },
  };
}
