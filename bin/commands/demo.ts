import { demoSourceConfigSchema, demoSourceOptionsFromConfig } from '../../bench/generator/config.js';
import { createMetricsSink } from '../../bench/generator/metrics-sink.js';
import { runDemoSource } from '../../bench/generator/run.js';
import { startHealthServer } from '../../lib/health-server.js';
import { createMetrics } from '../../lib/metrics.js';
import { runCommand } from '../run-command.js';

/** `sawmill demo`: runs the demo log source until stopped (or until its duration or line budget is spent). */
export async function demoCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'demo',
    schema: demoSourceConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const registry = createMetrics({ component: 'demo' });
      const health = await startHealthServer({ port: config.metricsPort, host: config.metricsHost, registry, logger });
      shutdown.onShutdown('health server', () => health.close());
      logger.info({ url: health.url }, 'metrics and health endpoints listening');

      // The generator stops on the shutdown signal and flushes its outputs before resolving,
      // so no produced line is left unacknowledged when the process ends.
      const finished = runDemoSource({
        ...demoSourceOptionsFromConfig(config, { logger, signal: shutdown.signal }),
        extraSinks: [createMetricsSink(registry)],
      });
      shutdown.onShutdown('demo source', () => finished.then(() => undefined));
      const result = await finished;
      logger.info({ ...result }, 'demo source finished');
      if (!shutdown.isShuttingDown) await shutdown.exitAfterShutdown('demo source finished', 0);
    },
  });
}
