/**
 * Parses Hadoop MapReduce/YARN logs (log4j `%d{ISO8601} %p [%t] %c: %m`) as in the loghub sample:
 * `2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster`.
 *
 * The time has no zone: it is read in the source's configured zone, else UTC. Thread and
 * logger (component) become fields; the thread may contain spaces (`IPC Server handler 0 on 62270`).
 */
import { normalizeLevel } from '../level.js';
import type { FormatParser, ParsedLine } from '../parsed-line.js';
import { wallTimeToUtc } from '../timestamp.js';

const LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) ([A-Z]+) {1,2}\[([^\]]{0,256})\] ([^\s:]+): ?/;

/** Parses a Hadoop log line; undefined when it is not one. */
export const parseHadoop: FormatParser = (line, context) => {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  const level = normalizeLevel(m[8]);
  const timestampMs = wallTimeToUtc(
    { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: Number(m[7]) },
    undefined, context.timeZone,
  );
  if (level === undefined || timestampMs === undefined) return undefined;
  const result: ParsedLine = {
    timestampMs,
    timestampText: line.slice(0, 23),
    level,
    levelText: m[8] ?? '',
    message: line.slice(m[0].length),
    fields: { thread: m[9] ?? '', component: m[10] ?? '' },
    format: 'hadoop',
  };
  return result;
};
