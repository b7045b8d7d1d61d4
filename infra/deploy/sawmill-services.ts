// The Sawmill processes every deployment runs, with the ports fixed in the shared names: each
// serves /metrics, /healthz and /readyz on that port. docker-compose.yml, infra/k8s and their
// tests are held to this one table.

/** A long-running Sawmill process: its `sawmill` command and its health/metrics port. */
export interface SawmillService {
  /** Arguments after `sawmill` that start it. */
  readonly command: readonly string[];
  /** Port of /metrics, /healthz and /readyz (the HTTP port for the API and the registry). */
  readonly port: number;
}

/** Every long-running Sawmill service by its deployment name (compose service, Kubernetes workload). */
export const SAWMILL_SERVICES: Readonly<Record<string, SawmillService>> = {
  api: { command: ['api'], port: 8080 },
  registry: { command: ['registry'], port: 8081 },
  stream: { command: ['stream'], port: 9401 },
  'sink-opensearch': { command: ['sink', 'opensearch'], port: 9402 },
  'sink-postgres': { command: ['sink', 'postgres'], port: 9403 },
  notifier: { command: ['notifier'], port: 9404 },
  agent: { command: ['agent'], port: 9405 },
  demo: { command: ['demo'], port: 9406 },
  canary: { command: ['canary'], port: 9407 },
};

/**
 * The consumer group each consumer service reads each topic with: `sawmill-stream`,
 * `sawmill-sink-<writer>` (sinks/runner: one group per writer, so the PostgreSQL sink has three),
 * `sawmill-notifier`.
 */
export const CONSUMER_GROUPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  stream: { 'logs.raw': 'sawmill-stream' },
  'sink-opensearch': { 'logs.enriched': 'sawmill-sink-opensearch' },
  'sink-postgres': { 'logs.enriched': 'sawmill-sink-postgres-logs', 'stats.windowed': 'sawmill-sink-postgres-stats', alerts: 'sawmill-sink-postgres-alerts' },
  notifier: { alerts: 'sawmill-notifier' },
};
