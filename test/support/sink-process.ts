/**
 * Runs `sawmill sink <name>` as a child process (`node --import tsx bin/sawmill.ts sink <name>
 * --config <file>`) for crash tests: start and wait until /readyz answers 200, `kill9` it (SIGKILL,
 * no cleanup at all), restart it, stop it gracefully, read its /metrics. The health port must be
 * fixed in the config (`health.port`) so a restarted process answers at the same address.
 * A thin wrapper over sawmill-process.ts, kept for the sink tests' vocabulary.
 */
import { sawmillProcess } from './sawmill-process.js';

/** Options of startSinkProcess. */
export interface SinkProcessOptions {
  /** `postgres` or `opensearch`. */
  readonly name: string;
  /** The sink config; written as YAML to `configPath`. Must set `health.port` to a free fixed port. */
  readonly config: Record<string, unknown>;
  /** Where the YAML config is written. */
  readonly configPath: string;
  /** Extra environment variables (SAWMILL_LOG_LEVEL defaults to `warn`). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long `start` waits for /readyz. Default 60 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A sink child process; see the file comment. */
export interface SinkProcess {
  /** `http://127.0.0.1:<health.port>`. */
  readonly url: string;
  /** The pid of the current child, undefined when none runs. */
  readonly pid: number | undefined;
  /** Spawns the process (when none runs) and waits until /readyz answers 200. */
  start(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resolves when /readyz answers 200. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** The last 64 KiB of stdout and stderr of every child so far, for failure messages. */
  output(): string;
  /** Exit codes of every child that ended, in order (null for a signal). */
  readonly exits: readonly (number | null)[];
}

/** Writes the config and returns a handle; call `start()` to spawn. */
export function sinkProcess(options: SinkProcessOptions): SinkProcess {
  const health = options.config['health'] as { port?: unknown } | undefined;
  if (typeof health?.port !== 'number' || health.port === 0) throw new TypeError('sinkProcess: config.health.port must be a fixed port');
  const child = sawmillProcess({
    args: ['sink', options.name],
    label: `sink ${options.name}`,
    config: options.config,
    configPath: options.configPath,
    port: health.port,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
  });
  return {
    url: child.url,
    get pid() {
      return child.pid;
    },
    exits: child.exits,
    start: () => child.start(),
    kill9: () => child.kill9(),
    stop: () => child.stop(),
    waitReady: (timeoutMs) => child.waitReady(timeoutMs),
    metrics: () => child.metrics(),
    output: () => child.output(),
  };
}
