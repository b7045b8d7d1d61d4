/**
 * Parses BSD syslog lines (RFC 3164) as files under /var/log hold them, with or without the
 * `<PRI>` prefix: `<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed`, or
 * `Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster`. The rsyslog high-precision
 * variant with an RFC 3339 timestamp (`2026-12-01T10:22:54.123+01:00 host prog: msg`) is
 * accepted too; without a PRI it must have a tag and a host that is not a level word, since
 * `2026-12-01T10:22:54Z ERROR app: failed` is more likely an application's own log line.
 *
 * The level comes only from `<PRI>` (severity = PRI mod 8); a line without PRI has no
 * level: guessing one from words in the message would mislabel lines such as "error count
 * reset". The year is inferred as `timestamp.ts` describes. The tag is everything up to the
 * first `[` or `:` (at most 64 characters, so `syslogd 1.4.1:` is a tag); a line without a
 * tag keeps the text after the host as the message.
 */
import { levelFromSyslogSeverity, normalizeLevel } from './level.js';
import type { FormatParser, ParsedLine } from './parsed-line.js';
import { fractionToMillis, monthFromAbbrev, parseOffset, wallTimeToUtc, wallTimeWithoutYear } from './timestamp.js';

const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];

const BSD = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\S+) ?/;
const RFC3339 = /^(?:<(\d{1,3})>)?(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}) (\S+) ?/;
const TAG = /^([^\s[:][^[:]{0,63}?)(?:\[([^\]]{1,32})\])?: /;

/** Parses an RFC 3164 line; undefined when the line does not start like one. */
export const parseSyslog3164: FormatParser = (line, context) => {
  let m = BSD.exec(line);
  let pri: string | undefined;
  let timestampMs: number | undefined;
  let host: string | undefined;
  let headerEnd: number;
  let timestampText: string;
  const isoVariant = m === null;
  if (m !== null) {
    const month = monthFromAbbrev(m[2] ?? '');
    if (month === 0) return undefined;
    pri = m[1];
    timestampMs = wallTimeWithoutYear(month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), fractionToMillis(m[7]), context);
    host = m[8];
    headerEnd = m[0].length;
    timestampText = line.slice(pri === undefined ? 0 : pri.length + 2, headerEnd - (host?.length ?? 0) - 1).trimEnd();
  } else {
    m = RFC3339.exec(line);
    if (m === null) return undefined;
    pri = m[1];
    timestampMs = wallTimeToUtc(
      { year: Number(m[2]), month: Number(m[3]), day: Number(m[4]), hour: Number(m[5]), minute: Number(m[6]), second: Number(m[7]), millis: fractionToMillis(m[8]) },
      parseOffset(m[9]),
    );
    host = m[10];
    headerEnd = m[0].length;
    timestampText = line.slice(pri === undefined ? 0 : pri.length + 2, headerEnd - (host?.length ?? 0) - 1).trimEnd();
  }
  if (timestampMs === undefined) return undefined;
  const rest = line.slice(headerEnd);
  const tag = TAG.exec(rest);
  // Without PRI, an ISO time followed by a word is just as likely an application log
  // (`2026-12-01T10:22:54Z ERROR ...`): claim it only with a tag and a host that is not a level.
  if (pri === undefined && isoVariant && (tag === null || normalizeLevel(host) !== undefined)) return undefined;
  const result: ParsedLine = { timestampMs, timestampText, message: rest, fields: {}, format: 'syslog-3164' };
  if (host !== undefined) result.host = host;
  if (pri !== undefined) {
    const value = Number(pri);
    if (value > 191) return undefined;
    const severity = value & 7;
    result.levelText = String(severity);
    const level = levelFromSyslogSeverity(severity);
    if (level !== undefined) result.level = level;
    result.fields.facility = FACILITIES[value >> 3] ?? String(value >> 3);
    result.fields.severity = severity;
  }
  if (tag !== null && tag[1] !== undefined) {
    result.service = tag[1];
    result.fields.program = tag[1];
    if (tag[2] !== undefined) result.fields.pid = /^\d+$/.test(tag[2]) ? Number(tag[2]) : tag[2];
    result.message = rest.slice(tag[0].length);
  }
  return result;
};
