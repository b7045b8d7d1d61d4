/**
 * Message patterns: the message with its variable parts masked, so that lines logged by the
 * same statement share one pattern and one `patternId`.
 *
 * The message is cut into tokens at white space and at `, ; ( ) [ ] { } < > = | "` and `'`.
 * A token without a digit (and without `@`) is kept as written: most words of a log line are
 * constant, and this check is the fast path. A token with a digit is classified, first match wins:
 * - e-mail address → `<email>`;
 * - IPv4 address, optionally with `:port` or `/prefix` → `<ip>`; IPv6 address → `<ip>`;
 * - number (also `3.14e-2`), or digits with `. : - _ , +` between them (dates, times, versions) →
 *   `<num>`; a number with a short unit (`12ms`, `1.5GB`, `99%`, `2nd`) → `<num>` plus the unit;
 * - UUID → `<uuid>`; `0x` hex or a hex string of at least 8 characters → `<hex>`;
 * - a path (`/`) or a dotted or colon-separated name: each part is classified on its own, so
 *   `/data/part-00590` → `/data/part-<*>` and `host12.example.com` → `host<*>.example.com`;
 * - any other id: its letters before the first digit are kept and the rest is `<*>`
 *   (`blk_-1608999687919862906` → `blk_<*>`, `user42` → `user<*>`).
 * Quoted values (`"..."`, and `'...'` when the quote is not an apostrophe inside a word) become
 * `"<*>"` / `'<*>'`. A run of equal masks separated only by spaces, commas or semicolons is one
 * mask (`blk_1 blk_2 blk_3` → `blk_<*>`, `1, 2, 3` → `<num>`). Runs of white space become one
 * space, so column padding does not split a pattern. Only the first line of a multiline message counts (a stack trace's depth must not
 * split the pattern of the statement that logged it); the pattern stops at a token boundary once it
 * reaches `maxLength` characters (then ends with ` <…>`), and at most 8 × maxLength characters are read.
 *
 * patternId = the first 16 hex digits of SHA-256 of the pattern's UTF-8 bytes, so any other
 * component (or language) can recompute it. Ids are cached per pattern (bounded), because a few
 * hundred patterns make up nearly all lines of a service.
 */
import { createHash } from 'node:crypto';

/** Default most characters of the message's first line that make the pattern. */
export const DEFAULT_PATTERN_MAX_LENGTH = 1024;

/** How many characters of the first line are read at most, in multiples of maxLength. */
const SCAN_FACTOR = 8;

/** Marker appended to a pattern whose message was longer than the limit. */
export const PATTERN_CUT_MARKER = '<…>';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?::\d{1,5}|\/\d{1,2})?$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const IPV4_TAIL = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}$/;
const SCIENTIFIC = /^[-+]?\d+(?:\.\d+)?[eE][-+]?\d+$/;
const NUMBER_UNIT = /^[-+]?\d+(?:\.\d+)?([A-Za-zµ%]{1,5})$/;
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const HEX_PREFIXED = /^0[xX][0-9A-Fa-f]+$/;

// Delimiters: white space and control characters (< 33), and the punctuation listed in the header.
const LIST_SEPARATOR = /^[ \t,;]*$/;
const DELIMITER = new Uint8Array(128);
for (let c = 0; c < 33; c++) DELIMITER[c] = 1;
for (const ch of ',;()[]{}<>=|"\'') DELIMITER[ch.charCodeAt(0)] = 1;
DELIMITER[127] = 1;

function isDelimiter(c: number): boolean {
  return c < 128 && DELIMITER[c] === 1;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

// Character classes of a token, gathered in one pass; the regular expressions above run
// only when the counts say the token has the right shape (a regex call costs more than the scan).
const enum Cls {
  Digit = 1,
  HexLetter = 2,
  Letter = 4,
  Dot = 8,
  Colon = 16,
  Slash = 32,
  Sep = 64,
  Other = 128,
}

function classOf(c: number): number {
  if (c >= 48 && c <= 57) return Cls.Digit;
  if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) return Cls.HexLetter;
  if ((c >= 103 && c <= 122) || (c >= 71 && c <= 90)) return Cls.Letter;
  if (c === 46) return Cls.Dot;
  if (c === 58) return Cls.Colon;
  if (c === 47) return Cls.Slash;
  if (c === 45 || c === 95 || c === 43 || c === 44) return Cls.Sep;
  return Cls.Other;
}

/** The masked form of one token that contains a digit or `@` (see the file header for the rules). */
export function maskToken(token: string): string {
  const n = token.length;
  if (n === 0) return token;
  let classes = 0;
  let firstDigit = -1;
  let dots = 0;
  let colons = 0;
  for (let i = 0; i < n; i++) {
    const k = classOf(token.charCodeAt(i));
    classes |= k;
    if (k === Cls.Digit && firstDigit < 0) firstDigit = i;
    else if (k === Cls.Dot) dots++;
    else if (k === Cls.Colon) colons++;
  }
  if ((classes & Cls.Other) !== 0 && token.indexOf('@') > 0 && EMAIL.test(token)) return '<email>';
  if (firstDigit < 0) return token;
  const c0 = token.charCodeAt(0);
  const startsNumeric = firstDigit === 0 || (firstDigit === 1 && (c0 === 45 || c0 === 43));
  if (startsNumeric && (classes & (Cls.HexLetter | Cls.Letter | Cls.Slash | Cls.Other)) === 0) {
    // Digits and separators only: an address, else a number, date, time or version.
    if (dots === 3 && colons <= 1 && IPV4.test(token)) return '<ip>';
    return '<num>';
  }
  if (startsNumeric && dots <= 1 && colons === 0 && (classes & Cls.Slash) === 0) {
    if (SCIENTIFIC.test(token)) return '<num>';
    const unit = NUMBER_UNIT.exec(token);
    if (unit !== null) return `<num>${unit[1] ?? ''}`;
  }
  if (dots === 3 && (classes & Cls.Slash) !== 0 && IPV4.test(token)) return '<ip>';
  if ((classes & (Cls.Letter | Cls.Other | Cls.Slash | Cls.Dot | Cls.Colon)) === 0) {
    // Hex digits and `-`/`_` only.
    if (n === 36 && UUID.test(token)) return '<uuid>';
    if (n >= 8 && (classes & Cls.Sep) === 0) return '<hex>';
  }
  if (c0 === 48 && n > 2 && (token.charCodeAt(1) | 32) === 120 && HEX_PREFIXED.test(token)) return '<hex>';
  if (colons >= 2 && (classes & (Cls.Slash | Cls.Sep)) === 0 && isIpv6(token)) return '<ip>';
  if ((classes & Cls.Slash) !== 0) return splitMask(token, '/');
  if (colons > 0) return splitMask(token, ':');
  if (dots > 0) return splitMask(token, '.');
  if (firstDigit === 0) return '<*>';
  // A sign before the number belongs to it: `blk_-123` keeps `blk_`.
  let prefixEnd = firstDigit;
  const before = token.charCodeAt(prefixEnd - 1);
  if ((before === 45 || before === 43) && prefixEnd >= 2 && token.charCodeAt(prefixEnd - 2) === 95) prefixEnd--;
  return `${token.slice(0, prefixEnd)}<*>`;
}

/**
 * True for an IPv6 address: eight hex groups, or fewer with one `::`, the last two groups
 * optionally written as dotted IPv4, optionally with a zone (`%eth0`).
 */
export function isIpv6(token: string): boolean {
  if (token.length < 2 || token.length > 60) return false;
  const zone = token.indexOf('%');
  const address = zone < 0 ? token : token.slice(0, zone);
  if (zone >= 0 && !/^%[A-Za-z0-9._-]{1,16}$/.test(token.slice(zone))) return false;
  const compressed = address.indexOf('::');
  if (compressed >= 0 && address.indexOf('::', compressed + 1) >= 0) return false;
  const groups = address.split(':');
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] ?? '';
    if (group === '') {
      // Empty groups only come from `::` (at the start, the end, or in the middle).
      if (compressed < 0) return false;
      continue;
    }
    if (i === groups.length - 1 && group.includes('.')) {
      if (!IPV4_TAIL.test(group)) return false;
      count += 2;
    } else if (HEX_GROUP.test(group)) count++;
    else return false;
  }
  return compressed >= 0 ? count <= 7 : count === 8;
}

function splitMask(token: string, separator: string): string {
  const parts = token.split(separator);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (hasDigitOrAt(part)) parts[i] = maskToken(part);
  }
  return parts.join(separator);
}

function hasDigitOrAt(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 64) return true;
  }
  return false;
}

/** Index just past the closing quote of a quoted value opened at `open`, or -1 when it is not one. */
function quotedEnd(text: string, open: number, end: number, quote: number): number {
  // A quoted value stays on one line and is bounded, so an unmatched quote costs at most 256 steps.
  const limit = Math.min(end, open + 258);
  for (let i = open + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) {
      if (quote === 39 && i + 1 < end && isWordChar(text.charCodeAt(i + 1))) return -1;
      return i + 1;
    }
    if (c === 10 || c === 13) return -1;
  }
  return -1;
}

/** The pattern of a message: its first line, cut at `maxLength` characters, with variable parts masked. */
export function messagePattern(message: string, maxLength = DEFAULT_PATTERN_MAX_LENGTH): string {
  let lineEnd = message.indexOf('\n');
  if (lineEnd < 0) lineEnd = message.length;
  // Masks shorten the text (lists collapse), so more than maxLength characters are read, but a
  // bounded number: a 5 MB line costs what an 8 KiB one does.
  const end = Math.min(lineEnd, maxLength * SCAN_FACTOR);
  // Unchanged stretches are copied in one slice: most of a line is constant text.
  let out = '';
  let from = 0;
  let i = 0;
  let previousMask = '';
  let previousEnd = -1;
  let outAfterPrevious = 0;
  while (i < end) {
    const c = message.charCodeAt(i);
    if (c <= 32 || c === 127) {
      let j = i + 1;
      while (j < end && (message.charCodeAt(j) <= 32 || message.charCodeAt(j) === 127)) j++;
      if (i === 0 || j === end) {
        // Leading and trailing white space is dropped.
        out += message.slice(from, i);
        from = j;
      } else if (j - i > 1 || c !== 32) {
        out += `${message.slice(from, i)} `;
        from = j;
      }
      i = j;
      continue;
    }
    if (c === 34 || (c === 39 && (i === 0 || !isWordChar(message.charCodeAt(i - 1))))) {
      const close = quotedEnd(message, i, end, c);
      if (close > 0) {
        out += message.slice(from, i) + (c === 34 ? '"<*>"' : "'<*>'");
        i = close;
        from = i;
        continue;
      }
    }
    if (isDelimiter(c)) {
      i++;
      continue;
    }
    const start = i;
    let special = false;
    while (i < end) {
      const d = message.charCodeAt(i);
      if (d < 128 && DELIMITER[d] === 1) break;
      if ((d >= 48 && d <= 57) || d === 64) special = true;
      i++;
    }
    if (special) {
      const token = message.slice(start, i);
      const masked = maskToken(token);
      if (masked !== token) {
        if (masked === previousMask && start - previousEnd <= 4 && LIST_SEPARATOR.test(message.slice(previousEnd, start))) {
          // A list of the same kind of value (`blk_1 blk_2 blk_3`, `1, 2, 3`) is one value: its length must not split the pattern.
          out = out.slice(0, outAfterPrevious);
        } else {
          out += message.slice(from, start) + masked;
          previousMask = masked;
          outAfterPrevious = out.length;
        }
        previousEnd = i;
        from = i;
      }
    }
    // Cut at a token boundary once the pattern is long enough.
    if (out.length + (i - from) >= maxLength) break;
  }
  out += message.slice(from, i);
  // Only a single monstrous token can overshoot; hard cap it.
  if (out.length > maxLength) out = out.slice(0, maxLength);
  if (i < lineEnd) out += out.length > 0 ? ` ${PATTERN_CUT_MARKER}` : PATTERN_CUT_MARKER;
  return out;
}

const ID_CACHE_LIMIT = 10_000;
const idCache = new Map<string, string>();

/** 16 hex digits of SHA-256 of `pattern` (UTF-8): the stable id of a pattern. */
export function patternIdOf(pattern: string): string {
  const cached = idCache.get(pattern);
  if (cached !== undefined) return cached;
  const id = createHash('sha256').update(pattern, 'utf8').digest('hex').slice(0, 16);
  // Clearing at the bound keeps memory fixed; the ids are recomputed identically afterwards.
  if (idCache.size >= ID_CACHE_LIMIT) idCache.clear();
  if (pattern.length <= 2048) idCache.set(pattern, id);
  return id;
}
