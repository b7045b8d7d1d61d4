/**
 * The one retry loop of Sawmill: exponential backoff with full jitter
 * (delay = random(0, min(maxDelayMs, initialDelayMs * factor^(n-1)))), which spreads
 * the retries of many clients hitting the same broken service instead of having them
 * come back in waves. No component writes its own loop (see STYLE.md).
 */
import { isRetriable as defaultIsRetriable, RetriesExhaustedError } from './errors.js';

/** What `onRetry` learns before each wait. */
export interface RetryEvent {
  /** The attempt that just failed, counting from 1. */
  attempt: number;
  /** How long the loop will wait before the next attempt. */
  delayMs: number;
  /** The error the failed attempt threw. */
  error: unknown;
}

/** Context handed to every attempt. */
export interface AttemptContext {
  /** The attempt being made, counting from 1. */
  attempt: number;
  /** The caller's signal, so an attempt can abandon in-flight work; undefined when none was given. */
  signal: AbortSignal | undefined;
}

/** Options of `retry`; every field has a default. */
export interface RetryOptions {
  /** Retries after the first attempt; total attempts = retries + 1. Default 5. */
  retries?: number;
  /** Upper bound of the first wait. Default 100 ms. */
  initialDelayMs?: number;
  /** Upper bound of any wait. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Growth of the upper bound per retry. Default 2. */
  factor?: number;
  /** `full` draws each wait uniformly in [0, bound]; `none` waits the bound itself (for tests and tools). Default `full`. */
  jitter?: 'full' | 'none';
  /** Aborting it stops the loop at once: a pending wait ends and the signal's reason is thrown. */
  signal?: AbortSignal;
  /** Called before each wait, e.g. to log the failure; an exception here ends the loop. */
  onRetry?: (event: RetryEvent) => void;
  /** Decides whether an error is worth another attempt. Default `isRetriable` from lib/errors.ts. */
  isRetriable?: (error: unknown) => boolean;
  /** Waits `ms`, rejecting with the signal's reason on abort; injectable for deterministic tests. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Uniform random number in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

/** Default options, kept in one place (elastic-transport style). */
export const RETRY_DEFAULTS = {
  retries: 5,
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 'full',
} as const satisfies RetryOptions;

/**
 * Calls `fn` until it resolves, waiting with exponential backoff and full jitter between
 * attempts. Throws `RetriesExhaustedError` (attempt count, last error as `cause`) when the
 * attempts run out or an error is not retriable, and the signal's reason when aborted.
 */
export async function retry<T>(fn: (context: AttemptContext) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? RETRY_DEFAULTS.retries;
  const initialDelayMs = options.initialDelayMs ?? RETRY_DEFAULTS.initialDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const factor = options.factor ?? RETRY_DEFAULTS.factor;
  const jitter = options.jitter ?? RETRY_DEFAULTS.jitter;
  const retriable = options.isRetriable ?? defaultIsRetriable;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const { signal, onRetry } = options;

  if (!Number.isInteger(retries) || retries < 0) throw new TypeError(`retries must be an integer >= 0, got ${retries}`);
  if (!(initialDelayMs >= 0) || !(maxDelayMs >= initialDelayMs)) {
    throw new TypeError(`need 0 <= initialDelayMs <= maxDelayMs, got ${initialDelayMs} and ${maxDelayMs}`);
  }
  if (!(factor >= 1)) throw new TypeError(`factor must be >= 1, got ${factor}`);

  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    try {
      return await fn({ attempt, signal });
    } catch (error) {
      // An attempt that failed because the caller aborted is not a reason to try again.
      signal?.throwIfAborted();
      if (!retriable(error)) {
        throw new RetriesExhaustedError(`gave up after attempt ${attempt}: the error is not retriable: ${messageOf(error)}`, attempt, error);
      }
      if (attempt > retries) {
        throw new RetriesExhaustedError(`gave up after ${attempt} attempts: ${messageOf(error)}`, attempt, error);
      }
      const delayMs = backoffDelay(attempt, { initialDelayMs, maxDelayMs, factor, jitter, random });
      onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}

/** Returns the wait after failed attempt `attempt` (from 1): within [0, min(max, initial * factor^(attempt-1))]. */
export function backoffDelay(
  attempt: number,
  options: { initialDelayMs: number; maxDelayMs: number; factor: number; jitter: 'full' | 'none'; random: () => number },
): number {
  const bound = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** (attempt - 1));
  return options.jitter === 'none' ? bound : Math.floor(options.random() * bound);
}

/** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
