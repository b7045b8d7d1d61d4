/**
 * Parses ZooKeeper logs (log4j `%d{ISO8601} - %-5p [%t:%C{1}@%L] - %m`) as in the loghub sample:
 * `2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200`.
 *
 * The bracket holds `thread:Class@line` and the thread itself may contain brackets and
 * colons, so the bracket ends at the first `] - `, and the location is the text after its
 * last colon. The time has no zone: it is read in the source's configured zone, else UTC.
 */
import { normalizeLevel } from '../level.js';
import type { FieldValue, FormatParser, ParsedLine } from '../parsed-line.js';
import { wallTimeToUtc } from '../timestamp.js';

const HEAD = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) - ([A-Z]+) *\[/;

/** Parses a ZooKeeper log line; undefined when it is not one. */
export const parseZookeeper: FormatParser = (line, context) => {
  const m = HEAD.exec(line);
  if (m === null) return undefined;
  const close = line.indexOf('] - ', m[0].length);
  if (close < 0) return undefined;
  const level = normalizeLevel(m[8]);
  const timestampMs = wallTimeToUtc(
    { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: Number(m[7]) },
    undefined, context.timeZone,
  );
  if (level === undefined || timestampMs === undefined) return undefined;
  const inside = line.slice(m[0].length, close);
  const fields: Record<string, FieldValue> = {};
  const colon = inside.lastIndexOf(':');
  const location = colon < 0 ? inside : inside.slice(colon + 1);
  const at = location.lastIndexOf('@');
  fields.thread = colon < 0 ? '' : inside.slice(0, colon);
  fields.component = at < 0 ? location : location.slice(0, at);
  if (at >= 0 && /^\d+$/.test(location.slice(at + 1))) fields.line = Number(location.slice(at + 1));
  const result: ParsedLine = {
    timestampMs,
    timestampText: line.slice(0, 23),
    level,
    levelText: m[8] ?? '',
    message: line.slice(close + 4),
    fields,
    format: 'zookeeper',
  };
  return result;
};
