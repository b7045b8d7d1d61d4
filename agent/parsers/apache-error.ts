/**
 * Parses Apache httpd error logs, both layouts:
 * - 2.2 (and the loghub Apache sample): `[Sun Dec 04 04:47:44 2005] [notice] msg`, with an
 *   optional `[client 1.2.3.4] ` before the message;
 * - 2.4: `[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:5678] AH00128: msg`.
 *
 * The time has no zone: it is read in the source's configured zone, else UTC (httpd writes
 * local time). Module, pid, tid, client and the `AHnnnnn` error code become fields.
 */
import { normalizeLevel } from './level.js';
import type { FieldValue, FormatParser, ParsedLine } from './parsed-line.js';
import { fractionToMillis, monthFromAbbrev, wallTimeToUtc } from './timestamp.js';

const HEAD = /^\[([A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\d{4})\] \[(?:([\w-]+):)?([a-z]+\d?)\] ?/;
const PID = /^\[pid (\d+)(?::tid (\d+))?\] ?/;
const CLIENT = /^\[client ([^\]]{1,64})\] ?/;
const CODE = /^(AH\d{5}): /;

/** Parses an Apache error-log line; undefined when it is not one. */
export const parseApacheError: FormatParser = (line, context) => {
  const m = HEAD.exec(line);
  if (m === null) return undefined;
  const month = monthFromAbbrev(m[2] ?? '');
  const level = normalizeLevel(m[10]);
  if (month === 0 || level === undefined) return undefined;
  const fields: Record<string, FieldValue> = {};
  if (m[9] !== undefined) fields.module = m[9];
  let rest = line.slice(m[0].length);
  let p = PID.exec(rest);
  if (p !== null) {
    fields.pid = Number(p[1]);
    if (p[2] !== undefined) fields.tid = Number(p[2]);
    rest = rest.slice(p[0].length);
  }
  p = CLIENT.exec(rest);
  if (p !== null) {
    fields.client = p[1] ?? '';
    rest = rest.slice(p[0].length);
  }
  p = CODE.exec(rest);
  if (p !== null) fields.code = p[1] ?? '';
  const result: ParsedLine = {
    message: rest,
    fields,
    format: 'apache-error',
    level,
    levelText: m[10] ?? '',
    timestampText: line.slice(1, line.indexOf(']')),
  };
  const ms = wallTimeToUtc(
    { year: Number(m[8]), month, day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: fractionToMillis(m[7]) },
    undefined, context.timeZone,
  );
  if (ms !== undefined) result.timestampMs = ms;
  return result;
};
