/**
 * The event time of a raw event in UTC milliseconds, and where it came from.
 *
 * Sources, first usable wins: the agent's `eventTimestampMs`; the agent's `timestampText`
 * re-read by `agent/parsers/timestamp.ts`; a structured field (`@timestamp`, `timestamp`,
 * `ts`, `time`, `@t`, `datetime`, `eventTime`); a glog header. Text is read with the assumptions
 * of timestamp.ts (TIMESTAMP_ASSUMPTIONS: missing year chosen relative to the observed time,
 * missing zone = the configured zone, else UTC). A time is believed only inside
 * [minTimestampMs, observed + maxFutureSkewMs]: a clock years ahead or a mangled number must not
 * put an event outside every window. Otherwise the observed time is used (OBSERVED).
 */
import { parseTimestamp } from '../../agent/parsers/timestamp.js';
import type { RawLogEvent } from '../../agent/raw-event.js';
import type { GlogHeader } from './glog-prefix.js';
import { ownString } from './own-fields.js';

/** Structured keys read for an event time, in priority order. */
export const TIME_FIELD_KEYS: readonly string[] = ['@timestamp', 'timestamp', 'ts', 'time', '@t', 'datetime', 'eventTime'];

/** Bounds and zone for reading event times. */
export interface EventTimeOptions {
  /** IANA zone for times written without an offset; UTC when undefined. */
  timeZone?: string | undefined;
  /** Earliest believed event time (UTC ms). */
  minTimestampMs: number;
  /** How far after the observed time an event time may lie. */
  maxFutureSkewMs: number;
}

/** The resolved time, its source, and the parsed-field key consumed (to drop it from `fields`). */
export interface ResolvedEventTime {
  timestampMs: number;
  timestampSource: 'LINE' | 'OBSERVED';
  sourceKey: string | null;
}

function believable(ms: number | null | undefined, observedMs: number, options: EventTimeOptions): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= options.minTimestampMs && ms <= observedMs + options.maxFutureSkewMs;
}

/** Resolves the event time of `raw` (see the file header); `observedMs` must be a valid time. */
export function resolveEventTime(
  raw: Pick<RawLogEvent, 'eventTimestampMs' | 'parsedFields'>, observedMs: number, glog: GlogHeader | undefined, options: EventTimeOptions,
): ResolvedEventTime {
  if (believable(raw.eventTimestampMs, observedMs, options)) return { timestampMs: Math.trunc(raw.eventTimestampMs), timestampSource: 'LINE', sourceKey: 'timestampText' };
  const context = options.timeZone === undefined ? { now: observedMs } : { now: observedMs, timeZone: options.timeZone };
  // The agent already read timestampText when it set eventTimestampMs; re-reading helps events it could not date.
  if (raw.eventTimestampMs === null || raw.eventTimestampMs === undefined) {
    for (const key of ['timestampText', ...TIME_FIELD_KEYS]) {
      const text = ownString(raw.parsedFields, key);
      if (text === undefined) continue;
      const ms = parseTimestamp(text, context);
      if (believable(ms, observedMs, options)) return { timestampMs: Math.trunc(ms), timestampSource: 'LINE', sourceKey: key };
    }
    if (glog !== undefined && believable(glog.timestampMs, observedMs, options)) return { timestampMs: Math.trunc(glog.timestampMs), timestampSource: 'LINE', sourceKey: null };
  }
  return { timestampMs: observedMs, timestampSource: 'OBSERVED', sourceKey: null };
}
