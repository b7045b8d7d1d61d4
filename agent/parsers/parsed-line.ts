/**
 * The result every log parser produces, and the small contract all parsers share.
 *
 * One shape for every format so that the agent, `sawmill parse` and the enrich step treat
 * a JSON line, a syslog line and an HDFS line the same way. Only `message`, `fields` and
 * `format` are always present: a parser fills the rest when the line carries it and never
 * invents a value (no level for a syslog line without a priority, for instance), so the
 * enrich step can tell "absent" from "defaulted".
 */

/**
 * The seven severities Sawmill normalizes to, from least to most severe.
 *
 * NOTICE is kept apart from INFO because syslog, Apache and nginx use it as a real level
 * ("normal but significant"), and folding it into INFO would lose what the ground truth
 * of the loghub Apache sample distinguishes. Syslog severities map as: 0 emerg, 1 alert,
 * 2 crit → FATAL; 3 err → ERROR; 4 warning → WARN; 5 notice → NOTICE; 6 info → INFO;
 * 7 debug → DEBUG. See `level.ts` for every accepted spelling.
 */
export type NormalizedLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'NOTICE' | 'WARN' | 'ERROR' | 'FATAL';

/** All normalized levels in increasing severity, for iteration and rank comparisons. */
export const NORMALIZED_LEVELS: readonly NormalizedLevel[] = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'];

/** A value a parser may store in `fields`: flat scalars only, so every sink can index it. */
export type FieldValue = string | number | boolean;

/** What a parser extracted from one log line. */
export interface ParsedLine {
  /** Event time in UTC milliseconds since the epoch, when the line carries a time we could read. */
  timestampMs?: number;
  /** The timestamp exactly as written in the line (for display and debugging). */
  timestampText?: string;
  /** The normalized severity, when the line carries one. */
  level?: NormalizedLevel;
  /** The severity exactly as written (e.g. `warning`, `3`, `W`). */
  levelText?: string;
  /** The human-readable message: the line minus the prefix the format defines (time, level, ...). */
  message: string;
  /** Every other named value the format carries; nested JSON keys are dotted (`http.status`). */
  fields: Record<string, FieldValue>;
  /** Name of the parser that recognised the line (`json`, `syslog-3164`, `hdfs`, `plain`, ...). */
  format: string;
  /** Host that emitted the line, when the line names it (syslog hostname, JSON `host`). */
  host?: string;
  /** Program or service that emitted the line, when the line names it (syslog tag, JSON `service`). */
  service?: string;
  /** Distributed-trace id, when present. */
  traceId?: string;
  /** Span id within the trace, when present. */
  spanId?: string;
  /** Request latency in milliseconds, from a structured field or the text (see `latency.ts`). */
  latencyMs?: number;
}

/** Per-line inputs that are not in the line itself. */
export interface ParseContext {
  /**
   * The reference "now" in UTC ms (the observed time of the line); used to infer a missing
   * year. Defaults to `Date.now()` when omitted.
   */
  now?: number;
  /** IANA zone for timestamps written without an offset (e.g. `Europe/Paris`); UTC when omitted. */
  timeZone?: string;
}

/**
 * A parser for one format: returns the parsed line, or `undefined` when the line is not in
 * this format. Parsers never throw on any input.
 */
export type FormatParser = (line: string, context: ParseContext) => ParsedLine | undefined;

/**
 * Stores `value` under `key` as an own, enumerable data property, whatever the key: a plain
 * assignment with a key read from the line (`__proto__`) would hit the prototype setter and
 * lose the field, or with an object value pollute the prototype.
 */
export function setField<V>(target: Record<string, V>, key: string, value: V): void {
  // `__proto__` is the only key Object.prototype defines as an accessor; every other key assigns
  // an own data property, and a plain assignment costs far less than defineProperty on this hot path.
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
