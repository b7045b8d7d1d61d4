/**
 * The Redis client every component uses (ioredis). It checks its URL at once, reconnects
 * forever with capped, jittered backoff (readiness reports the outage, the process stays
 * up), fails commands after a few reconnect attempts instead of queueing them without
 * bound, and logs connection errors without credentials and without flooding the log.
 */
import { Redis } from 'ioredis';
import { ConfigError, ServiceUnavailableError } from './errors.js';
import type { Logger } from './logger.js';
import { redactText, redactUrl } from './redact.js';

/** Options of `createRedis`. */
export interface RedisOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://` for TLS; the password never reaches a log. */
  url: string;
  /** Receives connection errors and state changes. */
  logger: Logger;
  /** Connect on the first command instead of at once. Default true (start-up does not block on Redis). */
  lazyConnect?: boolean;
  /** Longest wait for a TCP connection. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Longest pause between reconnect attempts. Default 5000 ms. */
  maxRetryDelayMs?: number;
  /** Reconnect attempts a command waits through before it fails; null waits forever. Default 3. */
  maxRetriesPerRequest?: number | null;
  /** Prefix added to every key, e.g. `sawmill:ratelimit:`. */
  keyPrefix?: string;
  /** Name shown by CLIENT LIST, e.g. `sawmill-api`. */
  connectionName?: string;
}

/** Same error message within this window is logged once (a down Redis fails every retry). */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * Returns an ioredis client for `url`. Throws `ConfigError` (password removed) when the URL
 * is not a usable Redis URL.
 */
export function createRedis(options: RedisOptions): Redis {
  const { url, logger } = options;
  validateRedisUrl(url);
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  const target = redactUrl(url);

  const client = new Redis(url, {
    lazyConnect: options.lazyConnect ?? true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    // Never give up: the service stays up and not-ready until Redis is back.
    retryStrategy: (attempt: number) => reconnectDelay(attempt, maxRetryDelayMs),
  });

  let lastMessage = '';
  let lastLoggedAt = 0;
  let suppressed = 0;
  client.on('error', (error: Error) => {
    const message = redactText(error.message);
    const now = Date.now();
    if (message === lastMessage && now - lastLoggedAt < ERROR_LOG_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    logger.warn({ target, error: message, code: (error as { code?: unknown }).code, repeated: suppressed }, 'redis connection error');
    lastMessage = message;
    lastLoggedAt = now;
    suppressed = 0;
  });
  client.on('ready', () => {
    logger.info({ target }, 'redis ready');
    lastMessage = '';
  });
  client.on('end', () => logger.info({ target }, 'redis connection closed'));
  return client;
}

/** Delay before reconnect attempt `attempt` (from 1): exponential from 100 ms, capped, with equal jitter so it never drops to 0. */
export function reconnectDelay(attempt: number, maxDelayMs: number, random: () => number = Math.random): number {
  const bound = Math.min(maxDelayMs, 100 * 2 ** Math.min(attempt - 1, 20));
  return Math.round(bound / 2 + (random() * bound) / 2);
}

/**
 * Resolves when `client` answers PING; otherwise throws `ServiceUnavailableError`.
 * Meant as a readiness check: `readinessChecks: { redis: () => checkRedis(client) }`.
 */
export async function checkRedis(client: Redis, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      client.ping(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms (status ${client.status})`)), timeoutMs);
      }),
    ]);
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${JSON.stringify(answer)}`);
  } catch (error) {
    const message = redactText(error instanceof Error ? error.message : String(error));
    throw new ServiceUnavailableError(`redis is not available: ${message}`, 'redis', new Error(message));
  } finally {
    clearTimeout(timer);
  }
}

/** Throws `ConfigError` unless `url` is a redis:// or rediss:// URL with a host and an optional numeric database; the message never holds the password. */
export function validateRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`redis url is not a valid URL: ${JSON.stringify(redactText(url))}`, 'options', 'url');
  }
  const shown = redactUrl(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`redis url must start with redis:// or rediss://, got ${JSON.stringify(shown)}`, 'options', 'url');
  }
  if (parsed.hostname === '') throw new ConfigError(`redis url names no host: ${JSON.stringify(shown)}`, 'options', 'url');
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    throw new ConfigError(`redis url database must be a number (e.g. /15), got ${JSON.stringify(shown)}`, 'options', 'url');
  }
}
