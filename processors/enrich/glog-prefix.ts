/**
 * The glog / klog line header (`I1201 10:22:54.123456  1234 server.go:42] message`), which
 * Go programs (Kubernetes components among them) write and no agent format claims: its first
 * letter is the level (I, W, E, F) and the rest a month-day time without a year.
 */
import { fractionToMillis, wallTimeWithoutYear } from '../../agent/parsers/timestamp.js';

const GLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? +\d+ [^\]\s]{1,256}\] ?/;

/** What a glog header says. */
export interface GlogHeader {
  /** The level letter as written. */
  letter: string;
  /** Event time in UTC ms (year by the missing-year rule of timestamp.ts), undefined for an impossible date. */
  timestampMs: number | undefined;
  /** The header text, for display. */
  timestampText: string;
}

/** Reads the glog header at the start of `message`; undefined when there is none. */
export function readGlogHeader(message: string, now: number, timeZone: string | undefined): GlogHeader | undefined {
  const c0 = message.charCodeAt(0);
  // I, W, E, F: the first-character test keeps the regex off nearly every other line.
  if (c0 !== 73 && c0 !== 87 && c0 !== 69 && c0 !== 70) return undefined;
  const m = GLOG.exec(message.length > 512 ? message.slice(0, 512) : message);
  if (m === null) return undefined;
  const fraction = m[7] ?? '';
  const millis = fractionToMillis(fraction);
  const timestampMs = wallTimeWithoutYear(Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), millis, timeZone === undefined ? { now } : { now, timeZone });
  return { letter: m[1] ?? '', timestampMs, timestampText: `${m[2]}${m[3]} ${m[4]}:${m[5]}:${m[6]}${fraction === '' ? '' : `.${fraction}`}` };
}
