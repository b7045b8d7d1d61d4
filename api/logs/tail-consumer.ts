import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../lib/logger.js';
import { topicValueSchema, type EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';
import type { LiveTail } from './live-tail.js';

/** The running logs.enriched consumer of one API instance. */
export interface TailConsumer {
  /** Resolves once the consumer joined its group and has partitions (tests wait on it). */
  readonly ready: Promise<void>;
  /** Disconnects. */
  stop(): Promise<void>;
}

/**
 * Starts a consumer on `topic` in a group of its own (every instance must see every event, so
 * instances never share a group) from the latest offset, decoding Avro through the registry and
 * handing each event to `liveTail`. It never commits: a tail has no position worth keeping, and a
 * group without offsets disappears when the instance does. Start-up failures are logged and the
 * API keeps serving everything else.
 */
export async function startTailConsumer(options: { kafka: Kafka; registryUrl: string; topic: string; groupId: string; liveTail: LiveTail; logger: Logger }): Promise<TailConsumer> {
  const { kafka, topic, liveTail, logger } = options;
  const registry = new SchemaRegistry({ host: options.registryUrl, retry: { retries: 2 } });
  const serde = new AvroSerde<EnrichedLogEvent>({ registry, schema: topicValueSchema('logs.enriched'), topic });
  const consumer: Consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, () => markReady());

  const run = async (): Promise<void> => {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        // Nobody listening: skip decoding entirely.
        if (liveTail.size === 0) return;
        try {
          await serde.prepare(topic, message.value);
          const event = serde.deserialize(topic, message.value);
          if (event !== null) liveTail.publish(event);
        } catch (error) {
          logger.warn({ err: error, topic, partition, offset: message.offset }, 'live tail skipped an undecodable record');
        }
      },
    });
  };
  run().catch((error: unknown) => logger.error({ err: error, topic }, 'live tail consumer failed to start; /logs/tail gets no events'));
  return {
    ready,
    stop: () => consumer.disconnect(),
  };
}
