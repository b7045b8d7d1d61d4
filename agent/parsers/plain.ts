/**
 * The fallback for lines no known format claims: keeps the whole line as the message and
 * still picks up what is cheap and unambiguous.
 *
 * - Timestamp: an ISO 8601 date-time at the start of the line, optionally in `[...]`
 *   (`2026-12-01T10:22:54.123Z`, `2026-12-01 10:22:54,123`, `[2026-12-01 10:22:54]`), read
 *   by `timestamp.ts` (configured zone, else UTC, when the text has no offset).
 * - Level: within the first 256 characters, an upper-case level word standing alone
 *   (`ERROR`, `WARN`, `WARNING`, `INFO`, `DEBUG`, `TRACE`, `FATAL`, `CRITICAL`, `SEVERE`,
 *   `NOTICE`, `ERR`, `CRIT`, `EMERG`), or a level in any case inside brackets (`[warn]`) or
 *   after `level=`/`level:`. Lower-case words in prose (`no error found`) are not levels.
 * Only a bounded prefix is examined, so a 5 MB line costs the same as a short one.
 */
import { normalizeLevel } from './level.js';
import type { FormatParser, ParseContext, ParsedLine } from './parsed-line.js';
import { parseTimestamp } from './timestamp.js';

const SCAN_LIMIT = 256;
const ISO_PREFIX = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?)\]?(?=[\s\]|]|$)/;
const UPPER_WORD = /(?:^|[\s[(<|])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRIT|CRITICAL|FATAL|SEVERE|EMERG)(?=[\s\]):>|,]|$)/;
const MARKED_WORD = /\[(trace|debug|info|notice|warn|warning|error|err|crit|critical|fatal|alert|emerg|panic|severe)\]|\blevel[=:] ?"?([A-Za-z]{1,12})\b/i;

/** Parses any line: always returns a result with format `plain` (see the file header for what it extracts). */
export function parsePlainLine(line: string, context: ParseContext): ParsedLine {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 13 || line.charCodeAt(end - 1) === 10)) end--;
  const message = end === line.length ? line : line.slice(0, end);
  const result: ParsedLine = { message, fields: {}, format: 'plain' };
  const head = message.length > SCAN_LIMIT ? message.slice(0, SCAN_LIMIT) : message;
  const c0 = head.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 91 /* [ */) {
    const ts = ISO_PREFIX.exec(head);
    if (ts !== null && ts[1] !== undefined) {
      const ms = parseTimestamp(ts[1], context);
      if (ms !== undefined) {
        result.timestampMs = ms;
        result.timestampText = ts[1];
      }
    }
  }
  const upper = UPPER_WORD.exec(head);
  const word = upper?.[1] ?? (() => {
    const marked = MARKED_WORD.exec(head);
    return marked === null ? undefined : (marked[1] ?? marked[2]);
  })();
  if (word !== undefined) {
    const level = normalizeLevel(word);
    if (level !== undefined) {
      result.level = level;
      result.levelText = word;
    }
  }
  return result;
}

/** The plain parser as a FormatParser (it never answers "not this format"). */
export const parsePlain: FormatParser = (line, context) => parsePlainLine(line, context);
