/**
 * The text `sawmill agent status` prints: per-source delivery accounting read from an agent's
 * `/metrics`, with the lines still in flight (read, not yet acknowledged).
 */
import { parseAgentMetrics } from './agent-metrics.js';

/** Formats the accounting table of a `/metrics` text. */
export function formatAgentStatus(metricsText: string): string {
  const { sources, gauges } = parseAgentMetrics(metricsText);
  const rows = [['source', 'read', 'acknowledged', 'in flight', 'spooled', 'dropped', 'truncated']];
  for (const s of sources) rows.push([s.source, s.read, s.acknowledged, Math.max(0, s.read - s.acknowledged), s.spooled, s.dropped, s.truncated].map(String));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const table = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
  const state = [
    `kafka ${gauges['sawmill_agent_kafka_up'] === 1 ? 'up' : 'DOWN'}`,
    `queue ${gauges['sawmill_agent_queue_records'] ?? 0} records`,
    `spool ${gauges['sawmill_agent_spool_bytes'] ?? 0} bytes / ${gauges['sawmill_agent_spool_records'] ?? 0} shipments`,
    `disk full ${gauges['sawmill_agent_disk_full'] === 1 ? 'YES' : 'no'}`,
  ].join(', ');
  return `${table}\n${state}\n`;
}
