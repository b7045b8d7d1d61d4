/**
 * Parses RFC 5424 syslog lines:
 * `<165>1 2003-10-11T22:14:15.003Z host app 1234 ID47 [exampleSDID@32473 iut="3"] msg`.
 *
 * Structured data become fields named `sd.<SD-ID>.<PARAM>` (values unescaped: `\"`, `\\`,
 * `\]`); a leading UTF-8 BOM on the message is dropped; `-` (nil) header values are left
 * out. The level is the PRI severity. The scanner is one pass over the structured data.
 */
import { levelFromSyslogSeverity } from './level.js';
import type { FormatParser, ParsedLine } from './parsed-line.js';
import { parseTimestamp } from './timestamp.js';

const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];

const HEADER = /^<(\d{1,3})>1 (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /;

/** Reads structured data starting at `start`; returns the index after it, or -1 when malformed. */
function readStructuredData(line: string, start: number, fields: Record<string, string>): number {
  let i = start;
  if (line[i] === '-') return i + 1;
  while (line[i] === '[') {
    i++;
    const idEnd = scanName(line, i);
    if (idEnd === i) return -1;
    const id = line.slice(i, idEnd);
    i = idEnd;
    while (line[i] === ' ') {
      i++;
      const nameEnd = scanName(line, i);
      if (nameEnd === i || line[nameEnd] !== '=' || line[nameEnd + 1] !== '"') return -1;
      const name = line.slice(i, nameEnd);
      i = nameEnd + 2;
      let value = '';
      let segment = i;
      for (;;) {
        if (i >= line.length) return -1;
        const c = line.charCodeAt(i);
        if (c === 92 /* \ */) {
          value += line.slice(segment, i);
          const next = line[i + 1];
          value += next === '"' || next === '\\' || next === ']' ? next : `\\${next ?? ''}`;
          i += 2;
          segment = i;
        } else if (c === 34 /* " */) {
          value += line.slice(segment, i);
          i++;
          break;
        } else i++;
      }
      fields[`sd.${id}.${name}`] = value;
    }
    if (line[i] !== ']') return -1;
    i++;
  }
  return i;
}

function scanName(line: string, i: number): number {
  let j = i;
  // SD-NAME: printable US-ASCII except `=`, space, `]`, `"`; at most 32 characters.
  while (j < line.length && j - i < 64) {
    const c = line.charCodeAt(j);
    if (c <= 32 || c >= 127 || c === 61 || c === 93 || c === 34) break;
    j++;
  }
  return j;
}

/** Parses an RFC 5424 line; undefined when the line is not one. */
export const parseSyslog5424: FormatParser = (line, context) => {
  const m = HEADER.exec(line);
  if (m === null) return undefined;
  const pri = Number(m[1]);
  if (pri > 191) return undefined;
  const sd: Record<string, string> = {};
  const sdEnd = readStructuredData(line, m[0].length, sd);
  if (sdEnd < 0) return undefined;
  let message = line.slice(sdEnd).replace(/^ /, '');
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  const severity = pri & 7;
  const result: ParsedLine = { message, fields: { ...sd, facility: FACILITIES[pri >> 3] ?? String(pri >> 3), severity }, format: 'syslog-5424', levelText: String(severity) };
  const level = levelFromSyslogSeverity(severity);
  if (level !== undefined) result.level = level;
  const [, , time, host, app, procId, msgId] = m;
  if (time !== undefined && time !== '-') {
    result.timestampText = time;
    const ms = parseTimestamp(time, context);
    if (ms !== undefined) result.timestampMs = ms;
  }
  if (host !== undefined && host !== '-') result.host = host;
  if (app !== undefined && app !== '-') {
    result.service = app;
    result.fields.program = app;
  }
  if (procId !== undefined && procId !== '-') result.fields.pid = /^\d+$/.test(procId) ? Number(procId) : procId;
  if (msgId !== undefined && msgId !== '-') result.fields.msgid = msgId;
  return result;
};
