/**
 * Graceful shutdown. Components register cleanup hooks as they start (`onShutdown`); on
 * SIGTERM or SIGINT the hooks run once, in reverse order of registration (the last thing
 * started is the first stopped: stop consuming before closing the producer it feeds,
 * close the producer before the health server), each limited by a timeout and logged.
 * The process then exits 0, or 1 when a hook failed. A second signal exits at once.
 *
 * The coordinator (`createShutdownCoordinator`) knows nothing of the process, so tests
 * drive it directly; `installShutdownHandlers` is the thin binding to signals and exit.
 */
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.js';
import { createLogger } from './logger.js';
import { withTimeout } from './with-timeout.js';

/** A cleanup step; `signal` aborts when its timeout passes, so it can give up in-flight work. */
export type ShutdownHook = (signal: AbortSignal) => unknown;

/** Outcome of one hook. */
export interface HookOutcome {
  name: string;
  ok: boolean;
  durationMs: number;
  /** Why it failed (its error message, or the timeout). */
  error?: string;
}

/** Outcome of a shutdown. */
export interface ShutdownResult {
  /** True when every hook finished in time without throwing. */
  ok: boolean;
  reason: string;
  /** One entry per hook, in the order they ran. */
  hooks: HookOutcome[];
}

/** Per-hook options. */
export interface HookOptions {
  /** Longest this hook may run. Default: the coordinator's `hookTimeoutMs`. */
  timeoutMs?: number;
}

/** Registers hooks and runs them once. */
export interface ShutdownCoordinator {
  /** Registers `fn` under `name`; returns a function that unregisters it (for parts stopped early). */
  onShutdown(name: string, fn: ShutdownHook, options?: HookOptions): () => void;
  /** Runs the hooks once in reverse order; later calls return the same promise. Never rejects. */
  shutdown(reason: string): Promise<ShutdownResult>;
  /** True once `shutdown` was called. */
  readonly isShuttingDown: boolean;
  /** Aborted when shutdown starts, so long-running loops can stop taking new work. */
  readonly signal: AbortSignal;
}

/** Options of `createShutdownCoordinator`. */
export interface ShutdownCoordinatorOptions {
  logger: Logger;
  /** Default limit of each hook. Default 10 000 ms. */
  hookTimeoutMs?: number;
}

/** Default limit of one hook; Kubernetes gives 30 s in total before SIGKILL. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

/** Creates a coordinator that runs its hooks when `shutdown` is called, with no process binding. */
export function createShutdownCoordinator({ logger, hookTimeoutMs = DEFAULT_HOOK_TIMEOUT_MS }: ShutdownCoordinatorOptions): ShutdownCoordinator {
  interface Registered {
    name: string;
    fn: ShutdownHook;
    timeoutMs: number;
  }
  const hooks: Registered[] = [];
  const controller = new AbortController();
  let running: Promise<ShutdownResult> | undefined;

  const runAll = async (reason: string): Promise<ShutdownResult> => {
    const started = performance.now();
    logger.info({ reason, hooks: hooks.length }, 'shutdown started');
    const outcomes: HookOutcome[] = [];
    for (const hook of [...hooks].reverse()) {
      logger.info({ hook: hook.name }, 'shutdown hook running');
      const outcome = await runHook(hook.name, hook.fn, hook.timeoutMs);
      outcomes.push(outcome);
      if (outcome.ok) logger.info({ hook: hook.name, duration_ms: outcome.durationMs }, 'shutdown hook done');
      else logger.error({ hook: hook.name, duration_ms: outcome.durationMs, error: outcome.error }, 'shutdown hook failed');
    }
    const ok = outcomes.every((outcome) => outcome.ok);
    logger.info({ reason, ok, duration_ms: Math.round(performance.now() - started) }, 'shutdown finished');
    return { ok, reason, hooks: outcomes };
  };

  return {
    onShutdown(name, fn, options = {}) {
      if (running !== undefined) {
        // Too late to run it in order; say so rather than dropping it silently.
        logger.warn({ hook: name }, 'shutdown hook registered after shutdown started; it will not run');
        return () => undefined;
      }
      const timeoutMs = options.timeoutMs ?? hookTimeoutMs;
      if (!(timeoutMs > 0)) throw new TypeError(`hook timeout must be > 0 ms, got ${timeoutMs}`);
      const entry: Registered = { name, fn, timeoutMs };
      hooks.push(entry);
      return () => {
        const index = hooks.indexOf(entry);
        if (index >= 0 && running === undefined) hooks.splice(index, 1);
      };
    },
    shutdown(reason) {
      if (running === undefined) {
        controller.abort(new Error(`shutting down: ${reason}`));
        running = runAll(reason);
      }
      return running;
    },
    get isShuttingDown() {
      return running !== undefined;
    },
    signal: controller.signal,
  };
}

async function runHook(name: string, fn: ShutdownHook, timeoutMs: number): Promise<HookOutcome> {
  const started = performance.now();
  try {
    await withTimeout(fn, timeoutMs);
    return { name, ok: true, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name, ok: false, durationMs: Math.round(performance.now() - started), error: message };
  }
}

// ---------------------------------------------------------------------------------------
// Process binding

/** The process-wide coordinator, bound to signals. */
export interface ProcessShutdown extends ShutdownCoordinator {
  /** Shuts down as a signal would, then exits with 0/1 (or `exitCode` when given, e.g. 1 after a fatal error). */
  exitAfterShutdown(reason: string, exitCode?: number): Promise<void>;
  /** Removes the signal listeners (tests and embedders). */
  uninstall(): void;
}

/** Options of `installShutdownHandlers`; all have defaults suitable for a service. */
export interface InstallShutdownOptions {
  logger?: Logger;
  hookTimeoutMs?: number;
  /** Signals that start the shutdown. Default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /** How to end the process; default `process.exit`. */
  exit?: (code: number) => void;
}

let installed: ProcessShutdown | undefined;

/**
 * Binds a coordinator to SIGTERM/SIGINT: the first signal runs the hooks and exits 0 (1 if a
 * hook failed); a second signal exits at once with 128 + the signal number. Idempotent:
 * later calls return the first binding and ignore their options.
 */
export function installShutdownHandlers(options: InstallShutdownOptions = {}): ProcessShutdown {
  if (installed !== undefined) return installed;
  const logger = options.logger ?? createLogger('shutdown');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const coordinatorOptions: ShutdownCoordinatorOptions = { logger };
  if (options.hookTimeoutMs !== undefined) coordinatorOptions.hookTimeoutMs = options.hookTimeoutMs;
  const coordinator = createShutdownCoordinator(coordinatorOptions);

  const exitAfterShutdown = async (reason: string, exitCode?: number): Promise<void> => {
    const result = await coordinator.shutdown(reason);
    exit(exitCode ?? (result.ok ? 0 : 1));
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (coordinator.isShuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      exit(128 + (constants.signals[signal] ?? 0));
      return;
    }
    logger.info({ signal }, 'signal received');
    void exitAfterShutdown(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);

  installed = {
    onShutdown: coordinator.onShutdown,
    shutdown: coordinator.shutdown,
    get isShuttingDown() {
      return coordinator.isShuttingDown;
    },
    signal: coordinator.signal,
    exitAfterShutdown,
    uninstall() {
      for (const signal of signals) process.off(signal, onSignal);
      installed = undefined;
    },
  };
  return installed;
}

/** Registers a cleanup hook on the process-wide coordinator, installing the signal handlers on first use. */
export function onShutdown(name: string, fn: ShutdownHook, options?: HookOptions): () => void {
  return installShutdownHandlers().onShutdown(name, fn, options);
}
