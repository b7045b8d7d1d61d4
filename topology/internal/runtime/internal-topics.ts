import type { Admin } from 'kafkajs';
import type { Logger } from '../../../lib/logger.js';
import { reconcileTopics } from '../../../lib/kafka/topic-reconciler.js';
import type { TopicSpec } from '../../../lib/kafka/topics.js';
import { TopologyError } from '../errors.js';
import type { InternalTopicSpec } from '../stream-task.js';

/** Replication factor asked for internal topics; the reconciler caps it at the broker count (1 on a dev box). */
export const INTERNAL_TOPIC_REPLICATION = 3;

/**
 * Creates the topology's missing repartition and changelog topics (changelogs compacted, as the
 * plan's configs say) and waits until they have leaders. An existing internal topic with another
 * partition count is refused with a TopologyError: its data was partitioned for other tasks (the
 * input topics changed), and silently reusing it would restore the wrong state into a task.
 */
export async function ensureInternalTopics(options: { admin: Admin; topics: readonly InternalTopicSpec[]; logger: Logger }): Promise<void> {
  const { admin, topics, logger } = options;
  if (topics.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t.name));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
    for (const spec of present) {
      const actual = metadata.topics.find((t) => t.name === spec.name)?.partitions.length ?? 0;
      if (actual !== spec.partitions) {
        throw new TopologyError(
          `internal ${spec.kind} topic ${spec.name} has ${actual} partitions, the topology needs ${spec.partitions}; ` +
            'delete it (and reset the application) or restore the input topics\' partition counts',
        );
      }
    }
  }
  const specs: TopicSpec[] = topics.map((t) => ({
    name: t.name,
    purpose: `topology internal ${t.kind} topic`,
    partitions: t.partitions,
    replicationFactor: INTERNAL_TOPIC_REPLICATION,
    config: t.config,
  }));
  const summary = await reconcileTopics({ admin, topics: specs, logger });
  if (summary.created.length > 0) logger.info({ topics: summary.created }, 'created internal topics');
}
