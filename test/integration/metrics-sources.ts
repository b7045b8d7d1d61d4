/**
 * What metrics Sawmill exports, found two ways so neither blind spot hides a name: each service's
 * registry built in-process through the same factories the service calls, and a scan of the
 * sources for `metricName('<component>', '<thing>')` registrations (those inside processors
 * that only run within a topology). Used by the metrics-*.test.ts files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { createAgentMetrics } from '../../agent/agent-metrics.js';
import { createRequestMetrics } from '../../api/http/request-metrics.js';
import { createMetricsSink } from '../../bench/generator/metrics-sink.js';
import { createCanaryMetrics } from '../../canary/canary-metrics.js';
import { createMetrics } from '../../lib/metrics.js';
import { createNotifierMetrics } from '../../notifier/notifier-metrics.js';
import { createPipelineMetrics } from '../../processors/pipeline.js';
import { openSearchSinkConfigSchema } from '../../sinks/opensearch/config.js';
import { createOpenSearchSink } from '../../sinks/opensearch/opensearch-sink.js';
import { sinkMetrics } from '../../sinks/runner/internal/sink-metrics.js';
import { createTopologyMetrics } from '../../topology/internal/topology-metrics.js';

/** The repository root. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** A service's registry built in-process; `close` releases what building it opened. */
export interface InProcessRegistry {
  readonly service: string;
  /** How the registry was built, for the report. */
  readonly how: string;
  readonly registry: Registry;
  close(): Promise<void>;
}

/**
 * Builds the registries of the services that are not started as processes in these tests, the way
 * each service builds its own (same component name, same metric factories), and gives every
 * labelled metric one sample so its series appear in the exposition.
 */
export function buildServiceRegistries(): InProcessRegistry[] {
  const none = async (): Promise<void> => undefined;
  const logger = pino({ level: 'silent' });

  const notifier = createNotifierMetrics();
  notifier.sent.inc({ channel: 'email' });
  notifier.deliveryLatency.observe({ channel: 'email' }, 1.5);
  notifier.deadLettered.inc({ reason: 'undecodable' });

  const stream = createMetrics({ component: 'stream' });
  const topology = createTopologyMetrics(stream);
  topology.recordsIn.inc({ processor: 'validate' });
  topology.processSeconds.observe({ subtopology: '0' }, 0.0002);
  topology.lag.set({ topic: 'logs.raw', partition: '0' }, 3);
  createPipelineMetrics(stream).deadLetters.inc({ reason: 'invalid level' });

  const sinkRegistries = (['opensearch', 'postgres'] as const).map((name) => {
    const registry = createMetrics({ component: `sink-${name}` });
    const metrics = sinkMetrics(registry);
    metrics.records.inc({ sink: `${name}-logs`, outcome: 'stored' }, 10);
    metrics.writeSeconds.observe({ sink: `${name}-logs` }, 0.02);
    metrics.lag.set({ sink: `${name}-logs`, topic: 'logs.enriched', partition: '0' }, 5);
    metrics.paused.set({ sink: `${name}-logs` }, 0);
    return { name, registry };
  });
  const openSearchRegistry = sinkRegistries[0]!.registry;
  // The writer adds its bulk metrics to the sink's registry when built; no request is made before start().
  const openSearchWriter = createOpenSearchSink({ config: openSearchSinkConfigSchema.parse({}), logger, registry: openSearchRegistry });

  const api = createMetrics({ component: 'api' });
  const requests = createRequestMetrics(api);
  requests.requests.inc({ method: 'GET', route: '/v1/logs', status: '200' });
  requests.duration.observe({ method: 'GET', route: '/v1/logs' }, 0.01);

  const demo = createMetrics({ component: 'demo' });
  createMetricsSink(demo);

  const agent = createAgentMetrics(['demo-checkout']);
  const canary = createCanaryMetrics();

  return [
    { service: 'notifier', how: 'createNotifierMetrics (notifier/notifier-metrics.ts), as notifier/run.ts', registry: notifier.registry, close: none },
    { service: 'stream', how: "createMetrics('stream') + createTopologyMetrics + createPipelineMetrics, as bin/commands/stream.ts and the topology runtime", registry: stream, close: none },
    {
      service: 'sink-opensearch',
      how: "createMetrics('sink-opensearch') + sinkMetrics (sinks/runner) + createOpenSearchSink's bulk metrics, as bin/commands/sink.ts",
      registry: openSearchRegistry,
      close: () => openSearchWriter.client.close(),
    },
    { service: 'sink-postgres', how: "createMetrics('sink-postgres') + sinkMetrics (sinks/runner), as bin/commands/sink.ts", registry: sinkRegistries[1]!.registry, close: none },
    { service: 'api', how: "createMetrics('api') + createRequestMetrics (api/http/request-metrics.ts), as bin/commands/api.ts", registry: api, close: none },
    { service: 'demo', how: "createMetrics('demo') + createMetricsSink (bench/generator), as bin/commands/demo.ts", registry: demo, close: none },
    { service: 'agent', how: 'createAgentMetrics (agent/agent-metrics.ts), as agent/run.ts', registry: agent.registry, close: none },
    { service: 'canary', how: 'createCanaryMetrics (canary/canary-metrics.ts), as canary/run-canary.ts', registry: canary.registry, close: none },
  ];
}

/** Metric families of an exposition text: name → type, from its `# TYPE` lines. */
export function metricFamilies(text: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gm)) families.set(match[1]!, match[2]!);
  return families;
}

/** Every series name a family of `type` puts in an exposition (a histogram's `_bucket`, `_sum`, `_count`, ...). */
export function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** Every series name an exposition text can carry. */
export function exposedSeriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [name, type] of metricFamilies(text)) for (const series of seriesNames(name, type)) names.add(series);
  return names;
}

/** Source folders scanned for registrations (tests and dependencies excluded). */
const SOURCE_DIRS = ['agent', 'api', 'bench', 'bin', 'canary', 'lib', 'notifier', 'processors', 'schemas', 'sinks', 'topology'];

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Names registered with a literal `metricName('<component>', '<thing>')`, or with a component held
 * in a string constant of the same file (`const COMPONENT = 'sink-opensearch'`), mapped to the
 * files that register them. Histogram series suffixes are added, since the call does not say the type.
 */
export function scanSourceMetricNames(root: string = REPO_ROOT): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap((dir) => sourceFiles(join(root, dir)))) {
    const text = readFileSync(file, 'utf8');
    const constants = new Map<string, string>();
    for (const match of text.matchAll(/\bconst ([A-Z_][A-Z0-9_]*) = '([a-z][a-z0-9-]*)';/g)) constants.set(match[1]!, match[2]!);
    for (const match of text.matchAll(/\bmetricName\(\s*(?:'([a-z][a-z0-9-]*)'|([A-Z_][A-Z0-9_]*))\s*,\s*'([a-z][a-z0-9_]*)'\s*\)/g)) {
      const component = match[1] ?? constants.get(match[2] ?? '');
      if (component === undefined) continue;
      const name = `sawmill_${component.replace(/-/g, '_')}_${match[3]!}`;
      for (const series of [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]) {
        found.set(series, [...(found.get(series) ?? []), relative(root, file)]);
      }
    }
  }
  return found;
}

/** Record names of the Prometheus rule files (tests excluded). */
export function recordingRuleNames(rulesDir: string = join(REPO_ROOT, 'infra/prometheus/rules')): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(rulesDir).filter((f) => f.endsWith('.rules.yml'))) {
    for (const match of readFileSync(join(rulesDir, file), 'utf8').matchAll(/^\s*- record: ([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/gm)) names.add(match[1]!);
  }
  return names;
}
