/**
 * The PostgreSQL connection pool every component uses. It checks its URL at once (a typo
 * fails at start, not at the first query), bounds every statement with a server-side
 * timeout, and turns the pool's background errors into log lines: an idle connection
 * dropped by the server must not crash the process, and must not go unnoticed either.
 */
import pg from 'pg';
import { ConfigError, ServiceUnavailableError } from './errors.js';
import type { Logger } from './logger.js';
import { redactText, redactUrl } from './redact.js';

/** Options of `createPgPool`. */
export interface PgPoolOptions {
  /** `postgres://user[:password]@host[:port]/database[?params]`; the password never reaches a log. */
  url: string;
  /** Most connections the pool opens. Default 10. */
  max?: number;
  /** Server-side limit of one statement (`statement_timeout`). Default 30 000 ms; 0 disables it. */
  statementTimeoutMs?: number;
  /** Shown in `pg_stat_activity.application_name`, e.g. `sawmill-sink-postgres`. */
  applicationName: string;
  /** Receives pool errors and lifecycle events. */
  logger: Logger;
  /** Longest wait to open a connection. Default 5000 ms. */
  connectionTimeoutMs?: number;
  /** How long an unused connection stays open. Default 30 000 ms. */
  idleTimeoutMs?: number;
}

/** The pool type returned by `createPgPool` (node-postgres' Pool). */
export type PgPool = pg.Pool;

/**
 * Returns a node-postgres Pool for `url` without connecting yet. Throws `ConfigError`
 * (with the password removed) when the URL is not a usable PostgreSQL URL.
 */
export function createPgPool(options: PgPoolOptions): PgPool {
  const { url, logger, applicationName } = options;
  const max = options.max ?? 10;
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 5000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  validatePgUrl(url);
  if (!Number.isInteger(max) || max < 1) throw new ConfigError(`postgres pool max must be an integer >= 1, got ${max}`, 'options', 'max');
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 0) {
    throw new ConfigError(`postgres statementTimeoutMs must be an integer >= 0, got ${statementTimeoutMs}`, 'options', 'statementTimeoutMs');
  }

  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: applicationName,
    connectionTimeoutMillis: connectionTimeoutMs,
    idleTimeoutMillis: idleTimeoutMs,
    // Sent as a startup parameter, so it applies to every statement on every connection.
    statement_timeout: statementTimeoutMs,
  });
  const target = redactUrl(url);
  // Without a listener, an error on an idle client (server restart, network cut) is an
  // uncaught 'error' event and kills the process; the next query reconnects instead.
  pool.on('error', (error: Error) => {
    logger.error({ err: sanitizeError(error), target }, 'postgres idle connection failed; it was dropped from the pool');
  });
  logger.info({ target, max, statement_timeout_ms: statementTimeoutMs, application_name: applicationName }, 'postgres pool created');
  return pool;
}

/**
 * Resolves when `pool` can run a query; otherwise throws `ServiceUnavailableError`.
 * Meant as a readiness check: `readinessChecks: { postgres: () => checkPostgres(pool) }`.
 */
export async function checkPostgres(pool: PgPool, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query('SELECT 1'),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new ServiceUnavailableError(`postgres is not available: ${describe(error)}`, 'postgres', sanitizeError(error));
  } finally {
    clearTimeout(timer);
  }
}

/** Throws `ConfigError` unless `url` is a postgres:// URL naming a host and a database; the message never holds the password. */
export function validatePgUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`postgres url is not a valid URL: ${JSON.stringify(redactText(url))}`, 'options', 'url');
  }
  const shown = redactUrl(url);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`postgres url must start with postgres:// or postgresql://, got ${JSON.stringify(shown)}`, 'options', 'url');
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw new ConfigError(`postgres url names no host: ${JSON.stringify(shown)}`, 'options', 'url');
  }
  if (parsed.pathname === '' || parsed.pathname === '/') {
    throw new ConfigError(`postgres url names no database: ${JSON.stringify(shown)}`, 'options', 'url');
  }
  if (parsed.port !== '' && !(Number(parsed.port) > 0)) {
    throw new ConfigError(`postgres url has an invalid port: ${JSON.stringify(shown)}`, 'options', 'url');
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((inner: unknown) => describe(inner)).join('; ');
  }
  return redactText(error instanceof Error ? error.message : String(error));
}

/** A copy of a driver error safe to log: message scrubbed of URL credentials, no connection config attached. */
function sanitizeError(error: unknown): Error {
  const clean = new Error(describe(error));
  clean.name = error instanceof Error ? error.name : 'Error';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') Object.assign(clean, { code });
  return clean;
}
