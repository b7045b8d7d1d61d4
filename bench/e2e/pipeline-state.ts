/**
 * What the pipeline still has in flight, from its own gauges: lines the agent read but Kafka has
 * not acknowledged, and the lag of the stream and the two sinks on their input topics. Used to
 * wait for a clean start and to explain a backlog.
 */
import type { Admin } from 'kafkajs';
import { sumMetric } from './prometheus-text.js';

/** Consumer groups on the log path and the topic each reads. */
export const LOG_PATH_GROUPS = [
  { group: 'sawmill-stream', topic: 'logs.raw' },
  { group: 'sawmill-sink-opensearch', topic: 'logs.enriched' },
  { group: 'sawmill-sink-postgres-logs', topic: 'logs.enriched' },
] as const;

/** In-flight counts at one moment. */
export interface PipelineState {
  readonly agentRead: number;
  readonly agentAcknowledged: number;
  /** Records waiting in the agent's memory queue and in its disk spool. */
  readonly agentPending: number;
  /** Lag per group (end offsets minus committed), summed over partitions. */
  readonly lags: Readonly<Record<string, number>>;
}

/** Lines the agent read and Kafka acknowledged, from its /metrics. */
export async function readAgentCounts(metricsUrl: string): Promise<{ read: number; acknowledged: number; pending: number }> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  const text = await response.text();
  return {
    read: sumMetric(text, 'sawmill_agent_lines_read_total'),
    acknowledged: sumMetric(text, 'sawmill_agent_lines_acknowledged_total'),
    pending: sumMetric(text, 'sawmill_agent_queue_records') + sumMetric(text, 'sawmill_agent_spool_records'),
  };
}

/** Sum over partitions of end offset minus committed offset (a partition never committed counts from its start). */
export async function groupLag(admin: Admin, group: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
  const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const end of ends) {
    const done = byPartition.get(end.partition) ?? -1;
    lag += Math.max(0, Number(end.high) - (done < 0 ? Number(end.low) : done));
  }
  return lag;
}

/** The agent's counts and every log-path group's lag. */
export async function readPipelineState(admin: Admin, agentMetricsUrl: string): Promise<PipelineState> {
  const [agent, ...lags] = await Promise.all([readAgentCounts(agentMetricsUrl), ...LOG_PATH_GROUPS.map(({ group, topic }) => groupLag(admin, group, topic))]);
  return { agentRead: agent.read, agentAcknowledged: agent.acknowledged, agentPending: agent.pending, lags: Object.fromEntries(LOG_PATH_GROUPS.map(({ group }, i) => [group, lags[i]!])) };
}

/**
 * True when nothing is in flight anywhere on the log path: the agent read nothing new since
 * `previous` (its read and acknowledged counters can differ for good: lines spooled by an earlier
 * process are acknowledged by this one), holds nothing in queue or spool, and no group lags.
 */
export function isIdle(state: PipelineState, previous: PipelineState | undefined): boolean {
  return (
    previous !== undefined &&
    state.agentRead === previous.agentRead &&
    state.agentAcknowledged === previous.agentAcknowledged &&
    state.agentPending === 0 &&
    Object.values(state.lags).every((lag) => lag === 0)
  );
}
