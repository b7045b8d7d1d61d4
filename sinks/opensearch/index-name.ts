/**
 * Daily index names: `<prefix>-YYYY.MM.DD` from the UTC day of an event's timestampMs, and back,
 * so the writer, the retention sweep and the readers agree on one spelling.
 */

/** Latest timestamp that still has a four-digit year (9999-12-31T23:59:59.999Z); later ones would break the name pattern. */
export const MAX_INDEXABLE_TIMESTAMP_MS = 253_402_300_799_999;

const DAY_SUFFIX = /^(\d{4})\.(\d{2})\.(\d{2})$/;

/**
 * Returns `<prefix>-YYYY.MM.DD` for the UTC day of `timestampMs`; throws a RangeError for a value
 * that is not an integer in [0, MAX_INDEXABLE_TIMESTAMP_MS] (the caller dead-letters that record).
 */
export function dailyIndexName(prefix: string, timestampMs: number): string {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0 || timestampMs > MAX_INDEXABLE_TIMESTAMP_MS) {
    throw new RangeError(`timestampMs ${String(timestampMs)} is outside 1970-01-01..9999-12-31 UTC`);
  }
  const day = new Date(timestampMs);
  const yyyy = String(day.getUTCFullYear()).padStart(4, '0');
  const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(day.getUTCDate()).padStart(2, '0');
  return `${prefix}-${yyyy}.${mm}.${dd}`;
}

/**
 * Returns the UTC midnight (ms) of the day a daily index of `prefix` holds, or undefined when
 * `index` is not exactly `<prefix>-YYYY.MM.DD` with a real calendar date (so other indices that
 * merely share the prefix are never touched by retention).
 */
export function dailyIndexDay(prefix: string, index: string): number | undefined {
  if (!index.startsWith(`${prefix}-`)) return undefined;
  const match = DAY_SUFFIX.exec(index.slice(prefix.length + 1));
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.UTC reads years below 100 as 19xx; we never write a day before 1970 anyway.
  if (year < 1970) return undefined;
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC rolls 2026.02.30 over into March; such a name is not one we wrote.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return ms;
}
