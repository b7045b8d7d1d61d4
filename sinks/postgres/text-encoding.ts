/**
 * Text values as PostgreSQL accepts them. `text` and `jsonb` refuse U+0000, and btree index
 * entries are limited to about 2.7 kB, so values bound for indexed columns are capped; both
 * changes are lossy on purpose: the full event stays in Kafka and OpenSearch, PostgreSQL keeps
 * metadata for filtering.
 */

/** Longest value (in UTF-16 code units) kept in an indexed text column: 4 bytes per unit at worst stays under the btree limit. */
export const MAX_INDEXED_TEXT = 512;

/** Replaces U+0000 with U+FFFD (the replacement character), which PostgreSQL stores. */
export function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** `withoutNul`, then cut to `max` code units without splitting a surrogate pair. */
export function indexedText(value: string, max = MAX_INDEXED_TEXT): string {
  const clean = withoutNul(value);
  if (clean.length <= max) return clean;
  const code = clean.charCodeAt(max - 1);
  // Keep pairs whole: a lone high surrogate would be invalid UTF-8 on the wire.
  return clean.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** JSON text with every U+0000 in strings (keys included) replaced, for jsonb columns. */
export function jsonbText(value: unknown): string {
  return JSON.stringify(cleanDeep(value));
}

function cleanDeep(value: unknown): unknown {
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.map(cleanDeep);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[withoutNul(key)] = cleanDeep(inner);
    return out;
  }
  return value;
}

/** One field of a COPY text-format row: backslash escapes for the characters the format reserves; null is `\N`. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return withoutNul(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
