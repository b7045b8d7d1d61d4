/**
 * The raw log event the agent ships (schemas/avro/raw-log-event.avsc), built from what a
 * source read and what the parser made of it. One function builds it for every source kind
 * so that a file line, a stdin line and an HTTP-pushed line look the same downstream.
 */
import { readFileSync } from 'node:fs';
import { setField, type ParsedLine } from './parsers/index.js';

/** Kind of input an event came from (the Avro enum `RawLogSourceKind`). */
export type RawSourceKind = 'file' | 'stdin' | 'http';

/** The `source` record of a raw event. */
export interface RawLogSource {
  kind: RawSourceKind;
  id: string;
  path: string | null;
  streamId: string | null;
  offset: number | null;
}

/** A raw log event, field for field the Avro record `io.sawmill.logs.RawLogEvent`. */
export interface RawLogEvent {
  eventId: string;
  agentId: string;
  sequence: number;
  source: RawLogSource;
  host: string;
  service: string;
  line: string;
  truncated: boolean;
  observedTimestampMs: number;
  eventTimestampMs: number | null;
  level: string | null;
  parsedFields: Record<string, string>;
  labels: Record<string, string>;
}

/** Where and how one event was read, independent of the parser. */
export interface RawEventInput {
  /** Stable event id (agent/tail/event-id.ts for files). */
  eventId: string;
  agentId: string;
  sequence: number;
  kind: RawSourceKind;
  sourceId: string;
  path?: string;
  streamId?: string;
  offset?: number;
  /** The text as read (multiline events joined with `\n`). */
  text: string;
  truncated: boolean;
  observedTimestampMs: number;
  /** The agent's host name, used when the line names none. */
  host: string;
  /** Static labels of the source; `service` among them wins over the line's own service. */
  labels: Readonly<Record<string, string>>;
}

/** Loads the Avro schema of the raw event (the JSON text of raw-log-event.avsc). */
export function rawLogEventSchemaText(): string {
  return readFileSync(new URL('../schemas/avro/raw-log-event.avsc', import.meta.url), 'utf8');
}

/** Builds the raw event for one read line or multiline event and its parse. */
export function buildRawEvent(input: RawEventInput, parsed: ParsedLine): RawLogEvent {
  const parsedFields: Record<string, string> = { format: parsed.format, message: parsed.message };
  for (const [key, value] of Object.entries(parsed.fields)) setField(parsedFields, key, String(value));
  if (parsed.timestampText !== undefined) parsedFields['timestampText'] = parsed.timestampText;
  if (parsed.levelText !== undefined) parsedFields['levelText'] = parsed.levelText;
  if (parsed.traceId !== undefined) parsedFields['traceId'] = parsed.traceId;
  if (parsed.spanId !== undefined) parsedFields['spanId'] = parsed.spanId;
  if (parsed.latencyMs !== undefined) parsedFields['latencyMs'] = String(parsed.latencyMs);
  if (parsed.host !== undefined) parsedFields['host'] = parsed.host;
  if (parsed.service !== undefined) parsedFields['service'] = parsed.service;
  const timestamp = parsed.timestampMs;
  return {
    eventId: input.eventId,
    agentId: input.agentId,
    sequence: input.sequence,
    source: {
      kind: input.kind,
      id: input.sourceId,
      path: input.path ?? null,
      streamId: input.streamId ?? null,
      offset: input.offset ?? null,
    },
    host: parsed.host ?? input.host,
    // The operator's label is the truth about which service a file belongs to; the line's own name is a fallback.
    service: input.labels['service'] ?? parsed.service ?? 'unknown',
    line: input.text,
    truncated: input.truncated,
    observedTimestampMs: input.observedTimestampMs,
    // Avro long: a parser's fractional millisecond would not encode.
    eventTimestampMs: timestamp === undefined || !Number.isFinite(timestamp) ? null : Math.trunc(timestamp),
    level: parsed.level ?? null,
    parsedFields,
    labels: { ...input.labels },
  };
}

/** The Kafka key of an event: `host/service`, so one service's lines of one host stay in order on one partition. */
export function rawEventKey(event: Pick<RawLogEvent, 'host' | 'service'>): string {
  return `${event.host}/${event.service}`;
}
