/**
 * The log line formats the demo source writes, and how each one lays out a record.
 *
 * Every timestamp is written in UTC. Formats that carry no zone (log4j, Python
 * logging, syslog, HDFS) are therefore UTC by assumption: a parser of these lines
 * must assume UTC too. Formats that carry no year (syslog RFC 3164) take the year
 * of the event; a parser must assume the current year (and roll back across New
 * Year), which the generator's ground truth lets tests check.
 */

/** Severity of a generated line, normalised to the four levels Sawmill groups on. */
export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Every level, in increasing severity. */
export const LEVELS: readonly Level[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Identifier of a line format; one service writes exactly one format. */
export type LogFormat = 'json' | 'logfmt' | 'nginx-combined' | 'log4j' | 'python-logging' | 'syslog-3164' | 'hdfs';

/** How a format carries the severity of a line. */
export type LevelEncoding =
  /** An explicit level field or token (`level=warn`, `WARN`, `WARNING`). */
  | 'field'
  /** No level; it follows from the HTTP status: 5xx ERROR, 4xx WARN, else INFO. */
  | 'http-status'
  /** No level at all; the generator's level is the template's intended severity, not recoverable by a parser. */
  | 'none';

/** What a parser can expect from one format. */
export interface FormatDescriptor {
  /** The format id. */
  readonly id: LogFormat;
  /** Resolution of the written timestamp: 1 ms or 1000 ms; the generator floors event times to it. */
  readonly timestampPrecisionMs: 1 | 1000;
  /** Where the level comes from. */
  readonly levelEncoding: LevelEncoding;
  /** True when the line carries no year (syslog RFC 3164). */
  readonly yearless: boolean;
  /** One-line human description with the layout. */
  readonly description: string;
}

/** The descriptor of every format, keyed by id. */
export const FORMATS: Readonly<Record<LogFormat, FormatDescriptor>> = {
  json: {
    id: 'json',
    timestampPrecisionMs: 1,
    levelEncoding: 'field',
    yearless: false,
    description: 'JSON object per line: ts (ISO 8601 UTC), level (lowercase), service, host, msg, trace_id, span_id, http, latency_ms',
  },
  logfmt: {
    id: 'logfmt',
    timestampPrecisionMs: 1,
    levelEncoding: 'field',
    yearless: false,
    description: 'logfmt key=value pairs: ts=<ISO 8601 UTC> level=<lowercase> msg="..." ... duration=<Go duration>',
  },
  'nginx-combined': {
    id: 'nginx-combined',
    timestampPrecisionMs: 1000,
    levelEncoding: 'http-status',
    yearless: false,
    description: 'nginx combined access log followed by rt=<request time, s> rid=<request id>',
  },
  log4j: {
    id: 'log4j',
    timestampPrecisionMs: 1,
    levelEncoding: 'field',
    yearless: false,
    description: 'log4j pattern "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%t] %c - %m" (UTC)',
  },
  'python-logging': {
    id: 'python-logging',
    timestampPrecisionMs: 1,
    levelEncoding: 'field',
    yearless: false,
    description: 'Python logging "%(asctime)s - %(name)s - %(levelname)s - %(message)s" (UTC, WARNING for WARN)',
  },
  'syslog-3164': {
    id: 'syslog-3164',
    timestampPrecisionMs: 1000,
    levelEncoding: 'none',
    yearless: true,
    description: 'BSD syslog as written to /var/log (RFC 3164 without PRI): "Mmm dd HH:mm:ss host prog[pid]: msg" (UTC)',
  },
  hdfs: {
    id: 'hdfs',
    timestampPrecisionMs: 1000,
    levelEncoding: 'field',
    yearless: false,
    description: 'loghub HDFS layout "yyMMdd HHmmss pid LEVEL component: msg" (UTC)',
  },
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Returns `yyyy-MM-dd HH:mm:ss,SSS` in UTC, the default timestamp of log4j and Python logging. */
export function formatCommaMillis(timestampMs: number): string {
  const d = new Date(timestampMs);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** Returns `dd/Mon/yyyy:HH:mm:ss +0000`, nginx's `$time_local` on a UTC host. */
export function formatNginxTime(timestampMs: number): string {
  const d = new Date(timestampMs);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** Returns `Mmm dd HH:mm:ss` with the day padded by a space, as RFC 3164 requires. */
export function formatSyslogTime(timestampMs: number): string {
  const d = new Date(timestampMs);
  return (
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** Returns `yyMMdd HHmmss`, the timestamp of loghub's HDFS sample. */
export function formatHdfsTime(timestampMs: number): string {
  const d = new Date(timestampMs);
  return (
    `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

/** Returns a Go-style duration for a whole number of milliseconds: `850ms`, `1.2s`, `3s`. */
export function formatGoDuration(latencyMs: number): string {
  if (latencyMs < 1000) return `${latencyMs}ms`;
  return `${(latencyMs / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

/** The level word a format writes for a normalised level. */
export function levelToken(format: LogFormat, level: Level): string {
  switch (format) {
    case 'json':
    case 'logfmt':
      return level.toLowerCase();
    case 'python-logging':
      return level === 'WARN' ? 'WARNING' : level;
    case 'log4j':
      // log4j's %-5p pads the level to five characters.
      return level.padEnd(5, ' ');
    default:
      return level;
  }
}

/** A logfmt value, quoted only when it has to be (space, quote, equals sign or empty). */
export function logfmtValue(value: string | number | boolean): string {
  const text = String(value);
  if (text === '' || /[\s"=]/.test(text)) return JSON.stringify(text);
  return text;
}

/** Renders logfmt pairs in the given order, skipping undefined values. */
export function renderLogfmt(pairs: ReadonlyArray<readonly [string, string | number | boolean | undefined]>): string {
  const parts: string[] = [];
  for (const [key, value] of pairs) {
    if (value !== undefined) parts.push(`${key}=${logfmtValue(value)}`);
  }
  return parts.join(' ');
}
