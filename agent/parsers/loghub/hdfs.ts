/**
 * Parses HDFS (Hadoop 0.x DataNode/NameNode) logs as in the loghub sample:
 * `081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating`
 * (`yyMMdd HHmmss pid LEVEL component: message`).
 *
 * Assumptions: the two-digit year is 20yy; the time has no zone, so it is read in the
 * source's configured zone, else UTC. pid and component become fields.
 */
import { normalizeLevel } from '../level.js';
import type { FormatParser, ParsedLine } from '../parsed-line.js';
import { wallTimeToUtc } from '../timestamp.js';

const LINE = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2}) (\d+) ([A-Z]+) ([^\s:]+): ?/;

/** Parses an HDFS log line; undefined when it is not one. */
export const parseHdfs: FormatParser = (line, context) => {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  const level = normalizeLevel(m[8]);
  const timestampMs = wallTimeToUtc(
    { year: 2000 + Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: 0 },
    undefined, context.timeZone,
  );
  if (level === undefined || timestampMs === undefined) return undefined;
  const result: ParsedLine = {
    timestampMs,
    timestampText: line.slice(0, 13),
    level,
    levelText: m[8] ?? '',
    message: line.slice(m[0].length),
    fields: { pid: Number(m[7]), component: m[9] ?? '' },
    format: 'hdfs',
  };
  return result;
};
