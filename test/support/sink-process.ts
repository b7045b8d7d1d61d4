/**
 * Runs `sawmill sink <name>` as a child process (`node --import tsx bin/sawmill.ts sink <name>
 * --config <file>`) for crash tests: start and wait until /readyz answers 200, `kill9` it (SIGKILL,
 * no cleanup at all), restart it, stop it gracefully, read its /metrics. The health port must be
 * fixed in the config (`health.port`) so a restarted process answers at the same address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { waitFor } from './wait-for.js';

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

const MAX_OUTPUT = 64 * 1024;

/** Writes the config and returns a handle; call `start()` to spawn. */
export function sinkProcess(options: SinkProcessOptions): SinkProcess {
  const health = options.config['health'] as { port?: unknown } | undefined;
  if (typeof health?.port !== 'number' || health.port === 0) throw new TypeError('sinkProcess: config.health.port must be a fixed port');
  const url = `http://127.0.0.1:${health.port}`;
  writeFileSync(options.configPath, stringify(options.config));
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> | undefined;
  let log = '';
  const exits: (number | null)[] = [];
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-MAX_OUTPUT);
  };

  const ready = async (): Promise<boolean> => {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    }
  };

  const handle: SinkProcess = {
    url,
    get pid() {
      return child?.pid;
    },
    exits,
    async start() {
      if (child === undefined) {
        const spawned = spawn(process.execPath, ['--import', 'tsx', 'bin/sawmill.ts', 'sink', options.name, '--config', options.configPath], {
          cwd: process.cwd(),
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, SAWMILL_LOG_LEVEL: 'warn', ...options.env },
        });
        child = spawned;
        spawned.stdout?.on('data', append);
        spawned.stderr?.on('data', append);
        exited = new Promise((resolve) => {
          spawned.once('exit', (code) => {
            exits.push(code);
            if (child === spawned) child = undefined;
            resolve(code);
          });
        });
      }
      await handle.waitReady(options.readyTimeoutMs ?? 60_000);
    },
    async kill9() {
      if (child === undefined) return;
      const done = exited;
      child.kill('SIGKILL');
      await done;
    },
    async stop() {
      if (child === undefined) return exits[exits.length - 1] ?? null;
      const done = exited!;
      child.kill('SIGTERM');
      return done;
    },
    async waitReady(timeoutMs = 60_000) {
      await waitFor(`sink ${options.name} ready at ${url}/readyz`, async () => {
        if (child === undefined) throw new Error(`sink ${options.name} exited (codes ${JSON.stringify(exits)}):\n${log}`);
        return ready();
      }, { timeoutMs, intervalMs: 200, detail: () => `\n${log.slice(-4000)}` });
    },
    async metrics() {
      const response = await fetch(`${url}/metrics`);
      return response.text();
    },
    output: () => log,
  };
  return handle;
}
