/**
 * Parses Apache Spark logs (log4j `%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m`) as in the loghub sample:
 * `17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers`.
 *
 * Assumptions: the date is yy/MM/dd with year 20yy; the time has no zone, so it is read in
 * the source's configured zone, else UTC. The logger (component) becomes a field.
 */
import { normalizeLevel } from '../level.js';
import type { FormatParser, ParsedLine } from '../parsed-line.js';
import { wallTimeToUtc } from '../timestamp.js';

const LINE = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]+) ([^\s:]+): ?/;

/** Parses a Spark log line; undefined when it is not one. */
export const parseSpark: FormatParser = (line, context) => {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  const level = normalizeLevel(m[7]);
  const timestampMs = wallTimeToUtc(
    { year: 2000 + Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: 0 },
    undefined, context.timeZone,
  );
  if (level === undefined || timestampMs === undefined) return undefined;
  const result: ParsedLine = {
    timestampMs,
    timestampText: line.slice(0, 17),
    level,
    levelText: m[7] ?? '',
    message: line.slice(m[0].length),
    fields: { component: m[8] ?? '' },
    format: 'spark',
  };
  return result;
};
