/**
 * A `sawmill <command>` child process for the metrics and canary integration tests, run from the
 * sources (`node --import tsx bin/sawmill.ts`), with its output kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './metrics-sources.js';

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it soon after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One running `sawmill` command; see the file comment. */
export class SawmillProcess {
  private readonly child: ChildProcess;
  private log = '';
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;

  /** Spawns `sawmill <args>` with `env` over this process's environment (log level warn unless given). */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bin/sawmill.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, SAWMILL_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-16_384);
    };
    this.child.stdout?.on('data', append);
    this.child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** True once the process ended. */
  hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The last 16 KiB of stdout and stderr. */
  output(): string {
    return this.log;
  }

  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
