import { canaryConfigSchema } from '../../canary/config.js';
import { startCanary } from '../../canary/run-canary.js';
import { runCommand } from '../run-command.js';

/**
 * `sawmill canary`: writes a unique line through the agent at an interval and measures how long it
 * takes to become searchable in OpenSearch (`sawmill_canary_ingest_to_searchable_seconds` on :9407),
 * until SIGTERM.
 */
export async function canaryCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'canary',
    schema: canaryConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const canary = await startCanary({ config, logger });
      shutdown.onShutdown('canary', () => canary.stop());
    },
  });
}
