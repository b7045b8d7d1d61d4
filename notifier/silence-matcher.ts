/**
 * Silence matchers: `{label, value, isRegex}` tested against an alert's labels (its rule labels plus
 * service, rule_id, rule_name, severity and kind). A silence matches when all its matchers match.
 *
 * "Regex" matchers are deliberately a safe subset, not JavaScript regular expressions: silences come
 * from users through the API, and a backtracking regex such as `(a+)+$` would let one silence stall
 * the notifier. The subset is: alternatives separated by `|`, each a literal in which `.*` stands for
 * any run of characters, and `\` escapes the next character. It covers exact lists
 * (`checkout|payments`), prefixes (`api-.*`), suffixes (`.*-prod`) and contains (`.*timeout.*`), is
 * anchored at both ends (as in Alertmanager), and matches in O(pattern × value) time. Any other
 * regex syntax is refused with a clear error instead of being half-understood.
 */
import { InvalidInputError } from '../lib/errors.js';

/** One matcher as stored in `silences.matchers`. */
export interface SilenceMatcher {
  label: string;
  value: string;
  isRegex: boolean;
}

/** A silence row, as the notifier reads it. */
export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
}

/** Longest matcher value (literal or pattern) accepted. */
export const MAX_MATCHER_VALUE_LENGTH = 256;
/** Most matchers in one silence. */
export const MAX_MATCHERS = 32;
/** Most alternatives in one pattern. */
const MAX_ALTERNATIVES = 32;

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
// Regex syntax outside the subset; seeing one unescaped means the author expected real regex semantics.
const UNSUPPORTED = new Set(['(', ')', '[', ']', '{', '}', '+', '?', '^', '$']);

/** A pattern compiled to alternatives, each a list of literal pieces joined by "any run". */
type CompiledPattern = ReadonlyArray<readonly string[]>;

/** A matcher ready to test values. */
export interface CompiledMatcher {
  readonly label: string;
  test(value: string | undefined): boolean;
}

/**
 * Checks and compiles one matcher; throws InvalidInputError (reason `invalid-matcher`) naming what
 * is wrong when the label, the value or the pattern is outside the accepted subset.
 */
export function compileMatcher(matcher: SilenceMatcher): CompiledMatcher {
  if (typeof matcher !== 'object' || matcher === null) throw invalid('a matcher must be an object {label, value, isRegex}');
  const { label, value, isRegex } = matcher;
  if (typeof label !== 'string' || !LABEL_NAME.test(label)) throw invalid(`matcher label ${JSON.stringify(label)} is not a label name`);
  if (typeof value !== 'string') throw invalid(`matcher value of ${label} must be a string`);
  if (typeof isRegex !== 'boolean') throw invalid(`matcher isRegex of ${label} must be true or false`);
  if (value.length > MAX_MATCHER_VALUE_LENGTH) throw invalid(`matcher value of ${label} is ${value.length} characters, over ${MAX_MATCHER_VALUE_LENGTH}`);
  if (!isRegex) return { label, test: (candidate) => (candidate ?? '') === value };
  const pattern = compilePattern(value, label);
  return { label, test: (candidate) => pattern.some((pieces) => matchPieces(pieces, candidate ?? '')) };
}

/** Compiles every matcher of a silence; throws InvalidInputError on the first bad one or on an empty or too long list. */
export function compileMatchers(matchers: readonly SilenceMatcher[]): CompiledMatcher[] {
  if (!Array.isArray(matchers) || matchers.length === 0) throw invalid('a silence needs at least one matcher');
  if (matchers.length > MAX_MATCHERS) throw invalid(`a silence has at most ${MAX_MATCHERS} matchers, got ${matchers.length}`);
  return matchers.map((matcher) => compileMatcher(matcher));
}

/** True when every matcher matches `labels` (a missing label counts as the empty string). */
export function matchesAll(matchers: readonly CompiledMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((matcher) => matcher.test(Object.hasOwn(labels, matcher.label) ? labels[matcher.label] : undefined));
}

/** A silence whose matchers compiled, or the reason they did not. */
export type CompiledSilence = { id: string; matchers: CompiledMatcher[] } | { id: string; error: string };

/** Compiles the matchers of each silence; a silence with bad matchers is kept with its error (it matches nothing) so one bad row cannot stop delivery. */
export function compileSilences(silences: readonly Silence[]): CompiledSilence[] {
  return silences.map((silence) => {
    try {
      return { id: silence.id, matchers: compileMatchers(silence.matchers) };
    } catch (error) {
      return { id: silence.id, error: (error as Error).message };
    }
  });
}

/** Returns the id of the first active silence matching `labels`, or undefined. */
export function findSilence(silences: readonly CompiledSilence[], labels: Readonly<Record<string, string>>): string | undefined {
  for (const silence of silences) {
    if ('matchers' in silence && matchesAll(silence.matchers, labels)) return silence.id;
  }
  return undefined;
}

function compilePattern(pattern: string, label: string): CompiledPattern {
  const alternatives: string[][] = [];
  let pieces: string[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw invalid(`pattern of ${label} ends with a lone backslash`);
      if (/[A-Za-z0-9]/.test(next)) throw invalid(`pattern of ${label}: escape \\${next} is not supported (only punctuation can be escaped)`);
      literal += next;
      i += 1;
    } else if (char === '.') {
      if (pattern[i + 1] !== '*') throw invalid(`pattern of ${label}: "." is only supported as ".*" (escape a literal dot as "\\.")`);
      pieces.push(literal);
      literal = '';
      i += 1;
    } else if (char === '|') {
      pieces.push(literal);
      alternatives.push(pieces);
      pieces = [];
      literal = '';
    } else if (char === '*') {
      throw invalid(`pattern of ${label}: "*" is only supported after "." (as ".*")`);
    } else if (UNSUPPORTED.has(char)) {
      throw invalid(`pattern of ${label}: ${JSON.stringify(char)} is not supported; use alternatives (a|b), ".*" and "\\" escapes`);
    } else {
      literal += char;
    }
  }
  pieces.push(literal);
  alternatives.push(pieces);
  if (alternatives.length > MAX_ALTERNATIVES) throw invalid(`pattern of ${label} has more than ${MAX_ALTERNATIVES} alternatives`);
  return alternatives;
}

/**
 * Matches `value` against literal pieces separated by "any run of characters": the first piece must
 * be a prefix, the last a suffix, the middle ones found left to right. Taking the earliest occurrence
 * of each middle piece is optimal (it leaves the most room for the rest), so no backtracking is needed.
 */
function matchPieces(pieces: readonly string[], value: string): boolean {
  if (pieces.length === 1) return value === pieces[0];
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i += 1) {
    const piece = pieces[i] as string;
    const found = value.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
}

function invalid(message: string): InvalidInputError {
  return new InvalidInputError(message, 'invalid-matcher');
}
