/**
 * Parses nginx error logs:
 * `2026/12/01 10:22:56 [error] 1234#5678: *99 open() "/x" failed (2: No such file), client: 1.2.3.4, server: a, request: "GET / HTTP/1.1", host: "a"`.
 *
 * The time has no zone: it is read in the source's configured zone, else UTC (nginx writes
 * local time). pid, tid and the connection number become fields, and the trailing
 * `, key: value` context nginx appends (client, server, request, upstream, host, referrer)
 * is split into fields while the message keeps the text before it.
 */
import { normalizeLevel } from './level.js';
import type { FieldValue, FormatParser, ParsedLine } from './parsed-line.js';
import { wallTimeToUtc } from './timestamp.js';

const LINE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[([a-z]+)\] (\d+)#(\d+): (?:\*(\d+) )?/;
// nginx appends context as ", key: value" with only these keys; anchoring on them avoids
// splitting messages that contain ", something: ".
const CONTEXT = /, (client|server|request|upstream|host|referrer|subrequest): ("(?:[^"\\]|\\.)*"|[^,]*)/g;
const CONTEXT_START = /, (?:client|server|request|upstream|host|referrer|subrequest): /;

/** Parses an nginx error-log line; undefined when it is not one. */
export const parseNginxError: FormatParser = (line, context) => {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  const level = normalizeLevel(m[7]);
  if (level === undefined) return undefined;
  const fields: Record<string, FieldValue> = { pid: Number(m[8]), tid: Number(m[9]) };
  if (m[10] !== undefined) fields.connection = Number(m[10]);
  let message = line.slice(m[0].length);
  const start = CONTEXT_START.exec(message);
  if (start !== null) {
    const tail = message.slice(start.index);
    for (const c of tail.matchAll(CONTEXT)) {
      const raw = c[2] ?? '';
      fields[c[1] ?? 'context'] = raw.startsWith('"') ? raw.slice(1, -1) : raw;
    }
    message = message.slice(0, start.index);
  }
  const result: ParsedLine = {
    message,
    fields,
    format: 'nginx-error',
    level,
    levelText: m[7] ?? '',
    timestampText: line.slice(0, 19),
  };
  const ms = wallTimeToUtc(
    { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: 0 },
    undefined, context.timeZone,
  );
  if (ms !== undefined) result.timestampMs = ms;
  return result;
};
