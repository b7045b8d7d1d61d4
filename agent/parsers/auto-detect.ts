/**
 * Recognises the format of each line without configuration, cheaply.
 *
 * Order and prefilters (by the first characters, so a line meets one to three anchored
 * patterns, not all of them):
 * - `{` → JSON;
 * - `<` → syslog RFC 5424 (`<PRI>1 `), then RFC 3164;
 * - `[` → Apache error log (`[Sun Dec 04 ...]`);
 * - first of all, a CRI prefix (`<RFC 3339> stdout|stderr P|F `) → the container runtime
 *   format, whose message is auto-detected again (by an inner detector without CRI);
 * - `dddd-dd-dd` → ZooKeeper, Hadoop, then RFC 3164 with an RFC 3339 time (rsyslog);
 *   `dddd/dd/dd` → nginx error log; `dd/dd/dd ` → Spark; `dddddd dddddd ` → HDFS;
 * - a month name then a space (`Dec  1 ...`) → RFC 3164 syslog (no PRI), which covers the
 *   OpenSSH and Linux loghub samples;
 * - anything else starting with a character an address or host name can start with →
 *   access log (combined/common), then strict logfmt;
 * - nothing matched → `plain` (the whole line is the message; an ISO time at the start and
 *   a level word are still extracted).
 * Per source, the parser that last succeeded is tried first (sticky), since a file rarely
 * mixes formats; a miss falls back to the full order. Lines longer than `maxParseLength`
 * (default 64 KiB) skip the structured parsers and get the plain parse, which looks only at
 * a bounded prefix; this bounds the cost of hostile input.
 */
import { parseAccessLine } from './access-log.js';
import { parseApacheError } from './apache-error.js';
import { createCriParser, splitCriLine } from './cri.js';
import { parseJson } from './json.js';
import { parseLogfmtStrict } from './logfmt.js';
import { parseHadoop } from './loghub/hadoop.js';
import { parseHdfs } from './loghub/hdfs.js';
import { parseSpark } from './loghub/spark.js';
import { parseZookeeper } from './loghub/zookeeper.js';
import { parseNginxError } from './nginx-error.js';
import type { FormatParser, ParseContext, ParsedLine } from './parsed-line.js';
import { parsePlainLine } from './plain.js';
import { parseSyslog3164 } from './syslog-3164.js';
import { parseSyslog5424 } from './syslog-5424.js';

/** Default length above which auto-detection gives a line the plain parse only. */
export const DEFAULT_MAX_PARSE_LENGTH = 64 * 1024;

/** The access-log reader as auto-detect uses it: a bare trailing decimal is seconds, an integer is kept unitless. */
export const parseAccessAuto: FormatParser = (line, context) => parseAccessLine(line, context, 'access-log', 'auto');

const JSON_ONLY: readonly FormatParser[] = [parseJson];
const ANGLE: readonly FormatParser[] = [parseSyslog5424, parseSyslog3164];
const BRACKET: readonly FormatParser[] = [parseApacheError];
const ISO_DATE: readonly FormatParser[] = [parseZookeeper, parseHadoop, parseSyslog3164];
const SLASH_DATE: readonly FormatParser[] = [parseNginxError];
const SHORT_DATE: readonly FormatParser[] = [parseSpark];
const COMPACT_DATE: readonly FormatParser[] = [parseHdfs];
const SYSLOG: readonly FormatParser[] = [parseSyslog3164];
const OTHER: readonly FormatParser[] = [parseAccessAuto, parseLogfmtStrict];
const NONE: readonly FormatParser[] = [];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isMonthStart(line: string): boolean {
  // `Dec  1` or `Dec 10`: an upper-case letter, two lower-case letters, a space, a digit or space.
  const c0 = line.charCodeAt(0);
  const c1 = line.charCodeAt(1);
  const c2 = line.charCodeAt(2);
  return c0 >= 65 && c0 <= 90 && c1 >= 97 && c1 <= 122 && c2 >= 97 && c2 <= 122 && line.charCodeAt(3) === 32 && (line.charCodeAt(4) === 32 || isDigit(line.charCodeAt(4)));
}

/** Candidate parsers for a line, chosen from its first characters (see the file header). */
export function candidatesFor(line: string): readonly FormatParser[] {
  const c0 = line.charCodeAt(0);
  if (c0 === 123 /* { */) return JSON_ONLY;
  if (c0 === 60 /* < */) return ANGLE;
  if (c0 === 91 /* [ */) return BRACKET;
  if (isDigit(c0)) {
    const c2 = line.charCodeAt(2);
    const c4 = line.charCodeAt(4);
    if (c4 === 45 /* - */ && isDigit(line.charCodeAt(3))) return ISO_DATE;
    if (c4 === 47 /* / */ && isDigit(line.charCodeAt(3))) return SLASH_DATE;
    if (c2 === 47 /* / */ && line.charCodeAt(5) === 47 && line.charCodeAt(8) === 32) return SHORT_DATE;
    if (line.charCodeAt(6) === 32 && line.charCodeAt(13) === 32 && isDigit(line.charCodeAt(5)) && isDigit(line.charCodeAt(12))) return COMPACT_DATE;
    return OTHER;
  }
  if (isMonthStart(line)) return SYSLOG;
  if ((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 58 /* : IPv6 */ || c0 === 95 /* _ */ || c0 === 45 /* - */) return OTHER;
  return NONE;
}

/** Options of an auto-detector. */
export interface AutoDetectorOptions {
  /** Try the last successful parser first (default true). */
  sticky?: boolean;
  /** Lines longer than this get the plain parse only (default DEFAULT_MAX_PARSE_LENGTH). */
  maxParseLength?: number;
  /** Recognise container runtime (CRI) lines (default true; false for the detector of their messages). */
  cri?: boolean;
}

/** A per-source auto-detector: `parse` always returns a result, `plain` when no format matched. */
export interface AutoDetector {
  /** Parses one line (without its line terminator; a trailing CR is ignored). */
  parse(line: string, context?: ParseContext): ParsedLine;
  /** Format name of the last structured parse, or undefined before the first one. */
  readonly lastFormat: string | undefined;
}

/** Creates an auto-detector; make one per source so that stickiness follows each file's format. */
export function createAutoDetector({ sticky = true, maxParseLength = DEFAULT_MAX_PARSE_LENGTH, cri = true }: AutoDetectorOptions = {}): AutoDetector {
  let last: FormatParser | undefined;
  let lastFormat: string | undefined;
  let parseCri: FormatParser | undefined;
  if (cri) {
    const inner = createAutoDetector({ sticky, maxParseLength, cri: false });
    parseCri = createCriParser((message, context) => inner.parse(message, context));
  }
  const tryParser = (parser: FormatParser, line: string, context: ParseContext): ParsedLine | undefined => {
    const hit = parser(line, context);
    if (hit !== undefined) {
      if (sticky) last = parser;
      lastFormat = hit.format;
    }
    return hit;
  };
  return {
    get lastFormat() {
      return lastFormat;
    },
    parse(rawLine: string, context: ParseContext = {}): ParsedLine {
      const line = rawLine.charCodeAt(rawLine.length - 1) === 13 ? rawLine.slice(0, -1) : rawLine;
      // CRI before everything, the sticky parser and the length cap included: rsyslog's RFC 3164
      // would take `stdout` for a host, and a joined CRI line is often longer than the cap (its
      // message still meets the cap in the inner detector). The check fails at the 5th character.
      if (parseCri !== undefined && splitCriLine(line) !== undefined) return tryParser(parseCri, line, context) ?? parsePlainLine(line, context);
      if (line.length > maxParseLength) return parsePlainLine(line, context);
      if (last !== undefined && last !== parseCri) {
        const hit = last(line, context);
        if (hit !== undefined) return hit;
      }
      for (const parser of candidatesFor(line)) {
        if (parser === last) continue;
        const hit = tryParser(parser, line, context);
        if (hit !== undefined) return hit;
      }
      return parsePlainLine(line, context);
    },
  };
}
