/**
 * The shared reader of NCSA access-log lines (Common Log Format and the "combined"
 * extension), which nginx and Apache both write by default:
 * `1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://ref/" "Mozilla/4.08"`.
 *
 * After the combined part, extra tokens are read as `key=value` pairs (nginx's common
 * `rt=0.045 uct="0.001" urt=0.044`) or, for a bare trailing number, as the request time in
 * the unit the caller says (nginx `$request_time` seconds, Apache `%D` microseconds).
 * The level follows the status (5xx ERROR, 4xx WARN, else INFO). The message is the request
 * line and status (`GET /a.gif HTTP/1.0 200`); client, user, method, path, protocol, status,
 * bytes, referer and user agent are fields. Quoted parts allow `\"` escapes; the patterns
 * have no overlapping alternatives, so matching is linear in the line length.
 */
import { latencyFromFields } from './latency.js';
import { levelFromHttpStatus } from './level.js';
import { setField, type FieldValue, type ParseContext, type ParsedLine } from './parsed-line.js';
import { fractionToMillis, monthFromAbbrev, parseOffset, wallTimeToUtc } from './timestamp.js';

const LINE =
  /^(\S+) (\S+) (\S+) \[(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-]\d{4})\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(.*)$/;
const EXTRA = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)|(\d+(?:\.\d+)?)(?=\s|$)|"((?:[^"\\]|\\.)*)"/g;

/**
 * How a bare trailing number after the combined fields is read: `seconds` (nginx
 * `$request_time`), `microseconds` (Apache `%D`), or `auto` (a number with a decimal point is
 * seconds, an integer is kept as `fields.trailing_number` because its unit is unknown).
 */
export type TrailingNumberUnit = 'seconds' | 'microseconds' | 'auto';

function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
}

/** Parses an access-log line into a ParsedLine with the given `format` name; undefined when it is not one. */
export function parseAccessLine(line: string, context: ParseContext, format: string, trailing: TrailingNumberUnit): ParsedLine | undefined {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  const month = monthFromAbbrev(m[5] ?? '');
  if (month === 0) return undefined;
  void context; // CLF always carries its zone, so the configured zone is not needed.
  const timestampMs = wallTimeToUtc(
    { year: Number(m[6]), month, day: Number(m[4]), hour: Number(m[7]), minute: Number(m[8]), second: Number(m[9]), millis: fractionToMillis(m[10]) },
    parseOffset(m[11]),
  );
  const request = unescape(m[12] ?? '');
  const status = Number(m[13]);
  const fields: Record<string, FieldValue> = { client_ip: m[1] ?? '', status };
  if (m[2] !== '-') fields.ident = m[2] ?? '';
  if (m[3] !== '-') fields.user = m[3] ?? '';
  if (m[14] !== '-') fields.bytes = Number(m[14]);
  const parts = request.split(' ');
  if (parts.length === 3) {
    fields.method = parts[0] ?? '';
    fields.path = parts[1] ?? '';
    fields.protocol = parts[2] ?? '';
  }
  if (m[15] !== undefined && m[15] !== '-') fields.referer = unescape(m[15]);
  if (m[16] !== undefined && m[16] !== '-') fields.user_agent = unescape(m[16]);
  const extra = m[17]?.trim() ?? '';
  let extraQuoted = 0;
  if (extra.length > 0) {
    for (const e of extra.matchAll(EXTRA)) {
      if (e[1] !== undefined) {
        const raw = e[2] ?? '';
        const value = raw.startsWith('"') ? unescape(raw.slice(1, -1)) : raw;
        if (Object.hasOwn(fields, e[1])) continue;
        setField(fields, e[1], value !== '' && value !== '-' && /^\d+(?:\.\d+)?$/.test(value) && value.length < 16 ? Number(value) : value);
      } else if (e[3] !== undefined) {
        if (trailing === 'seconds') fields.request_time = Number(e[3]);
        else if (trailing === 'microseconds') fields.duration_us = Number(e[3]);
        else if (e[3].includes('.')) fields.request_time = Number(e[3]);
        else fields.trailing_number = Number(e[3]);
      } else if (e[4] !== undefined) {
        // Commonly $http_x_forwarded_for; keep it by position when not keyed.
        fields[extraQuoted === 0 ? 'forwarded_for' : `extra_${extraQuoted}`] = unescape(e[4]);
        extraQuoted++;
      }
    }
  }
  const result: ParsedLine = {
    message: `${request} ${status}`,
    fields,
    format,
    level: levelFromHttpStatus(status),
    levelText: String(status),
    timestampText: `${m[4]}/${m[5]}/${m[6]}:${m[7]}:${m[8]}:${m[9]}${m[10] === undefined ? '' : `.${m[10]}`} ${m[11]}`,
  };
  if (timestampMs !== undefined) result.timestampMs = timestampMs;
  const latency = latencyFromFields(fields);
  if (latency !== undefined) result.latencyMs = latency;
  return result;
}
