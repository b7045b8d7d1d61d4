import { createMetrics } from '../../lib/metrics.js';
import { createPgPool } from '../../lib/postgres.js';
import { registryConfigSchema } from '../../schemas/registry/config.js';
import { startRegistryServer } from '../../schemas/registry/server.js';
import { runCommand } from '../run-command.js';

/** `sawmill registry`: serves the Confluent-compatible schema registry until SIGTERM. */
export async function registryCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'registry',
    schema: registryConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const pool = createPgPool({ url: config.postgresUrl, logger, applicationName: 'sawmill-registry' });
      shutdown.onShutdown('postgres pool', () => pool.end());
      const server = await startRegistryServer({
        port: config.port,
        host: config.host,
        pool,
        logger,
        metrics: createMetrics({ component: 'registry' }),
      });
      // Registered after the pool hook so it runs first: stop taking requests, then close the pool.
      shutdown.onShutdown('registry http server', () => server.close());
    },
  });
}
