/**
 * The enrich step: turns a raw event from the agent (logs.raw) into the enriched event the
 * stores index (logs.enriched). It is pure and deterministic: the same raw event, ingest time
 * and options always give the same enriched event, so a replay reproduces the stores exactly.
 *
 * What it decides, one concept per module under enrich/: the level (level-resolution.ts), the
 * event time in UTC (event-time.ts, with the year and zone assumptions of
 * agent/parsers/timestamp.ts), trace and span ids (trace-context.ts), the latency
 * (latency-resolution.ts, through agent/parsers/latency.ts), and the message pattern and its id
 * (pattern-id.ts). Level, time and latency parsing are the agent's own functions: there is one
 * implementation of "how Sawmill reads a line".
 *
 * `fields` is parsedFields minus the keys promoted to their own field (format, message,
 * levelText or the level key, timestampText when the time came from it, trace and span keys,
 * latencyMs, host and service when they equal the event's). Nothing else is dropped: keys such
 * as `__proto__` stay as data (see enrich/own-fields.ts).
 */
import type { RawLogEvent } from '../agent/raw-event.js';
import type { EnrichedLogEvent } from '../schemas/log-schemas.js';
import { DEFAULT_ENRICH_OPTIONS, resolveEnrichOptions, type EnrichOptions, type ResolvedEnrichOptions } from './enrich/enrich-options.js';
import { resolveEventTime } from './enrich/event-time.js';
import { readGlogHeader } from './enrich/glog-prefix.js';
import { resolveLatency } from './enrich/latency-resolution.js';
import { resolveLevel } from './enrich/level-resolution.js';
import { copyStringMap, ownString } from './enrich/own-fields.js';
import { messagePattern, patternIdOf } from './enrich/pattern-id.js';
import { resolveTraceContext } from './enrich/trace-context.js';

export { DEFAULT_ENRICH_OPTIONS, enrichConfigSchema, resolveEnrichOptions, type ResolvedEnrichOptions } from './enrich/enrich-options.js';
export type { EnrichOptions };

/** Longest host or service name kept. */
const MAX_NAME_LENGTH = 256;
// C0 controls and DEL in a name would break keyword search and terminal output.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A host or service name made safe for a keyword field: controls removed, trimmed, bounded; undefined when nothing is left. */
export function cleanName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value.length > MAX_NAME_LENGTH * 4 ? value.slice(0, MAX_NAME_LENGTH * 4) : value;
  text = text.replace(CONTROL, '').trim();
  if (text.length > MAX_NAME_LENGTH) text = text.slice(0, MAX_NAME_LENGTH);
  return text.length === 0 ? undefined : text;
}

function safeTime(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15 ? Math.trunc(value) : undefined;
}

/** Enriches with already-resolved options (see `createEnricher`). */
function enrichResolved(raw: RawLogEvent, ingestTimestampMs: number, options: ResolvedEnrichOptions): EnrichedLogEvent {
  const parsedFields: Readonly<Record<string, string>> = raw.parsedFields !== null && typeof raw.parsedFields === 'object' ? raw.parsedFields : {};
  const line = typeof raw.line === 'string' ? raw.line : '';
  const ingest = safeTime(ingestTimestampMs) ?? 0;
  // An unreadable agent clock must not make the event unencodable: the ingest time stands in.
  const observed = safeTime(raw.observedTimestampMs) ?? ingest;

  const fullMessage = ownString(parsedFields, 'message') ?? line;
  const message = fullMessage.length > options.maxMessageLength ? fullMessage.slice(0, options.maxMessageLength) : fullMessage;
  const glog = readGlogHeader(message, observed, options.timeZone);
  const level = resolveLevel({ level: raw.level, parsedFields }, glog);
  const time = resolveEventTime({ eventTimestampMs: raw.eventTimestampMs, parsedFields }, observed, glog, options);
  const trace = resolveTraceContext(parsedFields, message, options.traceFromText);
  const latency = resolveLatency(parsedFields, message, options);

  const host = cleanName(raw.host) ?? cleanName(ownString(parsedFields, 'host')) ?? cleanName(raw.agentId) ?? 'unknown';
  const rawService = cleanName(raw.service);
  const service =
    (rawService !== undefined && rawService !== 'unknown' ? rawService : undefined) ??
    cleanName(ownString(raw.labels ?? {}, 'service')) ??
    cleanName(ownString(parsedFields, 'service')) ??
    'unknown';

  const promoted = new Set<string>(['format', 'message', ...trace.sourceKeys]);
  if (level.sourceKey !== null) promoted.add(level.sourceKey);
  if (level.levelText !== null) promoted.add('levelText');
  if (time.timestampSource === 'LINE' && time.sourceKey !== null) promoted.add(time.sourceKey);
  if (trace.traceId !== null) promoted.add('traceId');
  if (trace.spanId !== null) promoted.add('spanId');
  if (latency.fromLatencyField) promoted.add('latencyMs');
  if (ownString(parsedFields, 'host') === host) promoted.add('host');
  if (ownString(parsedFields, 'service') === service) promoted.add('service');

  const pattern = messagePattern(message, options.patternMaxLength);
  const source = raw.source;
  return {
    eventId: raw.eventId,
    timestampMs: time.timestampMs,
    timestampSource: time.timestampSource,
    observedTimestampMs: observed,
    ingestTimestampMs: ingest,
    host,
    service,
    level: level.level,
    levelText: level.levelText,
    message,
    line,
    truncated: raw.truncated === true,
    format: cleanName(ownString(parsedFields, 'format')) ?? 'unknown',
    patternId: patternIdOf(pattern),
    pattern,
    traceId: trace.traceId,
    spanId: trace.spanId,
    latencyMs: latency.latencyMs,
    agentId: raw.agentId,
    sourceKind: source.kind,
    sourceId: source.id,
    sourcePath: source.path ?? null,
    streamId: source.streamId ?? null,
    sourceOffset: safeTime(source.offset) ?? null,
    fields: copyStringMap(parsedFields, promoted),
    labels: copyStringMap(raw.labels),
  };
}

/**
 * Returns an enrich function with `options` validated and defaulted once (ConfigError on a bad
 * option); the pipeline makes one per processor instead of resolving options per event.
 */
export function createEnricher(options?: EnrichOptions): (raw: RawLogEvent, ingestTimestampMs: number) => EnrichedLogEvent {
  const resolved = options === undefined ? DEFAULT_ENRICH_OPTIONS : resolveEnrichOptions(options);
  return (raw, ingestTimestampMs) => enrichResolved(raw, ingestTimestampMs, resolved);
}

const resolvedCache = new WeakMap<EnrichOptions, ResolvedEnrichOptions>();

/** Pure and deterministic: the same raw event and ingest time always give the same enriched event. */
export function enrichEvent(raw: RawLogEvent, ingestTimestampMs: number, options?: EnrichOptions): EnrichedLogEvent {
  if (options === undefined) return enrichResolved(raw, ingestTimestampMs, DEFAULT_ENRICH_OPTIONS);
  let resolved = resolvedCache.get(options);
  if (resolved === undefined) {
    resolved = resolveEnrichOptions(options);
    resolvedCache.set(options, resolved);
  }
  return enrichResolved(raw, ingestTimestampMs, resolved);
}
