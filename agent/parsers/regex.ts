/**
 * Parses lines with a user-supplied regular expression whose named groups become the
 * result: `timestamp`, `level`, `message`, `host`, `service`, `trace_id`, `span_id` are
 * promoted, every other named group becomes a field.
 *
 * Guarding against catastrophic backtracking (JavaScript regexes cannot be interrupted):
 * - at config time, `compileLinePattern` rejects an unboundedly repeated group that itself
 *   contains an unbounded repeat (`(a+)+`, `(\w*\s?)*`, `(?:x|y+){2,}`), the construct behind
 *   exponential backtracking. The check is conservative (it also refuses the harmless
 *   `(?:\s+\w+)*`); rewrite such a pattern with a bounded repeat or a single character
 *   class (`[\w\s]*`). Bounded repeats like `(\d{1,3}\.){3}` are allowed;
 * - at run time, only the first `maxLineLength` characters (default 16 KiB) are matched,
 *   which bounds the polynomial cases the first check lets through. A longer line is
 *   matched on that prefix; if that does not match, the parser reports "not this format".
 */
import { ConfigError } from '../../lib/errors.js';
import { latencyFromFields } from './latency.js';
import { normalizeLevel } from './level.js';
import { setField, type FieldValue, type FormatParser, type ParsedLine } from './parsed-line.js';
import { parseTimestamp } from './timestamp.js';

/** Default cap on the characters of a line that a user regex is run against. */
export const DEFAULT_REGEX_MAX_LINE_LENGTH = 16 * 1024;

const PROMOTED = new Set(['timestamp', 'level', 'message', 'host', 'service', 'trace_id', 'span_id']);

const BRACE = /^\{(\d+)(,(\d*))?\}/;

/**
 * Length of the quantifier at `source[i]` when it is unbounded, else 0 (`*`, `+`, `{n,}`): bounded repeats
 * such as `(\d{1,3}\.){3}` cost a constant factor and are allowed.
 */
function repeatsUnbounded(source: string, i: number): number {
  const c = source[i];
  if (c === '*' || c === '+') return 1;
  if (c !== '{') return 0;
  const m = BRACE.exec(source.slice(i, i + 24));
  return m !== null && m[2] !== undefined && m[3] === '' ? m[0].length : 0;
}

/**
 * Finds a repeated group that contains a repeated element (star height above one), scanning
 * the pattern source once; returns the offending group's source, or undefined.
 */
export function findNestedQuantifier(source: string): string | undefined {
  // Per open group: where it starts and whether something inside it repeats.
  const stack: { start: number; repeatsInside: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push({ start: i, repeatsInside: false });
    else if (c === ')') {
      const group = stack.pop();
      if (group === undefined) continue;
      const repeated = repeatsUnbounded(source, i + 1);
      if (group.repeatsInside && repeated > 0) return source.slice(group.start, i + 1 + repeated);
      const parent = stack[stack.length - 1];
      if (parent !== undefined && (group.repeatsInside || repeated > 0)) parent.repeatsInside = true;
    } else if (repeatsUnbounded(source, i) > 0) {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.repeatsInside = true;
    }
  }
  return undefined;
}

/**
 * Compiles and validates a line pattern at config time: throws ConfigError (naming `key`)
 * when it does not compile, has no named group, or has a nested quantifier.
 */
export function compileLinePattern(pattern: string, source = 'parser config', key = 'pattern'): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch (error) {
    throw new ConfigError(`invalid regular expression: ${(error as Error).message}`, source, key);
  }
  if (!/\(\?<[A-Za-z_][A-Za-z0-9_]*>/.test(pattern)) {
    throw new ConfigError('the pattern has no named group; name at least one, e.g. (?<message>.*)', source, key);
  }
  const nested = findNestedQuantifier(pattern);
  if (nested !== undefined) {
    throw new ConfigError(`the pattern repeats a group that itself repeats (${nested}); this can backtrack catastrophically, rewrite it without nested quantifiers`, source, key);
  }
  return regex;
}

/** Options of a regex parser. */
export interface RegexParserOptions {
  /** The user's pattern with named groups. */
  pattern: string;
  /** Characters of a line that are matched at most; defaults to DEFAULT_REGEX_MAX_LINE_LENGTH. */
  maxLineLength?: number;
}

/** Builds a parser from a validated pattern (throws ConfigError at once on a bad one). */
export function createRegexParser({ pattern, maxLineLength = DEFAULT_REGEX_MAX_LINE_LENGTH }: RegexParserOptions): FormatParser {
  const regex = compileLinePattern(pattern);
  return (line, context) => {
    const text = line.length > maxLineLength ? line.slice(0, maxLineLength) : line;
    const match = regex.exec(text);
    const groups = match?.groups;
    if (match === null || groups === undefined) return undefined;
    const fields: Record<string, FieldValue> = {};
    for (const name in groups) {
      const v = groups[name];
      if (v !== undefined && !PROMOTED.has(name)) setField(fields, name, v);
    }
    const result: ParsedLine = { message: groups.message ?? line, fields, format: 'regex' };
    if (groups.timestamp !== undefined) {
      result.timestampText = groups.timestamp;
      const ms = parseTimestamp(groups.timestamp, context);
      if (ms !== undefined) result.timestampMs = ms;
    }
    if (groups.level !== undefined) {
      result.levelText = groups.level;
      const level = normalizeLevel(groups.level);
      if (level !== undefined) result.level = level;
    }
    if (groups.host !== undefined) result.host = groups.host;
    if (groups.service !== undefined) result.service = groups.service;
    if (groups.trace_id !== undefined) result.traceId = groups.trace_id;
    if (groups.span_id !== undefined) result.spanId = groups.span_id;
    const latency = latencyFromFields(fields);
    if (latency !== undefined) result.latencyMs = latency;
    return result;
  };
}
