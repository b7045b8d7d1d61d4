/** Topic chores of the topology benchmark: output topics, committed-offset lag, cleanup of a run's topics. */
import type { Kafka } from 'kafkajs';

/**
 * Creates `topic` when missing with `partitions` partitions and no time-based retention (the bench
 * events carry fixed, old timestamps that a 7-day retention would delete at the next check).
 */
export async function ensureBenchTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Partition count of an existing topic. */
export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).length;
  } finally {
    await admin.disconnect();
  }
}

/** Input records not covered by the group's committed offsets on `topic` (0 = all committed). */
export async function committedLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    let lag = 0;
    for (const end of ends) {
      const c = committed?.partitions.find((p) => p.partition === end.partition);
      const offset = c === undefined || Number(c.offset) < 0 ? Number(end.low) : Number(c.offset);
      lag += Number(end.high) - offset;
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the given topics plus every topic starting with one of `prefixes`, and the listed groups; best effort, returns what it could not delete. */
export async function deleteBenchTopics(
  kafka: Kafka,
  { topics = [], prefixes = [], groups = [] }: { topics?: readonly string[]; prefixes?: readonly string[]; groups?: readonly string[] },
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const failures: string[] = [];
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = [...existing].filter((t) => topics.includes(t) || prefixes.some((p) => t.startsWith(p)));
    if (doomed.length > 0) {
      await admin.deleteTopics({ topics: doomed }).catch((error: unknown) => failures.push(`topics ${doomed.join(',')}: ${String(error)}`));
    }
    if (groups.length > 0) {
      await admin.deleteGroups([...groups]).catch((error: unknown) => failures.push(`groups ${groups.join(',')}: ${String(error)}`));
    }
  } finally {
    await admin.disconnect();
  }
  return failures;
}
