import kafkajs from 'kafkajs';
import type { Admin, ITopicConfig } from 'kafkajs';
import { ConfigError, ServiceUnavailableError, isRetriable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TopicSpec } from './topics.js';

const { ConfigResourceTypes, ConfigSource } = kafkajs;

/** What the cluster holds for one existing topic, as far as reconciling cares. */
export interface CurrentTopicState {
  /** Partition count on the cluster. */
  readonly partitions: number;
  /** Largest replica count among the topic's partitions. */
  readonly replicationFactor: number;
  /** Effective value of every topic config, whatever its source (override or broker default). */
  readonly config: Readonly<Record<string, string>>;
  /** Only the topic-level overrides: the set a non-incremental AlterConfigs replaces. */
  readonly overrides: Readonly<Record<string, string>>;
}

/** One config key whose effective value differs from the declared one. */
export interface ConfigChange {
  /** Kafka config name, e.g. `retention.ms`. */
  readonly name: string;
  /** Effective value on the cluster before the change; undefined when the broker did not report it. */
  readonly from: string | undefined;
  /** Declared value. */
  readonly to: string;
}

/** A partition count raised from `from` to `to`. */
export interface PartitionIncrease {
  /** Topic name. */
  readonly topic: string;
  /** Partition count before. */
  readonly from: number;
  /** Partition count after. */
  readonly to: number;
}

/** Config changes for one topic, with the full override set to send (AlterConfigs replaces it whole). */
export interface ConfigAlteration {
  /** Topic name. */
  readonly topic: string;
  /** Keys that change, for the report. */
  readonly changes: readonly ConfigChange[];
  /** Existing overrides merged with the declared config: what the topic's overrides become. */
  readonly overrides: Readonly<Record<string, string>>;
}

/** The changes that would make the cluster match the declared topics, computed without side effects. */
export interface TopicPlan {
  /** Topics to create, already capped to the broker count. */
  readonly create: readonly TopicSpec[];
  /** Topics whose partition count must grow. */
  readonly increasePartitions: readonly PartitionIncrease[];
  /** Topics whose configs differ from the declared ones. */
  readonly alterConfigs: readonly ConfigAlteration[];
  /** Declared topics that already match. */
  readonly unchanged: readonly string[];
  /** Differences the reconciler reports but never fixes (fewer declared partitions, replication factor). */
  readonly warnings: readonly string[];
}

/** What reconcileTopics changed on the cluster, and what it refused to change. */
export interface ReconcileSummary {
  /** Topics created. */
  readonly created: readonly string[];
  /** Partition counts raised. */
  readonly partitionsIncreased: readonly PartitionIncrease[];
  /** Configs altered, per topic. */
  readonly configsAltered: readonly { readonly topic: string; readonly changes: readonly ConfigChange[] }[];
  /** Declared topics that needed nothing. */
  readonly unchanged: readonly string[];
  /** Everything worth an operator's attention: capped replication, refused shrinks, drift left as is. */
  readonly warnings: readonly string[];
  /** True when at least one topic was created or altered. */
  readonly changed: boolean;
}

/** Options of reconcileTopics. */
export interface ReconcileTopicsOptions {
  /** A connected kafkajs admin client; the caller owns its lifecycle. */
  readonly admin: Admin;
  /** The declared topics, normally SAWMILL_TOPICS from ./topics.js. */
  readonly topics: readonly TopicSpec[];
  /** Brokers in the cluster; replication factors are capped at it. Asked from the cluster when omitted. */
  readonly brokerCount?: number;
  /** Where changes and warnings are logged. */
  readonly logger: Logger;
  /** How long to wait for every partition of created topics to be served by a leader, in ms (default 30000). */
  readonly leaderTimeoutMs?: number;
}

/** Throws ConfigError unless every spec has a unique name, positive integer partitions and replication factor. */
export function validateTopicSpecs(topics: readonly TopicSpec[]): void {
  const seen = new Set<string>();
  topics.forEach((topic, index) => {
    const key = `topics[${index}]`;
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic.name)) {
      throw new ConfigError(`invalid topic name '${topic.name}'`, 'lib/kafka/topics.ts', `${key}.name`);
    }
    if (seen.has(topic.name)) {
      throw new ConfigError(`topic '${topic.name}' is declared twice`, 'lib/kafka/topics.ts', `${key}.name`);
    }
    seen.add(topic.name);
    if (!Number.isInteger(topic.partitions) || topic.partitions < 1) {
      throw new ConfigError(`topic '${topic.name}': partitions must be a positive integer`, 'lib/kafka/topics.ts', `${key}.partitions`);
    }
    if (!Number.isInteger(topic.replicationFactor) || topic.replicationFactor < 1) {
      throw new ConfigError(
        `topic '${topic.name}': replicationFactor must be a positive integer`,
        'lib/kafka/topics.ts',
        `${key}.replicationFactor`,
      );
    }
  });
}

/**
 * Returns the spec as it can exist on a cluster of `brokerCount` brokers: replication factor capped
 * at the broker count and min.insync.replicas capped at that replication factor (otherwise acks=all
 * writes would fail with NOT_ENOUGH_REPLICAS), with one warning naming what was capped.
 */
export function capToBrokerCount(spec: TopicSpec, brokerCount: number): { spec: TopicSpec; warnings: string[] } {
  const capped: string[] = [];
  const replicationFactor = Math.min(spec.replicationFactor, brokerCount);
  if (replicationFactor < spec.replicationFactor) {
    capped.push(`replication factor ${spec.replicationFactor} capped at ${replicationFactor}`);
  }
  const config: Record<string, string> = { ...spec.config };
  const minIsr = config['min.insync.replicas'];
  if (minIsr !== undefined && Number(minIsr) > replicationFactor) {
    config['min.insync.replicas'] = String(replicationFactor);
    capped.push(`min.insync.replicas ${minIsr} capped at ${replicationFactor}`);
  }
  const warnings = capped.length === 0 ? [] : [`topic ${spec.name}: ${capped.join(', ')} (cluster has ${brokerCount} broker(s))`];
  return { spec: { ...spec, replicationFactor, config }, warnings };
}

/** Config values compare equal when they mean the same; list values (cleanup.policy) ignore order and spaces. */
export function sameConfigValue(name: string, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (name === 'cleanup.policy') {
    const norm = (value: string): string =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .sort()
        .join(',');
    return norm(a) === norm(b);
  }
  return a.trim() === b.trim();
}

/**
 * Computes what to change so the cluster matches `desired` (already capped), given the state of the
 * declared topics that exist. Never plans to lower a partition count or to change a replication
 * factor (that needs a partition reassignment); both become warnings.
 */
export function planTopicChanges(
  desired: readonly TopicSpec[],
  current: ReadonlyMap<string, CurrentTopicState>,
): TopicPlan {
  const create: TopicSpec[] = [];
  const increasePartitions: PartitionIncrease[] = [];
  const alterConfigs: ConfigAlteration[] = [];
  const unchanged: string[] = [];
  const warnings: string[] = [];

  for (const spec of desired) {
    const state = current.get(spec.name);
    if (state === undefined) {
      create.push(spec);
      continue;
    }
    let touched = false;
    if (state.partitions < spec.partitions) {
      increasePartitions.push({ topic: spec.name, from: state.partitions, to: spec.partitions });
      touched = true;
    } else if (state.partitions > spec.partitions) {
      warnings.push(
        `topic ${spec.name}: has ${state.partitions} partitions, declared ${spec.partitions}; partitions are never removed, left as is`,
      );
    }
    if (state.replicationFactor !== spec.replicationFactor) {
      warnings.push(
        `topic ${spec.name}: replication factor is ${state.replicationFactor}, declared ${spec.replicationFactor}; changing it needs a partition reassignment, left as is`,
      );
    }
    const changes: ConfigChange[] = [];
    for (const [name, to] of Object.entries(spec.config)) {
      const from = state.config[name];
      if (!sameConfigValue(name, from, to)) changes.push({ name, from, to });
    }
    if (changes.length > 0) {
      alterConfigs.push({ topic: spec.name, changes, overrides: { ...state.overrides, ...spec.config } });
      touched = true;
    }
    if (!touched) unchanged.push(spec.name);
  }
  return { create, increasePartitions, alterConfigs, unchanged, warnings };
}

/**
 * Makes the cluster hold every declared topic: creates missing ones, raises partition counts that are
 * too low, alters configs that differ, and returns what it changed. Idempotent: a second call on an
 * unchanged cluster changes nothing. Throws ConfigError on a bad declaration and
 * ServiceUnavailableError when Kafka fails in a way worth retrying.
 */
export async function reconcileTopics(options: ReconcileTopicsOptions): Promise<ReconcileSummary> {
  const { admin, topics, logger } = options;
  validateTopicSpecs(topics);
  const brokerCount = options.brokerCount ?? (await step('describeCluster', () => admin.describeCluster())).brokers.length;
  if (!Number.isInteger(brokerCount) || brokerCount < 1) {
    throw new ConfigError(`brokerCount must be a positive integer, got ${brokerCount}`, 'reconcileTopics', 'brokerCount');
  }

  const warnings: string[] = [];
  const desired = topics.map((topic) => {
    const capped = capToBrokerCount(topic, brokerCount);
    warnings.push(...capped.warnings);
    return capped.spec;
  });

  const current = await readCurrentState(admin, desired.map((topic) => topic.name));
  const plan = planTopicChanges(desired, current);
  warnings.push(...plan.warnings);

  const created: string[] = [];
  if (plan.create.length > 0) {
    const request: ITopicConfig[] = plan.create.map((topic) => ({
      topic: topic.name,
      numPartitions: topic.partitions,
      replicationFactor: topic.replicationFactor,
      configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
    }));
    // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
    // answers until the new topic reaches its metadata cache; wait for the leaders here instead.
    await step('createTopics', () => admin.createTopics({ topics: request, waitForLeaders: false }));
    await waitForLeaders(admin, plan.create.map((topic) => topic.name), options.leaderTimeoutMs ?? 30_000);
    for (const topic of plan.create) {
      created.push(topic.name);
      logger.info(
        { topic: topic.name, partitions: topic.partitions, replication_factor: topic.replicationFactor },
        'created topic',
      );
    }
  }

  if (plan.increasePartitions.length > 0) {
    await step('createPartitions', () =>
      admin.createPartitions({
        topicPartitions: plan.increasePartitions.map((change) => ({ topic: change.topic, count: change.to })),
      }),
    );
    for (const change of plan.increasePartitions) {
      // Keyed producers hash onto the new count from now on, so a key's order across the change is lost.
      logger.warn(
        { topic: change.topic, from: change.from, to: change.to },
        'raised partition count; keys now map to different partitions',
      );
    }
  }

  if (plan.alterConfigs.length > 0) {
    // kafkajs 2.2.4 only speaks the non-incremental AlterConfigs, which replaces a topic's whole
    // override set; each alteration therefore carries the existing overrides merged with ours.
    await step('alterConfigs', () =>
      admin.alterConfigs({
        validateOnly: false,
        resources: plan.alterConfigs.map((alteration) => ({
          type: ConfigResourceTypes.TOPIC,
          name: alteration.topic,
          configEntries: Object.entries(alteration.overrides).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    for (const alteration of plan.alterConfigs) {
      logger.info({ topic: alteration.topic, changes: alteration.changes }, 'altered topic config');
    }
  }

  for (const warning of warnings) logger.warn(warning);
  const summary: ReconcileSummary = {
    created,
    partitionsIncreased: plan.increasePartitions,
    configsAltered: plan.alterConfigs.map(({ topic, changes }) => ({ topic, changes })),
    unchanged: plan.unchanged,
    warnings,
    changed: created.length + plan.increasePartitions.length + plan.alterConfigs.length > 0,
  };
  logger.info(
    {
      created: summary.created.length,
      partitions_increased: summary.partitionsIncreased.length,
      configs_altered: summary.configsAltered.length,
      unchanged: summary.unchanged.length,
      broker_count: brokerCount,
    },
    'topics reconciled',
  );
  return summary;
}

/** Reads partitions, replication factor and configs of those `names` that exist on the cluster. */
async function readCurrentState(admin: Admin, names: readonly string[]): Promise<Map<string, CurrentTopicState>> {
  const existingNames = new Set(await step('listTopics', () => admin.listTopics()));
  const present = names.filter((name) => existingNames.has(name));
  const state = new Map<string, CurrentTopicState>();
  if (present.length === 0) return state;

  const metadata = await step('fetchTopicMetadata', () => admin.fetchTopicMetadata({ topics: [...present] }));
  const described = await step('describeConfigs', () =>
    admin.describeConfigs({
      resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      includeSynonyms: false,
    }),
  );
  const configs = new Map(
    described.resources.map((resource) => {
      const config: Record<string, string> = {};
      const overrides: Record<string, string> = {};
      for (const entry of resource.configEntries) {
        // Sensitive values come back null; topics have none, and a null must not become an override.
        if (entry.configValue === null || entry.configValue === undefined) continue;
        config[entry.configName] = entry.configValue;
        if (entry.configSource === ConfigSource.TOPIC_CONFIG) overrides[entry.configName] = entry.configValue;
      }
      return [resource.resourceName, { config, overrides }] as const;
    }),
  );
  for (const topic of metadata.topics) {
    const replicationFactor = Math.max(0, ...topic.partitions.map((partition) => partition.replicas.length));
    const topicConfig = configs.get(topic.name) ?? { config: {}, overrides: {} };
    state.set(topic.name, { partitions: topic.partitions.length, replicationFactor, ...topicConfig });
  }
  return state;
}

/** Error types a broker answers while a just-created topic is still reaching its metadata cache. */
const NOT_YET_VISIBLE = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Resolves once every partition of `names` has a leader that serves it (answers ListOffsets), so a
 * caller can use a topic the moment reconcileTopics returns; ServiceUnavailableError after `timeoutMs`.
 * Leadership alone is not enough on a multi-broker KRaft cluster: the leader learns it is leader from
 * its own copy of the metadata log, a moment after the others may already say so, and kafkajs'
 * fetchTopicOffsets gives up at once on NOT_LEADER_FOR_PARTITION.
 */
async function waitForLeaders(admin: Admin, names: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(names);
  let last: unknown;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...pending] });
      for (const topic of topics) {
        const led = topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0);
        if (led) {
          await admin.fetchTopicOffsets(topic.name);
          pending.delete(topic.name);
        }
      }
      if (pending.size === 0) return;
    } catch (error) {
      const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
      if (!NOT_YET_VISIBLE.has(type)) throw error;
      last = error;
    }
    if (Date.now() >= deadline) {
      throw new ServiceUnavailableError(
        `topics ${[...pending].join(', ')} not served by their leaders after ${timeoutMs}ms`,
        'kafka',
        last,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs one admin call, turning a retriable Kafka failure into ServiceUnavailableError that names the call. */
async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isRetriable(error)) throw new ServiceUnavailableError(`kafka admin ${what} failed`, 'kafka', error);
    throw error;
  }
}
