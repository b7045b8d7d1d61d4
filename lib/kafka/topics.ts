/**
 * The one declared list of Sawmill topics. Nothing else creates topics (brokers run with
 * auto.create.topics.enable=false); lib/kafka/topic-reconciler.ts makes the cluster match this list.
 * Replication factors and min.insync.replicas state the production intent; the reconciler caps
 * them at the broker count so a single-node dev cluster works.
 */

/** What a topic should look like on the cluster. */
export interface TopicSpec {
  /** The topic name clients use. */
  readonly name: string;
  /** One line: why the topic exists and who writes and reads it. */
  readonly purpose: string;
  /** Partition count; the reconciler raises it when lower, never lowers it. */
  readonly partitions: number;
  /** Desired replicas per partition, capped at the broker count when created. */
  readonly replicationFactor: number;
  /** Topic-level config overrides (Kafka names and string values, e.g. `retention.ms`). */
  readonly config: Readonly<Record<string, string>>;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const MIB = 1024 * 1024;

/** Every Sawmill topic, in data-flow order. */
export const SAWMILL_TOPICS = [
  {
    name: 'logs.raw',
    purpose: 'Avro log events from the agents, keyed by host/service; input of the pipeline topology.',
    partitions: 12,
    replicationFactor: 3,
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': String(7 * DAY_MS),
      'min.insync.replicas': '2',
      // 8 MiB: an oversized line must reach validate (and from there the DLQ with its reason) instead of
      // being refused at the agent's producer, where it could only be dropped. The agent's maxLineBytes stays below.
      'max.message.bytes': String(8 * MIB),
    },
  },
  {
    name: 'logs.enriched',
    purpose: 'Validated and enriched events from the topology; the OpenSearch and PostgreSQL sinks read it.',
    partitions: 12,
    replicationFactor: 3,
    config: {
      'cleanup.policy': 'delete',
      // Projections are rebuilt from here by `sawmill replay`, so it keeps as long as logs.raw.
      'retention.ms': String(7 * DAY_MS),
      'min.insync.replicas': '2',
      // validate caps line + fields + labels at 1 MiB; enrich copies line, message and fields, so under ~3 MiB.
      'max.message.bytes': String(4 * MIB),
    },
  },
  {
    name: 'logs.dlq',
    purpose: 'Input the topology could not process, with the reason in headers; shown by the API.',
    partitions: 3,
    replicationFactor: 3,
    config: {
      'cleanup.policy': 'delete',
      // Longer than logs.raw: someone has to look at bad input before it disappears.
      'retention.ms': String(14 * DAY_MS),
      'min.insync.replicas': '2',
      // Dead letters are kept whole: the largest logs.raw record plus the reason headers. Smaller, and a
      // too-large dead letter would fail the stream's transaction and crash-loop it on that record.
      'max.message.bytes': String(9 * MIB),
    },
  },
  {
    name: 'stats.windowed',
    purpose: 'Per-window counts from window-count; the stats sink rolls them up in PostgreSQL.',
    partitions: 6,
    replicationFactor: 3,
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': String(7 * DAY_MS),
      'min.insync.replicas': '2',
    },
  },
  {
    name: 'alerts',
    purpose: 'FIRING/RESOLVED alert events keyed by fingerprint; read by the notifier and the alerts sink.',
    partitions: 3,
    replicationFactor: 3,
    config: {
      // Not compacted: alert history in PostgreSQL is a projection that replay rebuilds, and
      // compaction would keep only the last state per fingerprint. Long retention instead.
      'cleanup.policy': 'delete',
      'retention.ms': String(90 * DAY_MS),
      'min.insync.replicas': '2',
    },
  },
  {
    name: 'alert-rules',
    purpose: 'Alert rules keyed by rule id (tombstone = deleted), written by the API, read as a table by anomaly-detect.',
    // One partition: every topology instance reads the whole table, and a handful of rules needs no spread.
    partitions: 1,
    replicationFactor: 3,
    config: {
      'cleanup.policy': 'compact',
      // Tombstones stay a day so a table reader that was down briefly still sees the deletion.
      'delete.retention.ms': String(DAY_MS),
      // Roll segments daily so the active segment does not hold rules back from compaction forever.
      'segment.ms': String(DAY_MS),
      'min.cleanable.dirty.ratio': '0.1',
      'min.insync.replicas': '2',
    },
  },
  {
    name: 'sawmill.canary',
    purpose: 'Synthetic events that health checks and drills produce and consume end to end.',
    partitions: 1,
    replicationFactor: 3,
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': String(DAY_MS),
      'min.insync.replicas': '2',
    },
  },
] as const satisfies readonly TopicSpec[];

/** The name of a declared Sawmill topic. */
export type SawmillTopicName = (typeof SAWMILL_TOPICS)[number]['name'];

/** Returns the declared spec of a Sawmill topic. */
export function topicSpec(name: SawmillTopicName): TopicSpec {
  const spec = SAWMILL_TOPICS.find((topic) => topic.name === name);
  // The type admits only declared names, so a miss means this list and its type disagree: a bug.
  if (spec === undefined) throw new Error(`topic ${name} is not declared in lib/kafka/topics.ts`);
  return spec;
}
