import { z } from 'zod';
import { loadConfig } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { installShutdownHandlers, type ProcessShutdown } from '../lib/shutdown.js';

/** What every command body receives: its validated config, its logger and the shutdown coordinator. */
export interface CommandContext<C> {
  readonly config: C;
  readonly logger: Logger;
  readonly shutdown: ProcessShutdown;
}

/** How a command is started from the command line. */
export interface RunCommandOptions<S extends z.ZodObject, R> {
  /** Component name: the logger's `component` field and the env prefix (`SAWMILL_<NAME>__`). */
  readonly component: string;
  /** The component's strict zod config schema. */
  readonly schema: S;
  /** `--config` file, if given. */
  readonly configFile: string | undefined;
  /** The command body; for a service, it starts serving and registers shutdown hooks. */
  readonly body: (context: CommandContext<z.output<S>>) => Promise<R>;
}

/**
 * Loads the command's config, then runs its body. A ConfigError ends the process with exit
 * code 1 and the error's message on stderr (no stack trace: the message says what to fix);
 * any other failure is logged and also exits 1, after the registered shutdown hooks ran.
 */
export async function runCommand<S extends z.ZodObject, R>(options: RunCommandOptions<S, R>): Promise<R | undefined> {
  const logger = createLogger(options.component);
  const shutdown = installShutdownHandlers({ logger });
  let config: z.output<S>;
  try {
    config = loadConfig(options.schema, { file: options.configFile, envPrefix: options.component.replace(/-/g, '_') });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sawmill ${options.component}: ${error.message}\n`);
      process.exitCode = 1;
      shutdown.uninstall();
      return undefined;
    }
    throw error;
  }
  try {
    return await options.body({ config, logger, shutdown });
  } catch (error) {
    logger.fatal({ err: error }, `${options.component} failed`);
    await shutdown.exitAfterShutdown('fatal error', 1);
    return undefined;
  }
}
