import { z } from 'zod';
import { createKafka } from '../../lib/kafka/client.js';
import { reconcileTopics } from '../../lib/kafka/topic-reconciler.js';
import { SAWMILL_TOPICS } from '../../lib/kafka/topics.js';
import { runCommand } from '../run-command.js';

/** Configuration of `sawmill topics`: only where Kafka is. */
export const topicsConfigSchema = z
  .object({
    brokers: z
      .array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'host:port'))
      .min(1)
      .default(['127.0.0.1:9092'])
      .describe('Kafka bootstrap brokers, host:port'),
  })
  .strict()
  .describe('Topic administration: reconciles the declared topic list with the cluster');

/** `sawmill topics reconcile`: creates missing topics, raises partitions, aligns configs; prints what changed. */
export async function topicsReconcileCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'topics',
    schema: topicsConfigSchema,
    configFile: options.config,
    body: async ({ config, logger }) => {
      const kafka = createKafka({ brokers: config.brokers, clientId: 'sawmill-topics', logger });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const summary = await reconcileTopics({ admin, topics: SAWMILL_TOPICS, logger });
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } finally {
        await admin.disconnect();
      }
    },
  });
}

/** `sawmill topics list`: prints the declared topics, one per line, with partitions and purpose. */
export function topicsListCommand(): void {
  for (const topic of SAWMILL_TOPICS) {
    process.stdout.write(`${topic.name.padEnd(16)} partitions=${String(topic.partitions).padEnd(3)} ${topic.purpose}\n`);
  }
}
