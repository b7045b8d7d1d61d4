/**
 * Turns the timestamp forms found in logs into UTC milliseconds.
 *
 * Assumptions (also exported as `TIMESTAMP_ASSUMPTIONS` so `sawmill parse --help` and the
 * docs can print them):
 * - Missing year (syslog `Dec  1 10:22:54`, glog): taken from the reference "now" (the time
 *   the agent observed the line): the latest year that puts the timestamp no more than one
 *   day after now. So December lines read in January belong to last year, and a
 *   `Jan  1 00:00:05` line read at 23:59 on Dec 31 (a clock slightly ahead) to next year.
 *   A Feb 29 without a year goes to the latest leap year satisfying the same rule.
 * - Two-digit year (HDFS `081109`, Spark `17/06/09`): 2000 + yy.
 * - Missing zone: UTC, unless the source config names an IANA zone, in which case the wall
 *   time is read in that zone (DST-aware via `Intl`; a wall time inside a DST gap or
 *   overlap resolves to the offset in force just before the change).
 * - Fractions beyond milliseconds are truncated, not rounded. A leap second (`:60`) reads as `:59.999`.
 * - Bare epoch numbers: below 1e11 seconds, below 1e14 milliseconds, below 1e17
 *   microseconds, else nanoseconds.
 */
import { ConfigError } from '../../lib/errors.js';
import type { ParseContext } from './parsed-line.js';

/** The year and zone assumptions this module applies, in prose, for help texts and docs. */
export const TIMESTAMP_ASSUMPTIONS =
  'Missing year: the latest year that puts the timestamp at most one day after the time the line was observed ' +
  '(December lines read in January belong to last year). Two-digit years are 20yy. Missing zone: UTC unless the ' +
  'source sets `timezone` (IANA name). Fractions beyond milliseconds are truncated. Bare epoch numbers: <1e11 seconds, ' +
  '<1e14 milliseconds, <1e17 microseconds, else nanoseconds.';

const DAY_MS = 86_400_000;

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** Month number 1..12 for a three-letter English abbreviation (`Dec`, `DEC`, `dec`), else 0. */
export function monthFromAbbrev(abbrev: string): number {
  return MONTHS[abbrev] ?? 0;
}

/** Milliseconds from a fraction-of-second digit string (`1`, `123`, `123456789`), truncated. */
export function fractionToMillis(fraction: string | undefined): number {
  if (fraction === undefined || fraction.length === 0) return 0;
  if (fraction.length >= 3) return Number(fraction.slice(0, 3));
  return Number(fraction) * (fraction.length === 1 ? 100 : 10);
}

/** A calendar date and wall-clock time with no zone attached; month is 1..12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validWall(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 &&
    minute >= 0 && minute <= 59 && second >= 0 && second <= 60 && year >= 0 && year <= 9999 &&
    (day <= 28 || day <= daysInMonth(year, month))
  );
}

/** True when `timeZone` is an IANA zone name this runtime knows (`UTC`, `Europe/Paris`, ...). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Throws a ConfigError naming `key` unless `timeZone` is a known IANA zone. */
export function assertTimeZone(timeZone: string, source = 'parser config', key = 'timezone'): void {
  if (!isValidTimeZone(timeZone)) throw new ConfigError(`unknown time zone "${timeZone}" (expected an IANA name such as Europe/Paris)`, source, key);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// Offsets per zone keyed by wall-clock hour: zone changes happen on hour boundaries in
// practice, so one Intl call per zone per hour of log time keeps parsing cheap.
const offsetCache = new Map<string, Map<number, number>>();

function zoneOffsetAt(timeZone: string, utcMs: number): number {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(utcMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** Offset in ms (local minus UTC) that applies to a wall time expressed as if it were UTC. */
function offsetForWall(timeZone: string, wallAsUtc: number): number {
  const hourKey = Math.floor(wallAsUtc / 3_600_000);
  let perZone = offsetCache.get(timeZone);
  if (perZone === undefined) {
    perZone = new Map();
    offsetCache.set(timeZone, perZone);
  }
  const cached = perZone.get(hourKey);
  if (cached !== undefined) return cached;
  const first = zoneOffsetAt(timeZone, wallAsUtc);
  const second = zoneOffsetAt(timeZone, wallAsUtc - first);
  if (perZone.size > 4096) perZone.clear();
  perZone.set(hourKey, second);
  return second;
}

/**
 * UTC ms of a wall time: `offsetMinutes` when the text carried one, else read in `timeZone`
 * (IANA), else UTC. Returns undefined for impossible dates (Feb 30, hour 25, ...).
 */
export function wallTimeToUtc(wall: WallTime, offsetMinutes?: number, timeZone?: string): number | undefined {
  const { year, month, day, hour, minute } = wall;
  let { second, millis } = wall;
  if (!validWall(year, month, day, hour, minute, second)) return undefined;
  if (second === 60) {
    second = 59;
    millis = 999;
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (offsetMinutes !== undefined) return asUtc - offsetMinutes * 60_000;
  if (timeZone === undefined || timeZone === 'UTC' || timeZone === 'Etc/UTC') return asUtc;
  return asUtc - offsetForWall(timeZone, asUtc);
}

/**
 * UTC ms of a wall time written without a year, choosing the year by the rule in the file
 * header (latest year putting it at most one day after `context.now`).
 */
export function wallTimeWithoutYear(
  month: number, day: number, hour: number, minute: number, second: number, millis: number, context: ParseContext, offsetMinutes?: number,
): number | undefined {
  const now = context.now ?? Date.now();
  const limit = now + DAY_MS;
  const nowYear = new Date(now).getUTCFullYear();
  // Nine years back covers a Feb 29 across a century non-leap year (e.g. 2100).
  for (let year = nowYear + 1; year >= nowYear - 8; year--) {
    const ms = wallTimeToUtc({ year, month, day, hour, minute, second, millis }, offsetMinutes, context.timeZone);
    if (ms !== undefined && ms <= limit) return ms;
    if (ms === undefined && !(month === 2 && day === 29)) return undefined;
  }
  return undefined;
}

/**
 * The reference "now" under which the missing-year rule above reads every year-less wall time
 * (in `timeZone`, else UTC) as a date of `year`: one day and one millisecond before `year + 1`
 * starts in that zone. Used by `sawmill parse --year`.
 */
export function referenceNowForYear(year: number, timeZone?: string): number {
  const nextYearStart = wallTimeToUtc({ year: year + 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0 }, undefined, timeZone) ?? Date.UTC(year + 1, 0, 1);
  return nextYearStart - 1 - DAY_MS;
}

/** Offset in minutes from `Z`, `+01:00`, `+0100`, `+01`, `-05:30`; undefined when absent or malformed. */
export function parseOffset(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0) return undefined;
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (m === null) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 18 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/** Converts an epoch number in seconds, ms, µs or ns (chosen by magnitude) to ms. */
export function epochToMs(value: number): number | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  if (value < 1e11) return Math.trunc(value * 1000);
  if (value < 1e14) return Math.trunc(value);
  if (value < 1e17) return Math.trunc(value / 1000);
  return Math.trunc(value / 1e6);
}

// Whole-string forms, each anchored so a miss costs a few character comparisons.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const SLASH_YMD = /^(\d{4})\/(\d{2})\/(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?$/;
const SHORT_YMD = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})$/;
const CLF = /^\[?(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-]\d{4})\]?$/;
const SYSLOG = /^([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const CTIME = /^\[?[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (\d{4})\]?$/;
const EPOCH = /^\d{9,19}(?:\.\d{1,9})?$/;

/**
 * Parses a timestamp written in one of the supported forms (ISO 8601 with or without zone,
 * `2026-12-01 10:22:54,123`, `2026/12/01 10:22:54`, `17/06/09 20:10:40`, `081109 203615`,
 * CLF `01/Dec/2026:10:22:56 +0000`, syslog `Dec  1 10:22:54`, ctime
 * `Sun Dec 04 04:47:44 2005`, epoch numbers) and returns UTC ms, or undefined.
 */
export function parseTimestamp(text: string, context: ParseContext = {}): number | undefined {
  const s = text.length > 64 ? '' : text.trim();
  if (s.length < 6) return undefined;
  const c0 = s.charCodeAt(0);
  let m: RegExpExecArray | null;
  if (c0 >= 48 && c0 <= 57) {
    if ((m = ISO.exec(s)) !== null) {
      return wallTimeToUtc(
        { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0), millis: fractionToMillis(m[7]) },
        parseOffset(m[8]), context.timeZone,
      );
    }
    if (EPOCH.test(s)) return epochToMs(Number(s));
    if ((m = SLASH_YMD.exec(s)) !== null) {
      return wallTimeToUtc({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: fractionToMillis(m[7]) }, undefined, context.timeZone);
    }
    if ((m = SHORT_YMD.exec(s)) !== null) {
      return wallTimeToUtc({ year: 2000 + Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: 0 }, undefined, context.timeZone);
    }
    if ((m = COMPACT.exec(s)) !== null) {
      return wallTimeToUtc({ year: 2000 + Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: 0 }, undefined, context.timeZone);
    }
  }
  if ((m = CLF.exec(s)) !== null) {
    const month = monthFromAbbrev(m[2] ?? '');
    if (month === 0) return undefined;
    return wallTimeToUtc({ year: Number(m[3]), month, day: Number(m[1]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]), millis: fractionToMillis(m[7]) }, parseOffset(m[8]));
  }
  if ((m = SYSLOG.exec(s)) !== null) {
    const month = monthFromAbbrev(m[1] ?? '');
    if (month === 0) return undefined;
    return wallTimeWithoutYear(month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), fractionToMillis(m[6]), context);
  }
  if ((m = CTIME.exec(s)) !== null) {
    const month = monthFromAbbrev(m[1] ?? '');
    if (month === 0) return undefined;
    return wallTimeToUtc({ year: Number(m[7]), month, day: Number(m[2]), hour: Number(m[3]), minute: Number(m[4]), second: Number(m[5]), millis: fractionToMillis(m[6]) }, undefined, context.timeZone);
  }
  return undefined;
}
