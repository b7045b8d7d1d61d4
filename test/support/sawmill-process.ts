/**
 * Runs any `sawmill <subcommand>` as a child process (`node --import tsx bin/sawmill.ts <args>
 * --config <file>`) for crash tests and drills: start and wait until /readyz answers 200, `kill9`
 * it (SIGKILL, no cleanup at all), restart it, stop it gracefully, read its /metrics and output.
 * The health port is fixed by the caller (and must be the one the config sets), so a restarted
 * process answers at the same address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { waitFor } from './wait-for.js';

/** Options of sawmillProcess. */
export interface SawmillProcessOptions {
  /** The subcommand and its arguments before `--config`, e.g. `['sink', 'postgres']` or `['agent']`. */
  readonly args: readonly string[];
  /** Name used in messages; default the args joined by spaces. */
  readonly label?: string;
  /** The config; written as YAML to `configPath` and passed as `--config`. */
  readonly config: Record<string, unknown>;
  /** Where the YAML config is written. */
  readonly configPath: string;
  /** The fixed port of /readyz and /metrics the config sets (not 0). */
  readonly port: number;
  /** Extra environment variables (SAWMILL_LOG_LEVEL defaults to SAWMILL_CHILD_LOG_LEVEL or `warn`). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long `start` waits for /readyz. Default 60 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A Sawmill child process; see the file comment. */
export interface SawmillProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The pid of the current child, undefined when none runs. */
  readonly pid: number | undefined;
  /** Spawns the process (when none runs) and waits until /readyz answers 200. */
  start(): Promise<void>;
  /** SIGKILL, then waits for the exit (nothing happens when none runs). */
  kill9(): Promise<void>;
  /** SIGTERM, then waits for the exit; resolves with the exit code. SIGKILL after `graceMs` (default 30 000). */
  stop(graceMs?: number): Promise<number | null>;
  /** Stops (SIGKILL when `hard`) and starts again. */
  restart(hard?: boolean): Promise<void>;
  /** Resolves when /readyz answers 200; throws when the child exited meanwhile. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** The /metrics text. */
  metrics(): Promise<string>;
  /** The last 64 KiB of stdout and stderr of every child so far, for failure messages. */
  output(): string;
  /** Exit codes of every child that ended, in order (null for a signal). */
  readonly exits: readonly (number | null)[];
}

const MAX_OUTPUT = 64 * 1024;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Writes the config and returns a handle; call `start()` to spawn. */
export function sawmillProcess(options: SawmillProcessOptions): SawmillProcess {
  if (!Number.isInteger(options.port) || options.port <= 0) throw new TypeError('sawmillProcess: port must be a fixed port');
  const label = options.label ?? options.args.join(' ');
  const url = `http://127.0.0.1:${options.port}`;
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

  const handle: SawmillProcess = {
    url,
    get pid() {
      return child?.pid;
    },
    exits,
    async start() {
      if (child === undefined) {
        const spawned = spawn(process.execPath, ['--import', 'tsx', 'bin/sawmill.ts', ...options.args, '--config', options.configPath], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, SAWMILL_LOG_LEVEL: process.env['SAWMILL_CHILD_LOG_LEVEL'] ?? 'warn', ...options.env },
        });
        child = spawned;
        spawned.stdout?.on('data', append);
        spawned.stderr?.on('data', append);
        exited = new Promise((resolve) => {
          spawned.once('exit', (code, signal) => {
            append(Buffer.from(`[${new Date().toISOString()}] ${label} pid ${String(spawned.pid)} exited (code ${String(code)}, signal ${String(signal)})\n`));
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
    async stop(graceMs = 30_000) {
      if (child === undefined) return exits[exits.length - 1] ?? null;
      const current = child;
      const done = exited!;
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), graceMs);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
    async restart(hard = false) {
      if (hard) await handle.kill9();
      else await handle.stop();
      await handle.start();
    },
    async waitReady(timeoutMs = 60_000) {
      await waitFor(
        `${label} ready at ${url}/readyz`,
        async () => {
          if (child === undefined) throw new Error(`${label} exited (codes ${JSON.stringify(exits)}):\n${log.slice(-4000)}`);
          return ready();
        },
        { timeoutMs, intervalMs: 200, detail: () => `\n${log.slice(-4000)}` },
      );
    },
    async metrics() {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
      return response.text();
    },
    output: () => log,
  };
  return handle;
}
