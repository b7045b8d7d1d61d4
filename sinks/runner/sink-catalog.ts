/**
 * Every sink by name, with its config schema and how to start its runners: `sawmill sink <name>`
 * runs them unbounded, `sawmill replay` bounded with its own group id and start position. The
 * PostgreSQL sink has three streams (logs, stats, alerts), each its own runner and consumer group
 * (`sawmill-sink-postgres-logs`, `-stats`, `-alerts`): a slow or broken table never holds the
 * others back, and each writer handles one value type. OpenSearch has one (`sawmill-sink-opensearch`).
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { createKafka } from '../../lib/kafka/client.js';
import type { Logger } from '../../lib/logger.js';
import { topicValueSchema, type AvroTopic } from '../../schemas/log-schemas.js';
import { Serdes } from '../../topology/index.js';
import { createOpenSearchSink, openSearchSinkConfigSchema } from '../opensearch/index.js';
import { createPostgresSinkStreams, postgresSinkConfigSchema } from '../postgres/index.js';
import {
  sinkBatchConfigSchema,
  sinkHealthConfigSchema,
  sinkKafkaConfigSchema,
  sinkRegistryConfigSchema,
  sinkRetryConfigSchema,
  sinkRunnerSettings,
} from './runner-config.js';
import { createSinkRunner, type SinkRunner, type SinkStartPosition } from './sink-runner.js';
import type { SinkWriter } from './sink-writer.js';

/** Names accepted by `sawmill sink <name>` and `sawmill replay --sink <name>`. */
export const SINK_NAMES = ['postgres', 'opensearch'] as const;
/** A sink name. */
export type SinkName = (typeof SINK_NAMES)[number];

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

const shared = {
  kafka: sinkKafkaConfigSchema,
  registry: sinkRegistryConfigSchema,
  batch: sinkBatchConfigSchema,
  retry: sinkRetryConfigSchema,
};

/** Config file of `sawmill sink postgres` (env prefix SAWMILL_SINK_POSTGRES__). */
export const postgresSinkCommandConfigSchema = z
  .object({ postgres: postgresSinkConfigSchema, ...shared, health: sinkHealthConfigSchema(9403) })
  .strict();

/** Config file of `sawmill sink opensearch` (env prefix SAWMILL_SINK_OPENSEARCH__). */
export const openSearchSinkCommandConfigSchema = z
  .object({
    opensearch: openSearchSinkConfigSchema.prefault({}),
    topic: z.string().regex(TOPIC, 'a topic name').default('logs.enriched').describe('Topic of enriched log events'),
    ...shared,
    health: sinkHealthConfigSchema(9402),
  })
  .strict();

/** The config schema of sink `name`. */
export function sinkCommandConfigSchema(name: SinkName): typeof postgresSinkCommandConfigSchema | typeof openSearchSinkCommandConfigSchema {
  return name === 'postgres' ? postgresSinkCommandConfigSchema : openSearchSinkCommandConfigSchema;
}

/** What replay (or a test) changes about how the runners start. */
export interface SinkRunOverrides {
  /** Consumer group per writer name; default `sawmill-sink-<writer name>`. */
  readonly groupIdFor?: (writerName: string) => string;
  /** Start position of every runner. Default `committed`. */
  readonly startFrom?: SinkStartPosition;
  /** Stop at the end offsets captured at start. Default false. */
  readonly bounded?: boolean;
}

/** Options of startSinkRunners. */
export interface StartSinkRunnersOptions {
  readonly name: SinkName;
  /** The parsed config of that sink (`sinkCommandConfigSchema(name)`). */
  readonly config: z.output<typeof postgresSinkCommandConfigSchema> | z.output<typeof openSearchSinkCommandConfigSchema>;
  readonly logger: Logger;
  /** Registry of the process; every runner and writer registers its metrics there. */
  readonly registry: Registry;
  readonly overrides?: SinkRunOverrides;
  /** A kafkajs instance to use instead of one built from the config. */
  readonly kafka?: Kafka;
}

/**
 * Builds the writers of sink `name` and starts one runner per stream; resolves once all consume.
 * If one fails to start, those already started are stopped and the error is thrown.
 */
export async function startSinkRunners(options: StartSinkRunnersOptions): Promise<SinkRunner[]> {
  const { name, config, logger, registry, overrides = {} } = options;
  const kafka = options.kafka ?? createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId ?? `sawmill-sink-${name}`, logger, configSource: `sink ${name} config` });
  const schemaRegistry = new SchemaRegistry({ host: config.registry.url, retry: { retries: 2 } });
  const { maxInFlightBatches, ...settings } = sinkRunnerSettings(config);
  // PostgreSQL's writers are order-independent and were verified with two batches in flight; the
  // OpenSearch writer parallelises inside one batch and runs with one (see the runner option).
  const inFlight = maxInFlightBatches ?? (name === 'postgres' ? 2 : 1);
  const plans: { writer: SinkWriter<unknown>; topic: string; schemaTopic: AvroTopic }[] = [];
  if (name === 'postgres') {
    const { streams } = createPostgresSinkStreams({ config: (config as z.output<typeof postgresSinkCommandConfigSchema>).postgres, logger });
    for (const stream of streams) plans.push({ writer: stream.writer as SinkWriter<unknown>, topic: stream.topic, schemaTopic: stream.schemaTopic });
  } else {
    const osConfig = config as z.output<typeof openSearchSinkCommandConfigSchema>;
    const writer = createOpenSearchSink({ config: osConfig.opensearch, logger, registry });
    plans.push({ writer: writer as SinkWriter<unknown>, topic: osConfig.topic, schemaTopic: 'logs.enriched' });
  }
  const runners: SinkRunner[] = [];
  try {
    for (const plan of plans) {
      const groupId = overrides.groupIdFor?.(plan.writer.name) ?? config.kafka.groupId;
      runners.push(
        await createSinkRunner({
          ...settings,
          maxInFlightBatches: inFlight,
          writer: plan.writer,
          kafka,
          topics: [plan.topic],
          decoder: Serdes.Avro<unknown>({ registry: schemaRegistry, schema: topicValueSchema(plan.schemaTopic), topic: plan.topic }),
          logger,
          registry,
          // A configured group id is a prefix when there are several streams, so they stay apart.
          ...(groupId === undefined ? {} : { groupId: plans.length > 1 && overrides.groupIdFor === undefined ? `${groupId}-${plan.writer.name}` : groupId }),
          ...(overrides.startFrom === undefined ? {} : { startFrom: overrides.startFrom }),
          ...(overrides.bounded === undefined ? {} : { bounded: overrides.bounded }),
        }),
      );
    }
  } catch (error) {
    await Promise.all(runners.map((runner) => runner.stop(2000)));
    // The failed runner closed its writer; those never handed to a runner still hold connections.
    for (const plan of plans.slice(runners.length + 1)) await plan.writer.close().catch(() => undefined);
    throw error;
  }
  return runners;
}
