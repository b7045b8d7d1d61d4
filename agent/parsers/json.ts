/**
 * Parses one JSON object per line (pino, Bunyan, zap, logrus, ECS, Docker json-file,
 * Serilog CLEF, python-json-logger, ...).
 *
 * Well-known keys are promoted out of `fields` (first present wins, in the order listed):
 * time `@timestamp`, `timestamp`, `ts`, `time`, `@t`, `datetime`, `eventTime`; level `level`,
 * `severity`, `lvl`, `loglevel`, `levelname`, `log.level`, `@l`, `severity_text`; message
 * `msg`, `message`, `@m`, `log` (Docker), `event` (structlog); trace `trace_id`, `traceId`,
 * `trace.id`, `traceid`, `dd.trace_id`; span `span_id`, `spanId`, `span.id`, `dd.span_id`;
 * host `host`, `hostname`, `host.name`; service `service`, `service.name`, `app`. Latency is
 * read from the remaining fields by `latency.ts`.
 *
 * Nested objects are flattened to dotted keys up to depth 8; deeper values, arrays and
 * nulls are kept as their JSON text. At most 256 fields are kept per line (a line with
 * more sets `fields._truncated_fields`), which bounds what one hostile line costs downstream.
 */
import { latencyFromFields } from './latency.js';
import { normalizeLevel } from './level.js';
import { setField, type FieldValue, type FormatParser, type ParsedLine } from './parsed-line.js';
import { epochToMs, parseTimestamp } from './timestamp.js';

const MAX_DEPTH = 8;
const MAX_FIELDS = 256;

const TIME_KEYS = ['@timestamp', 'timestamp', 'ts', 'time', '@t', 'datetime', 'eventTime'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'levelname', 'log.level', '@l', 'severity_text', 'SeverityText'];
const MESSAGE_KEYS = ['msg', 'message', '@m', 'log', 'event'];
const TRACE_KEYS = ['trace_id', 'traceId', 'trace.id', 'traceid', 'dd.trace_id'];
const SPAN_KEYS = ['span_id', 'spanId', 'span.id', 'spanid', 'dd.span_id'];
const HOST_KEYS = ['host', 'hostname', 'host.name'];
const SERVICE_KEYS = ['service', 'service.name', 'app'];

function flatten(value: Record<string, unknown>, prefix: string, depth: number, out: Record<string, FieldValue>, count: { n: number }): void {
  for (const key in value) {
    if (count.n >= MAX_FIELDS) {
      out._truncated_fields = true;
      return;
    }
    const v = value[key];
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      setField(out, name, v);
      count.n++;
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) {
      flatten(v as Record<string, unknown>, name, depth + 1, out, count);
    } else {
      setField(out, name, JSON.stringify(v));
      count.n++;
    }
  }
}

/** Removes and returns the first present key among `keys` whose value is a scalar. */
function take(fields: Record<string, FieldValue>, keys: readonly string[]): FieldValue | undefined {
  for (const key of keys) {
    // Own keys only: `constructor` or `__proto__` must not find the prototype's members.
    const v = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (v !== undefined) {
      delete fields[key];
      return v;
    }
  }
  return undefined;
}

function takeString(fields: Record<string, FieldValue>, keys: readonly string[]): string | undefined {
  const v = take(fields, keys);
  return v === undefined ? undefined : String(v);
}

/** Parses a line holding one JSON object; undefined when the line is not a JSON object. */
export const parseJson: FormatParser = (line, context) => {
  const text = line.trim();
  if (text.length < 2 || text.charCodeAt(0) !== 123 /* { */ || text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields: Record<string, FieldValue> = {};
  flatten(value as Record<string, unknown>, '', 0, fields, { n: 0 });

  const result: ParsedLine = { message: '', fields, format: 'json' };
  const time = take(fields, TIME_KEYS);
  if (time !== undefined) {
    result.timestampText = String(time);
    const ms = typeof time === 'number' ? epochToMs(time) : parseTimestamp(time.toString(), context);
    if (ms !== undefined) result.timestampMs = ms;
  }
  const level = take(fields, LEVEL_KEYS);
  if (level !== undefined && typeof level !== 'boolean') {
    result.levelText = String(level);
    const normalized = normalizeLevel(level);
    if (normalized !== undefined) result.level = normalized;
  }
  const message = takeString(fields, MESSAGE_KEYS);
  // Docker's json-file driver keeps the newline the program wrote.
  result.message = message === undefined ? text : message.replace(/\r?\n$/, '');
  const traceId = takeString(fields, TRACE_KEYS);
  if (traceId !== undefined) result.traceId = traceId;
  const spanId = takeString(fields, SPAN_KEYS);
  if (spanId !== undefined) result.spanId = spanId;
  const host = takeString(fields, HOST_KEYS);
  if (host !== undefined) result.host = host;
  const service = takeString(fields, SERVICE_KEYS);
  if (service !== undefined) result.service = service;
  const latency = latencyFromFields(fields);
  if (latency !== undefined) result.latencyMs = latency;
  return result;
};
