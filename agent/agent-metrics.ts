/**
 * The agent's Prometheus metrics: per-source delivery accounting (read, acknowledged, spooled,
 * dropped, truncated) and the state of the queue, the spool and Kafka.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { createMetrics, metricName } from '../lib/metrics.js';

/** The agent's metric handles. */
export interface AgentMetrics {
  registry: Registry;
  linesRead: Counter<'source'>;
  acknowledged: Counter<'source'>;
  spooled: Counter<'source'>;
  dropped: Counter<'source'>;
  truncated: Counter<'source'>;
  spoolBytes: Gauge;
  spoolMaxBytes: Gauge;
  spoolRecords: Gauge;
  spoolCorrupt: Counter;
  diskFull: Gauge;
  spoolAtCap: Gauge;
  queueRecords: Gauge;
  kafkaUp: Gauge;
  sendFailures: Counter<'kind'>;
}

/**
 * Creates the agent's registry and metrics; every source gets its series at 0 from the start,
 * and `sawmill_agent_spool_max_bytes` holds `spoolMaxBytes` (the spool cap) when given.
 */
export function createAgentMetrics(sourceIds: readonly string[], options: { defaultMetrics?: boolean; spoolMaxBytes?: number } = {}): AgentMetrics {
  const registry = createMetrics({ component: 'agent', defaultMetrics: options.defaultMetrics ?? true });
  const name = (thing: string): string => metricName('agent', thing);
  const perSource = (thing: string, help: string): Counter<'source'> => new Counter({ name: name(thing), help, labelNames: ['source'], registers: [registry] });
  const metrics: AgentMetrics = {
    registry,
    linesRead: perSource('lines_read_total', 'Physical lines read from the source'),
    acknowledged: perSource('lines_acknowledged_total', 'Physical lines Kafka acknowledged (acks=all)'),
    spooled: perSource('lines_spooled_total', 'Physical lines written to the disk spool while Kafka was slow or down'),
    dropped: perSource('lines_dropped_total', 'Physical lines dropped; the agent never drops a line, so this stays 0'),
    truncated: perSource('lines_truncated_total', 'Lines longer than maxLineBytes, shipped truncated with a flag'),
    spoolBytes: new Gauge({ name: name('spool_bytes'), help: 'Bytes in the spool segment files', registers: [registry] }),
    // The cap as a series of its own, so an alert can divide spool_bytes by it without knowing the config.
    spoolMaxBytes: new Gauge({ name: name('spool_max_bytes'), help: 'Configured spool cap (spool.maxBytes); spool_bytes / spool_max_bytes is the fill ratio', registers: [registry] }),
    spoolRecords: new Gauge({ name: name('spool_records'), help: 'Shipments waiting in the spool', registers: [registry] }),
    spoolCorrupt: new Counter({ name: name('spool_corrupt_records_total'), help: 'Spool records or tails skipped because their checksum or framing failed', registers: [registry] }),
    diskFull: new Gauge({ name: name('disk_full'), help: '1 while the spool cannot be written because the disk is full (reading is paused)', registers: [registry] }),
    spoolAtCap: new Gauge({ name: name('spool_at_cap'), help: '1 while the spool is at maxBytes (reading is paused)', registers: [registry] }),
    queueRecords: new Gauge({ name: name('queue_records'), help: 'Records waiting in memory for Kafka', registers: [registry] }),
    kafkaUp: new Gauge({ name: name('kafka_up'), help: '1 when the last produce attempt succeeded', registers: [registry] }),
    sendFailures: new Counter({ name: name('kafka_send_failures_total'), help: 'Failed produce attempts, by retriable or fatal', labelNames: ['kind'], registers: [registry] }),
  };
  for (const source of sourceIds) {
    for (const counter of [metrics.linesRead, metrics.acknowledged, metrics.spooled, metrics.dropped, metrics.truncated]) counter.inc({ source }, 0);
  }
  metrics.kafkaUp.set(1);
  metrics.diskFull.set(0);
  if (options.spoolMaxBytes !== undefined) metrics.spoolMaxBytes.set(options.spoolMaxBytes);
  return metrics;
}

/** Per-source delivery accounting, as `sawmill agent status` prints it. */
export interface SourceAccounting {
  source: string;
  read: number;
  acknowledged: number;
  spooled: number;
  dropped: number;
  truncated: number;
}

/** Extracts the per-source accounting and the agent gauges from a `/metrics` text. */
export function parseAgentMetrics(text: string): { sources: SourceAccounting[]; gauges: Record<string, number> } {
  const sources = new Map<string, SourceAccounting>();
  const gauges: Record<string, number> = {};
  const fields: Record<string, keyof Omit<SourceAccounting, 'source'>> = {
    sawmill_agent_lines_read_total: 'read',
    sawmill_agent_lines_acknowledged_total: 'acknowledged',
    sawmill_agent_lines_spooled_total: 'spooled',
    sawmill_agent_lines_dropped_total: 'dropped',
    sawmill_agent_lines_truncated_total: 'truncated',
  };
  for (const line of text.split('\n')) {
    const match = /^(sawmill_agent_[a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match) continue;
    const [, name = '', labels = '', value = '0'] = match;
    const field = fields[name];
    if (field) {
      const source = /source="([^"]*)"/.exec(labels)?.[1] ?? '';
      const entry = sources.get(source) ?? { source, read: 0, acknowledged: 0, spooled: 0, dropped: 0, truncated: 0 };
      entry[field] = Number(value);
      sources.set(source, entry);
    } else if (!labels.includes('kind=')) gauges[name] = Number(value);
  }
  return { sources: [...sources.values()], gauges };
}
