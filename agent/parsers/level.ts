/**
 * Normalizes every common spelling of a log severity to a `NormalizedLevel`.
 *
 * Covered: text levels in any case and their abbreviations (`warn`, `WARNING`, `wrn`,
 * `err`, `CRIT`, `emerg`, `panic`, `dpanic`, `fatal`), Python logging (`CRITICAL`,
 * `WARNING`), java.util.logging (`SEVERE`, `CONFIG`, `FINE`, `FINER`, `FINEST`), Apache's
 * `trace1`..`trace8`, Serilog's short names (`VRB`, `DBG`, `INF`, `WRN`, `ERR`, `FTL`), winston's
 * `silly`, single letters of glog / Android logcat (`V D I W E F A`), numeric syslog severities
 * 0..7, Bunyan/pino numeric levels 10..60, and OpenTelemetry severity numbers 1..24 (their
 * own function, since 1..7 would otherwise read as syslog severities). HTTP statuses have their
 * own function because a bare `404` must not be read as a level.
 */
import type { NormalizedLevel } from './parsed-line.js';

// Keys are lower case; lookups try the text as given first (most logs write `INFO` or
// `info`), so the common path avoids allocating a lower-cased copy.
const WORDS = new Map<string, NormalizedLevel>();
function add(level: NormalizedLevel, ...words: string[]): void {
  for (const word of words) {
    WORDS.set(word, level);
    WORDS.set(word.toUpperCase(), level);
  }
}
add('TRACE', 'trace', 'trc', 'finest', 'finer', 'verbose', 'vrb', 'silly', 'v', 't', 'all');
add('DEBUG', 'debug', 'dbg', 'debg', 'fine', 'config', 'd');
add('INFO', 'info', 'inf', 'information', 'informational', 'i');
add('NOTICE', 'notice', 'ntc', 'n');
add('WARN', 'warn', 'warning', 'wrn', 'wrng', 'w');
add('ERROR', 'error', 'err', 'eror', 'e', 'severe');
add('FATAL', 'fatal', 'ftl', 'crit', 'critical', 'alert', 'emerg', 'emergency', 'panic', 'dpanic', 'f', 'a', 'c');

// Syslog severity numbers (RFC 5424 table 2) in order 0..7.
const SYSLOG: readonly NormalizedLevel[] = ['FATAL', 'FATAL', 'FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG'];

/** Maps a syslog severity (0 emerg .. 7 debug) to a normalized level; undefined outside 0..7. */
export function levelFromSyslogSeverity(severity: number): NormalizedLevel | undefined {
  return Number.isInteger(severity) ? SYSLOG[severity] : undefined;
}

/**
 * Maps a number to a level: 0..7 are syslog severities, 10..69 are Bunyan/pino levels
 * (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal; custom levels in between round
 * down to the nearest decade). Anything else is undefined.
 */
export function levelFromNumber(value: number): NormalizedLevel | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (value >= 0 && value <= 7) return levelFromSyslogSeverity(Math.trunc(value));
  if (value < 10 || value >= 70) return undefined;
  const decade = Math.floor(value / 10);
  return (['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const)[decade - 1];
}

/**
 * Normalizes a level written as text or number; returns undefined when the value is not a
 * recognisable level. Surrounding spaces, brackets and a trailing colon are ignored
 * (`[warn]`, `ERROR:`), and a numeric string is treated like the number.
 */
export function normalizeLevel(value: string | number | boolean | undefined | null): NormalizedLevel | undefined {
  if (typeof value === 'number') return levelFromNumber(value);
  if (typeof value !== 'string') return undefined;
  const direct = WORDS.get(value);
  if (direct !== undefined) return direct;
  if (value.length === 0 || value.length > 24) return undefined;
  let text = value.trim();
  if (text.startsWith('[') || text.startsWith('<') || text.startsWith('(')) text = text.slice(1);
  if (text.endsWith(']') || text.endsWith('>') || text.endsWith(')') || text.endsWith(':')) text = text.slice(0, -1);
  text = text.trim().toLowerCase();
  const word = WORDS.get(text);
  if (word !== undefined) return word;
  if (/^\d{1,2}$/.test(text)) return levelFromNumber(Number(text));
  // Apache 2.4 writes trace1..trace8.
  if (/^trace[1-8]$/.test(text)) return 'TRACE';
  return undefined;
}

/**
 * Maps an OpenTelemetry SeverityNumber (1..4 TRACE, 5..8 DEBUG, 9..12 INFO, 13..16 WARN,
 * 17..20 ERROR, 21..24 FATAL) to a level; undefined outside 1..24 or for a non-integer.
 */
export function levelFromOtelSeverityNumber(value: number): NormalizedLevel | undefined {
  if (!Number.isInteger(value) || value < 1 || value > 24) return undefined;
  return (['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const)[Math.floor((value - 1) / 4)];
}

/**
 * Level of an access-log line from its HTTP status: 5xx ERROR, 4xx WARN, anything else INFO.
 * A value that is not a status (NaN, outside 100..599) also gives INFO: the request was logged.
 */
export function levelFromHttpStatus(status: number): NormalizedLevel {
  if (status >= 500 && status <= 599) return 'ERROR';
  if (status >= 400 && status <= 499) return 'WARN';
  return 'INFO';
}
