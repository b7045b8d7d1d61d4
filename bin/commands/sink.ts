import { startHealthServer, type ReadinessCheck } from '../../lib/health-server.js';
import { createMetrics } from '../../lib/metrics.js';
import { SINK_NAMES, sinkCommandConfigSchema, startSinkRunners, type SinkName } from '../../sinks/runner/sink-catalog.js';
import { runCommand } from '../run-command.js';

/**
 * `sawmill sink <name>`: runs the sink's runners (PostgreSQL: logs, stats and alerts streams;
 * OpenSearch: logs) with /metrics, /healthz and /readyz until SIGTERM, then stops consuming,
 * lets the batch in flight finish and closes the store. A runner that fails ends the process
 * (exit 1) so a supervisor restarts it; offsets are only ever committed after durable writes.
 */
export async function sinkCommand(name: string, options: { config?: string }): Promise<void> {
  if (!(SINK_NAMES as readonly string[]).includes(name)) {
    process.stderr.write(`sawmill sink: unknown sink ${JSON.stringify(name)}; expected one of ${SINK_NAMES.join(', ')}\n`);
    process.exitCode = 1;
    return;
  }
  const sink = name as SinkName;
  await runCommand({
    component: `sink-${sink}`,
    schema: sinkCommandConfigSchema(sink),
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const registry = createMetrics({ component: `sink-${sink}` });
      // Not ready until every runner consumes (the store is prepared and migrated by then).
      const readinessChecks: Record<string, ReadinessCheck> = {
        started: async () => {
          throw new Error('sink runners are starting');
        },
      };
      const health = await startHealthServer({ port: config.health.port, host: config.health.host, registry, readinessChecks, logger });
      shutdown.onShutdown('health server', () => health.close());
      const runners = await startSinkRunners({ name: sink, config, logger, registry });
      for (const runner of runners) Object.assign(readinessChecks, runner.readinessChecks);
      delete readinessChecks['started'];
      shutdown.onShutdown('sink runners', () => Promise.all(runners.map((runner) => runner.stop(8000))), { timeoutMs: 15_000 });
      for (const runner of runners) {
        runner.done.catch((error: unknown) => {
          logger.fatal({ err: error, group_id: runner.groupId }, 'sink runner failed');
          void shutdown.exitAfterShutdown('sink runner failed', 1);
        });
      }
      logger.info({ sink, groups: runners.map((runner) => runner.groupId), health: health.url }, 'sink running');
    },
  });
}
