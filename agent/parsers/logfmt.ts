/**
 * Parses logfmt lines (`ts=... level=info msg="hello \"world\"" took=12ms flag`), as written
 * by Go's log/slog text handler, logrus, Heroku and Grafana tools.
 *
 * Values may be bare or double-quoted with backslash escapes (`\"`, `\\`, `\n`, `\t`, `\r`);
 * a bare key is a boolean `true`. In strict mode (used by auto-detect) the line must start
 * with `key=` and hold at least two pairs, with no more bare words than pairs, so that prose
 * with one `=` in it is not taken for logfmt. The scanner is a single left-to-right pass.
 */
import { latencyFromFields } from './latency.js';
import { normalizeLevel } from './level.js';
import { setField, type FieldValue, type FormatParser, type ParseContext, type ParsedLine } from './parsed-line.js';
import { epochToMs, parseTimestamp } from './timestamp.js';

const MAX_FIELDS = 256;

function isKeyChar(c: number): boolean {
  // Anything printable except space, `=` and `"`: logfmt keys are loosely defined.
  return c > 32 && c !== 61 && c !== 34 && c !== 127;
}

/** Scans `line` into pairs; returns undefined when it is not logfmt under the chosen strictness. */
export function scanLogfmt(line: string, strict: boolean): { pairs: Map<string, string | true>; bare: number } | undefined {
  const pairs = new Map<string, string | true>();
  let bare = 0;
  let valued = 0;
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && isKeyChar(line.charCodeAt(i))) i++;
    if (i === keyStart) return undefined; // `=` or `"` where a key should start
    const key = line.slice(keyStart, i);
    if (i < n && line.charCodeAt(i) === 61 /* = */) {
      i++;
      let value: string;
      if (i < n && line.charCodeAt(i) === 34 /* " */) {
        i++;
        let out = '';
        let segment = i;
        let closed = false;
        while (i < n) {
          const c = line.charCodeAt(i);
          if (c === 92 /* \ */ && i + 1 < n) {
            out += line.slice(segment, i);
            const e = line[i + 1];
            out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
            i += 2;
            segment = i;
          } else if (c === 34) {
            out += line.slice(segment, i);
            i++;
            closed = true;
            break;
          } else i++;
        }
        if (!closed) return undefined;
        value = out;
      } else {
        const valueStart = i;
        while (i < n && line.charCodeAt(i) !== 32) i++;
        value = line.slice(valueStart, i);
      }
      valued++;
      if (pairs.size < MAX_FIELDS) pairs.set(key, value);
    } else {
      if (strict && valued === 0) return undefined;
      bare++;
      if (pairs.size < MAX_FIELDS && !pairs.has(key)) pairs.set(key, true);
    }
    if (i < n && line.charCodeAt(i) !== 32) return undefined;
  }
  if (valued < (strict ? 2 : 1) || (strict && bare > valued)) return undefined;
  return { pairs, bare };
}

function pick(pairs: Map<string, string | true>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const v = pairs.get(key);
    if (typeof v === 'string') {
      pairs.delete(key);
      return v;
    }
  }
  return undefined;
}

function toFieldValue(v: string | true): FieldValue {
  if (v === true) return true;
  // Keep numbers numeric so range queries work; leave ids with leading zeros as text.
  if (v.length > 0 && v.length < 16 && /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(v)) return Number(v);
  return v;
}

function build(line: string, context: ParseContext, strict: boolean): ParsedLine | undefined {
  const scanned = scanLogfmt(line.trimEnd(), strict);
  if (scanned === undefined) return undefined;
  const { pairs } = scanned;
  const result: ParsedLine = { message: '', fields: {}, format: 'logfmt' };
  const time = pick(pairs, ['ts', 'time', 'timestamp', 't', '@timestamp']);
  if (time !== undefined) {
    result.timestampText = time;
    const ms = /^\d+(?:\.\d+)?$/.test(time) ? epochToMs(Number(time)) : parseTimestamp(time, context);
    if (ms !== undefined) result.timestampMs = ms;
  }
  const level = pick(pairs, ['level', 'lvl', 'severity', 'loglevel']);
  if (level !== undefined) {
    result.levelText = level;
    const normalized = normalizeLevel(level);
    if (normalized !== undefined) result.level = normalized;
  }
  result.message = pick(pairs, ['msg', 'message']) ?? line.trim();
  const traceId = pick(pairs, ['trace_id', 'traceId', 'traceid', 'trace.id']);
  if (traceId !== undefined) result.traceId = traceId;
  const spanId = pick(pairs, ['span_id', 'spanId', 'spanid', 'span.id']);
  if (spanId !== undefined) result.spanId = spanId;
  const host = pick(pairs, ['host', 'hostname']);
  if (host !== undefined) result.host = host;
  const service = pick(pairs, ['service', 'app']);
  if (service !== undefined) result.service = service;
  for (const [key, value] of pairs) setField(result.fields, key, toFieldValue(value));
  const latency = latencyFromFields(result.fields);
  if (latency !== undefined) result.latencyMs = latency;
  return result;
}

/** Parses a logfmt line leniently (one `key=value` pair suffices); for an explicitly configured format. */
export const parseLogfmt: FormatParser = (line, context) => build(line, context, false);

/** Parses a logfmt line strictly (starts with `key=`, two or more pairs); what auto-detect uses. */
export const parseLogfmtStrict: FormatParser = (line, context) => build(line, context, true);
