import { notifierConfigSchema } from '../../notifier/config.js';
import { runNotifier } from '../../notifier/run.js';
import { runCommand } from '../run-command.js';

/** `sawmill notifier`: consumes the alerts topic and delivers notifications until SIGTERM (graceful: the dispatch pass in progress finishes). */
export async function notifierCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'notifier',
    schema: notifierConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const notifier = await runNotifier({
        config,
        logger,
        // The consumer is dead for good: exit so the supervisor restarts the process.
        onFatal: (error) => {
          logger.fatal({ err: error }, 'alerts consumer crashed and will not restart; exiting');
          void shutdown.exitAfterShutdown('consumer crashed', 1);
        },
      });
      shutdown.onShutdown('notifier', () => notifier.stop(), { timeoutMs: 25_000 });
    },
  });
}
