/**
 * Resolves a topology for one application and cluster: internal topic names (applicationId prefix),
 * partition counts of repartition topics (max of their upstream sources, or the count of the topics
 * they are co-partitioned with), changelog topics (one partition per task) and the co-partition check.
 */
import { CopartitioningError, TopologyError } from '../errors.js';
import { createTaskId, type InternalTopicSpec, type SubtopologyPlan, type TaskId, type TopologyPlan } from '../stream-task.js';
import { changelogTopicName } from '../stores/changelogging-store.js';
import type { NodeDefinition } from './node-definitions.js';
import type { TopologyInternals } from './topology.js';

/** Returns the run-time name of a topic: internal topics get the `<applicationId>-` prefix. */

/**
 * Repartition topics keep records regardless of their timestamps (retention.ms=-1), as Kafka
 * Streams does: records carry event time, so a time-based retention would let the broker delete
 * unprocessed records of an old replay. No size bound either: it would delete unprocessed records
 * of a lagging consumer. (Kafka Streams purges consumed records after each commit; we do not yet.)
 */
const REPARTITION_TOPIC_CONFIG: Readonly<Record<string, string>> = Object.freeze({
  'cleanup.policy': 'delete',
  'retention.ms': '-1',
});

export function resolveTopic(applicationId: string, node: { topic: string; internal: boolean }): string {
  return node.internal ? `${applicationId}-${node.topic}` : node.topic;
}

/** Plans `topology`; throws CopartitioningError or TopologyError (missing partition count). */
export function planTopology(topology: TopologyInternals, applicationId: string, partitions: ReadonlyMap<string, number>): TopologyPlan {
  const topic = (node: NodeDefinition): string => (node.kind === 'processor' ? '' : resolveTopic(applicationId, node));
  const subs = topology.subtopologies.map((sub) => ({
    sub,
    sources: sub.nodes.filter((n) => n.kind === 'source').map(topic),
    sinks: [...new Set(sub.nodes.filter((n) => n.kind === 'sink').map(topic))],
  }));
  const internalTopics = new Set(topology.nodes.filter((n) => n.kind !== 'processor' && n.internal).map(topic));
  const counts = new Map<string, number>();
  for (const { sources } of subs) {
    for (const t of sources) {
      if (internalTopics.has(t)) continue;
      const count = partitions.get(t);
      if (count === undefined || !Number.isSafeInteger(count) || count <= 0) throw new TopologyError(`partition count of source topic ${t} is unknown`);
      counts.set(t, count);
    }
  }
  // Every topic read by one sub-topology feeds the same tasks, so each sub-topology is a co-partition
  // group; explicit groups (joins) are already inside one sub-topology but are checked the same way.
  const groups = subs.map(({ sources }) => sources).filter((g) => g.length > 0);
  for (const group of topology.copartitionGroups) {
    groups.push(group.map((name) => topic(topology.nodesByName.get(name)!)));
  }
  // Repartition counts: fixed point over the sub-topology chain (a DAG, so it converges).
  for (let changed = true; changed; ) {
    changed = false;
    for (const group of groups) {
      const external = group.filter((t) => !internalTopics.has(t)).map((t) => counts.get(t)!);
      const internal = group.filter((t) => internalTopics.has(t));
      for (const t of internal) {
        let wanted: number | undefined;
        if (external.length > 0) wanted = Math.max(...external);
        else {
          const writer = subs.find((s) => s.sinks.includes(t));
          const upstream = writer?.sources.map((s) => counts.get(s));
          const known = [...(upstream ?? []), ...internal.map((i) => counts.get(i))].filter((c): c is number => c !== undefined);
          if (upstream && upstream.every((c) => c !== undefined) && known.length > 0) wanted = Math.max(...known);
        }
        if (wanted !== undefined && counts.get(t) !== wanted && (counts.get(t) ?? 0) < wanted) {
          counts.set(t, wanted);
          changed = true;
        }
      }
    }
  }
  for (const t of internalTopics) if (!counts.has(t)) throw new TopologyError(`cannot compute the partition count of repartition topic ${t}`);
  for (const group of groups) {
    const distinct = new Set(group.map((t) => counts.get(t)));
    if (distinct.size > 1) {
      const detail = new Map(group.map((t) => [t, counts.get(t)!]));
      throw new CopartitioningError(
        `topics ${group.join(', ')} must be co-partitioned but have ${[...detail].map(([t, c]) => `${t}=${c}`).join(', ')} partitions`,
        detail,
      );
    }
  }
  const plans: SubtopologyPlan[] = subs.map(({ sub, sources, sinks }) => ({
    id: sub.id,
    sourceTopics: sources,
    sinkTopics: sinks,
    storeNames: sub.storeNames,
    changelogTopics: new Map(sub.storeNames.map((store) => [store, changelogTopicName(applicationId, store)])),
    partitions: Math.max(1, ...sources.map((t) => counts.get(t)!)),
  }));
  const specs: InternalTopicSpec[] = [];
  for (const t of internalTopics) specs.push({ name: t, kind: 'repartition', partitions: counts.get(t)!, config: REPARTITION_TOPIC_CONFIG });
  for (const plan of plans) {
    for (const [store, changelog] of plan.changelogTopics) {
      const definition = topology.stores.get(store)!;
      const config: Record<string, string> =
        definition.kind === 'window'
          ? // Like Kafka Streams: compacted, and deleted a day after the store's own retention.
            { 'cleanup.policy': 'compact,delete', 'retention.ms': String((definition.retentionMs ?? 0) + 86_400_000) }
          : { 'cleanup.policy': 'compact' };
      specs.push({ name: changelog, kind: 'changelog', partitions: plan.partitions, config });
    }
  }
  const topicToSub = new Map<string, number>();
  for (const plan of plans) for (const t of plan.sourceTopics) topicToSub.set(t, plan.id);
  return {
    applicationId,
    subtopologies: plans,
    sourceTopics: [...topicToSub.keys()],
    internalTopics: specs,
    copartitionGroups: groups.filter((g) => g.length > 1),
    subtopologyOf: (t) => topicToSub.get(t),
    taskIds: (): TaskId[] => plans.flatMap((p) => Array.from({ length: p.partitions }, (_, i) => createTaskId(p.id, i))),
  };
}
