/**
 * Turns an EnrichedLogEvent into its `log_events` row, and rows into the two load encodings
 * (COPY text, unnest arrays). Values PostgreSQL would refuse are fixed or refused here, before
 * a batch is sent: NUL characters replaced, indexed values capped, impossible timestamps refused.
 */
import { InvalidInputError } from '../../lib/errors.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { copyField, indexedText, MAX_INDEXED_TEXT } from './text-encoding.js';

/** One `log_events` row, in column order. */
export interface LogRow {
  readonly eventId: string;
  readonly ts: string;
  readonly tsMs: number;
  readonly host: string;
  readonly service: string;
  readonly level: string;
  readonly patternId: string;
  readonly traceId: string | null;
  readonly latencyMs: number | null;
  readonly indexName: string;
  readonly ingestTs: string;
}

/** Column list of log_events in LogRow order. */
export const LOG_COLUMNS = 'event_id, ts, host, service, level, pattern_id, trace_id, latency_ms, index_name, ingest_ts';

// PostgreSQL timestamptz ends in 294276 AD; JavaScript dates in 275760 AD: the JS range is the binding one.
const MAX_DATE_MS = 8_640_000_000_000_000;

/** The ISO text of a timestamp in ms, or InvalidInputError when no date has it. */
export function isoTimestamp(ms: number, field: string): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) throw new InvalidInputError(`${field} ${String(ms)} is not a representable timestamp`, `bad ${field}`);
  return new Date(ms).toISOString();
}

/** The daily OpenSearch index of an event: `<prefix>-YYYY.MM.DD` (UTC day of timestampMs), as the OpenSearch sink names it. */
export function indexNameOf(prefix: string, timestampMs: number): string {
  return `${prefix}-${new Date(timestampMs).toISOString().slice(0, 10).replace(/-/g, '.')}`;
}

/** The row of `event`; throws InvalidInputError (the record is dead-lettered) on an unusable event id or timestamp. */
export function toLogRow(event: EnrichedLogEvent, indexPrefix: string): LogRow {
  if (typeof event.eventId !== 'string' || event.eventId === '' || event.eventId.length > MAX_INDEXED_TEXT || event.eventId.includes('\u0000')) {
    // The event id is the deduplication key: altering it could merge two events, so refuse instead.
    throw new InvalidInputError(`event id is empty, longer than ${MAX_INDEXED_TEXT} characters or holds NUL`, 'bad event id');
  }
  const ts = isoTimestamp(event.timestampMs, 'timestampMs');
  const latency = event.latencyMs;
  return {
    eventId: event.eventId,
    ts,
    tsMs: event.timestampMs,
    host: indexedText(event.host),
    service: indexedText(event.service),
    level: indexedText(event.level),
    patternId: indexedText(event.patternId),
    traceId: event.traceId === null ? null : indexedText(event.traceId),
    latencyMs: latency === null || !Number.isFinite(latency) ? null : latency,
    indexName: indexNameOf(indexPrefix, event.timestampMs),
    ingestTs: isoTimestamp(event.ingestTimestampMs, 'ingestTimestampMs'),
  };
}

/** The rows as COPY text format, one line per row. */
export function copyText(rows: readonly LogRow[]): Buffer {
  const lines = rows.map((row) =>
    [row.eventId, row.ts, row.host, row.service, row.level, row.patternId, row.traceId, row.latencyMs, row.indexName, row.ingestTs].map(copyField).join('\t'),
  );
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The rows as ten column arrays for `unnest($1::text[], ...)`. */
export function columnArrays(rows: readonly LogRow[]): unknown[][] {
  return [
    rows.map((row) => row.eventId),
    rows.map((row) => row.ts),
    rows.map((row) => row.host),
    rows.map((row) => row.service),
    rows.map((row) => row.level),
    rows.map((row) => row.patternId),
    rows.map((row) => row.traceId),
    rows.map((row) => row.latencyMs),
    rows.map((row) => row.indexName),
    rows.map((row) => row.ingestTs),
  ];
}
