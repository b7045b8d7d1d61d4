import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
];

/**
 * Returns the structured JSON logger of one component: one event per line on stdout,
 * with `component` on every line so operators can filter on it.
 * The level comes from SAWMILL_LOG_LEVEL (default `info`).
 */
export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  return pino({
    level: process.env['SAWMILL_LOG_LEVEL'] ?? 'info',
    base: { component },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    ...options,
  });
}
