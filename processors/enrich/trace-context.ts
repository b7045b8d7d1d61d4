/**
 * Trace and span ids of an event, from the first place that has them:
 * 1. `parsedFields.traceId` / `spanId` (what the agent's parser promoted from JSON keys);
 * 2. a W3C `traceparent` field (`00-<32 hex trace>-<16 hex span>-<flags>`);
 * 3. B3: `X-B3-TraceId` / `X-B3-SpanId` fields, or the single `b3` header (`<trace>-<span>[-...]`);
 * 4. Jaeger's `uber-trace-id` (`<trace>:<span>:<parent>:<flags>`);
 * 5. named fields: `trace_id`, `traceId`, `trace.id`, `traceid`, `dd.trace_id`, `otel.trace_id`,
 *    `otelTraceID` (and the matching span names);
 * 6. the message text: `traceparent=00-...`, `trace_id=...`, `traceId: ...`, `dd.trace_id=...`
 *    with a hex, decimal or UUID value (first 4 KiB only; `span_id=...` likewise, only beside a trace id).
 * Ids are kept when they look like ids (1..128 characters from `[A-Za-z0-9._:/+=-]`); hex ids
 * are lower-cased so that `4BF92F...` and `4bf92f...` are one trace, and an all-zero hex id (the
 * W3C "invalid" value) is no id. Datadog's decimal ids are kept as written.
 */
import { ownString } from './own-fields.js';

/** The ids found, and the parsed-field keys they came from (to drop from `fields`). */
export interface TraceContext {
  traceId: string | null;
  spanId: string | null;
  sourceKeys: string[];
}

const TRACE_KEYS: readonly string[] = ['traceId', 'trace_id', 'trace.id', 'traceid', 'dd.trace_id', 'otel.trace_id', 'otelTraceID', 'X-B3-TraceId', 'x-b3-traceid'];
const SPAN_KEYS: readonly string[] = ['spanId', 'span_id', 'span.id', 'spanid', 'dd.span_id', 'otel.span_id', 'otelSpanID', 'X-B3-SpanId', 'x-b3-spanid'];
const TRACEPARENT_KEYS: readonly string[] = ['traceparent', 'traceParent', 'Traceparent'];

const ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;
const HEX = /^[0-9A-Fa-f]+$/;
const ZERO = /^0+$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/i;
const TEXT_SCAN_LIMIT = 4096;
const TEXT_TRACEPARENT = /\btraceparent["']?\s*[=:]\s*["']?([0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})\b/i;
const TEXT_TRACE = /\b(?:trace[_.-]?id|dd\.trace_id|x-b3-traceid)["']?\s*[=:]\s*["']?([0-9A-Fa-f-]{8,64})(?![0-9A-Za-z-])/i;
const TEXT_SPAN = /\b(?:span[_.-]?id|dd\.span_id|x-b3-spanid)["']?\s*[=:]\s*["']?([0-9A-Fa-f-]{4,64})(?![0-9A-Za-z-])/i;

/** The id in canonical form (hex lower-cased), or undefined when `value` is not a usable id. */
export function normalizeId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!ID.test(text)) return undefined;
  if (HEX.test(text)) return ZERO.test(text) ? undefined : text.toLowerCase();
  return text;
}

/** Trace and span ids of a W3C traceparent value; undefined when it is malformed or invalid (version ff, zero ids). */
export function parseTraceparent(value: string): { traceId: string; spanId: string } | undefined {
  const m = TRACEPARENT.exec(value.trim());
  if (m === null || m[1]?.toLowerCase() === 'ff') return undefined;
  const traceId = normalizeId(m[2]);
  const spanId = normalizeId(m[3]);
  return traceId === undefined || spanId === undefined ? undefined : { traceId, spanId };
}

function firstId(fields: Readonly<Record<string, string>>, keys: readonly string[], used: string[]): string | undefined {
  for (const key of keys) {
    const id = normalizeId(ownString(fields, key));
    if (id !== undefined) {
      used.push(key);
      return id;
    }
  }
  return undefined;
}

/** Resolves the trace context of an event from its parsed fields and, with `scanText`, its message. */
export function resolveTraceContext(fields: Readonly<Record<string, string>>, message: string, scanText: boolean): TraceContext {
  const used: string[] = [];
  let traceId = firstId(fields, TRACE_KEYS.slice(0, 1), used);
  let spanId = firstId(fields, SPAN_KEYS.slice(0, 1), used);
  if (traceId === undefined) {
    for (const key of TRACEPARENT_KEYS) {
      const text = ownString(fields, key);
      const parsed = text === undefined ? undefined : parseTraceparent(text);
      if (parsed !== undefined) {
        used.push(key);
        traceId = parsed.traceId;
        spanId ??= parsed.spanId;
        break;
      }
    }
  }
  if (traceId === undefined) {
    const b3 = ownString(fields, 'b3');
    const parts = b3?.split('-');
    const id = normalizeId(parts?.[0]);
    if (parts !== undefined && parts.length >= 2 && id !== undefined && HEX.test(id)) {
      used.push('b3');
      traceId = id;
      spanId ??= normalizeId(parts[1]);
    }
  }
  if (traceId === undefined) {
    const jaeger = ownString(fields, 'uber-trace-id');
    const parts = jaeger?.split(':');
    const id = normalizeId(parts?.[0]);
    if (parts !== undefined && parts.length === 4 && id !== undefined && HEX.test(id)) {
      used.push('uber-trace-id');
      traceId = id;
      spanId ??= normalizeId(parts[1]);
    }
  }
  traceId ??= firstId(fields, TRACE_KEYS, used);
  spanId ??= firstId(fields, SPAN_KEYS, used);
  if (scanText && (traceId === undefined || spanId === undefined)) {
    const found = traceFromText(message);
    traceId ??= found.traceId;
    spanId ??= found.spanId;
  }
  return { traceId: traceId ?? null, spanId: spanId ?? null, sourceKeys: used };
}

/** Trace and span ids written in free text (see the file header); fields are undefined when absent. */
export function traceFromText(message: string): { traceId?: string; spanId?: string } {
  // Cheap prefilter: nearly no line mentions a trace, and indexOf is far cheaper than the patterns.
  if (message.indexOf('race') < 0 && message.indexOf('RACE') < 0) return {};
  const text = message.length > TEXT_SCAN_LIMIT ? message.slice(0, TEXT_SCAN_LIMIT) : message;
  const parent = TEXT_TRACEPARENT.exec(text);
  if (parent !== null) {
    const parsed = parseTraceparent(parent[1] ?? '');
    if (parsed !== undefined) return parsed;
  }
  const result: { traceId?: string; spanId?: string } = {};
  const trace = normalizeId(TEXT_TRACE.exec(text)?.[1]);
  if (trace !== undefined) {
    result.traceId = trace;
    const span = normalizeId(TEXT_SPAN.exec(text)?.[1]);
    if (span !== undefined) result.spanId = span;
  }
  return result;
}
