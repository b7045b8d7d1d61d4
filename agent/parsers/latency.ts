/**
 * Pulls a request latency, in milliseconds, out of structured fields or free text.
 *
 * Units by field name (structured fields): a `_ms`/`Ms` suffix is ms, `_us`/`_µs` µs, `_ns`
 * ns, `_s`/`_sec`/`_seconds` seconds; `took` is ms (Elasticsearch); `rt`, `request_time`,
 * `upstream_response_time` are seconds (nginx writes them with millisecond resolution);
 * other latency names (`latency`, `duration`, `elapsed`, `response_time`) are ms when the
 * value is a bare number, and follow the unit when the value carries one (`1.2s`, `350µs`,
 * Go durations such as `1m2.5s`).
 *
 * Text: `took 123ms`, `in 5 ms`, `duration=1.2s`, `latency: 350µs`, `elapsed 1m2.5s`,
 * `rt=0.045` (seconds), `latency_ms=12`. Only the first 4 KiB of a message are scanned,
 * and the patterns are linear (no nested quantifiers), so a huge line costs little.
 */
import type { FieldValue } from './parsed-line.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, h: 3_600_000,
};

const TEXT_SCAN_LIMIT = 4096;

// A Go duration is one or more number+unit pairs; `ms` is listed before `m` so `5ms` is not 5 minutes.
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_PART = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g;
const NUMBER_WITH_UNIT = /^(\d+(?:\.\d+)?) ?(ns|us|µs|μs|ms|s|sec|secs|seconds|second|min|mins)?$/;

/** Milliseconds of a duration string: a Go duration (`1m2.5s`, `350µs`) or a number with an optional unit (`12 ms`); `bareUnitMs` is the unit of a bare number. */
export function parseDuration(text: string, bareUnitMs = 1): number | undefined {
  const s = text.trim();
  if (s.length === 0 || s.length > 40) return undefined;
  const single = NUMBER_WITH_UNIT.exec(s);
  if (single !== null) {
    const unit = single[2];
    return Number(single[1]) * (unit === undefined ? bareUnitMs : (UNIT_MS[unit] ?? 1));
  }
  if (!GO_DURATION.test(s)) return undefined;
  let total = 0;
  for (const part of s.matchAll(GO_PART)) total += Number(part[1]) * (UNIT_MS[part[2] ?? 'ms'] ?? 1);
  return total;
}

// Field name → unit of a bare number. Names are matched lower-cased, with dots/dashes as underscores.
const SECONDS_FIELDS = new Set(['rt', 'request_time', 'upstream_response_time', 'duration_s', 'duration_sec', 'duration_seconds', 'latency_s', 'latency_seconds', 'elapsed_s', 'elapsed_seconds', 'response_time_s', 'response_time_seconds']);
const MS_FIELDS = new Set(['latency_ms', 'latencyms', 'duration_ms', 'durationms', 'elapsed_ms', 'elapsedms', 'took', 'took_ms', 'response_time_ms', 'responsetimems', 'time_ms', 'request_time_ms', 'latency', 'duration', 'elapsed', 'response_time', 'responsetime', 'http.duration_ms']);
const US_FIELDS = new Set(['latency_us', 'duration_us', 'elapsed_us', 'took_us', 'duration_µs']);
const NS_FIELDS = new Set(['latency_ns', 'duration_ns', 'elapsed_ns', 'event.duration']);

/** Unit (ms per bare unit) implied by a field name, or undefined when the name is not a latency field. */
export function latencyFieldUnit(name: string): number | undefined {
  const key = name.toLowerCase().replace(/[.-]/g, '_');
  if (MS_FIELDS.has(key)) return 1;
  if (SECONDS_FIELDS.has(key)) return 1000;
  if (US_FIELDS.has(key)) return 1e-3;
  if (NS_FIELDS.has(name.toLowerCase()) || NS_FIELDS.has(key)) return 1e-6;
  return undefined;
}

/** Latency in ms from the first latency-named field (see the file header for units); undefined when none. */
export function latencyFromFields(fields: Readonly<Record<string, FieldValue>>): number | undefined {
  for (const name in fields) {
    const unit = latencyFieldUnit(name);
    if (unit === undefined) continue;
    const value = fields[name];
    let ms: number | undefined;
    if (typeof value === 'number') ms = value * unit;
    else if (typeof value === 'string') ms = parseDuration(value, unit);
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  return undefined;
}

// keyword, separator, then a Go duration or number+unit. Seconds-by-default keys (rt,
// request_time) are matched by a second pattern because their bare numbers need no unit.
const TEXT_WITH_UNIT =
  /\b(?:took|in|duration|latency|elapsed|response[_ ]time|time)(?:[=:] ?| )((?:\d+(?:\.\d+)?(?:ns|us|µs|μs|ms|s|m|h))+|\d+(?:\.\d+)? ?(?:ns|us|µs|μs|ms|s|sec|secs|seconds|second))(?![A-Za-z0-9])/;
const TEXT_KEYED_UNIT = /\b(?:latency|duration|elapsed|took|response_time|request_time)_(ms|us|ns|s|sec|seconds)[=:] ?(\d+(?:\.\d+)?)(?![\d.])/;
const TEXT_SECONDS = /\b(?:rt|request_time|upstream_response_time)=(\d+(?:\.\d+)?)(?![\d.])/;

/** Latency in ms found in free text (see the file header for the accepted phrasings); undefined when none. */
export function latencyFromText(text: string): number | undefined {
  const s = text.length > TEXT_SCAN_LIMIT ? text.slice(0, TEXT_SCAN_LIMIT) : text;
  let m = TEXT_KEYED_UNIT.exec(s);
  if (m !== null) return Number(m[2]) * (UNIT_MS[m[1] === 'sec' || m[1] === 'seconds' ? 's' : (m[1] ?? 'ms')] ?? 1);
  m = TEXT_SECONDS.exec(s);
  if (m !== null) return Number(m[1]) * 1000;
  m = TEXT_WITH_UNIT.exec(s);
  if (m !== null) return parseDuration(m[1] ?? '');
  return undefined;
}
