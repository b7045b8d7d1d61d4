import type { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { parseAgentMetrics, type SourceAccounting } from '../../agent/agent-metrics.js';
import { unavailable } from '../http/api-error.js';

/** Delivery of one source: what its agent read and had acknowledged, against what the OpenSearch sink stored. */
export interface SourceDelivery {
  source: string;
  /** The agent's counters (since that agent started), or null when no reachable agent reports this source. */
  agent: Omit<SourceAccounting, 'source'> | null;
  /** Documents with this sourceId in the log indices (all time). */
  storedOpenSearch: number;
  /** acknowledged - stored when both are known and positive: lines acknowledged by Kafka not (yet) in the index. */
  notYetStored: number | null;
}

/** An agent that could not be read. */
export interface AgentProblem {
  url: string;
  error: string;
}

/** The whole report. */
export interface DeliveryReport {
  sources: SourceDelivery[];
  agentsUnreachable: AgentProblem[];
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

async function readAgent(url: string, timeoutMs: number): Promise<SourceAccounting[]> {
  const response = await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_BODY_BYTES) throw new Error('metrics answer too large');
  return parseAgentMetrics(text).sources;
}

/**
 * Builds the per-source delivery report: every configured agent's /metrics (unreachable agents are
 * listed, not fatal) and a terms aggregation on sourceId over `<indexPrefix>*`. The agent counts
 * restart from zero with the agent while the index keeps everything, so `notYetStored` is only
 * meaningful for an agent that has run since the data was indexed.
 */
export async function deliveryReport(options: { opensearch: OpenSearchClient; indexPrefix: string; agentUrls: readonly string[]; timeoutMs: number }): Promise<DeliveryReport> {
  const agentsUnreachable: AgentProblem[] = [];
  const agentCounts = new Map<string, Omit<SourceAccounting, 'source'>>();
  const results = await Promise.allSettled(options.agentUrls.map((url) => readAgent(url, options.timeoutMs)));
  results.forEach((result, i) => {
    const url = options.agentUrls[i]!;
    if (result.status === 'rejected') {
      agentsUnreachable.push({ url, error: result.reason instanceof Error ? result.reason.message : String(result.reason) });
      return;
    }
    for (const { source, ...counts } of result.value) {
      const sum = agentCounts.get(source) ?? { read: 0, acknowledged: 0, spooled: 0, dropped: 0, truncated: 0 };
      for (const key of Object.keys(counts) as Array<keyof typeof counts>) sum[key] += counts[key];
      agentCounts.set(source, sum);
    }
  });

  let buckets: Array<{ key: string; doc_count: number }>;
  try {
    const response = await options.opensearch.search(
      { index: `${options.indexPrefix}*`, ignore_unavailable: true, allow_no_indices: true, body: { size: 0, aggs: { sources: { terms: { field: 'sourceId', size: 1000 } } } } } as never,
      { requestTimeout: options.timeoutMs * 3, maxRetries: 0 },
    );
    const aggs = (response.body as unknown as { aggregations?: { sources?: { buckets: Array<{ key: string; doc_count: number }> } } }).aggregations;
    buckets = aggs?.sources?.buckets ?? [];
  } catch {
    throw unavailable('search');
  }
  const stored = new Map(buckets.map((bucket) => [bucket.key, bucket.doc_count]));
  const names = [...new Set([...agentCounts.keys(), ...stored.keys()])].sort();
  return {
    sources: names.map((source) => {
      const agent = agentCounts.get(source) ?? null;
      const storedOpenSearch = stored.get(source) ?? 0;
      return { source, agent, storedOpenSearch, notYetStored: agent === null ? null : Math.max(0, agent.acknowledged - storedOpenSearch) };
    }),
    agentsUnreachable,
  };
}
