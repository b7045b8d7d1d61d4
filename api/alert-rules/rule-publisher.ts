import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Kafka, Producer } from 'kafkajs';
import { producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import type { AlertRule } from '../../schemas/log-schemas.js';
import { topicValueSchema } from '../../schemas/log-schemas.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';

/** Publishes alert rules to the compacted alert-rules topic (Avro through the registry, key = rule id). */
export interface AlertRulePublisher {
  /** Publishes the rule; resolves once Kafka acknowledged it on all in-sync replicas. */
  publish(rule: AlertRule): Promise<void>;
  /** Publishes the tombstone (null value) that deletes rule `id` from the compacted topic. */
  publishDelete(id: string): Promise<void>;
  /** Disconnects the producer. */
  close(): Promise<void>;
}

/** Connects an idempotent producer and registers the AlertRule schema under `<topic>-value`; rejects when Kafka or the registry is down. */
export async function createAlertRulePublisher(options: { kafka: Kafka; registryUrl: string; topic: string }): Promise<AlertRulePublisher> {
  const registry = new SchemaRegistry({ host: options.registryUrl, retry: { retries: 2 } });
  const serde = new AvroSerde<AlertRule>({ registry, schema: topicValueSchema('alert-rules'), topic: options.topic });
  await serde.init();
  const producer: Producer = options.kafka.producer({ ...producerDefaults });
  await producer.connect();
  const send = async (key: string, value: Buffer | null): Promise<void> => {
    await producer.send({ ...sendDefaults, topic: options.topic, messages: [{ key, value }] });
  };
  return {
    publish: (rule) => send(rule.id, serde.serialize(options.topic, rule)),
    publishDelete: (id) => send(id, null),
    close: () => producer.disconnect(),
  };
}
