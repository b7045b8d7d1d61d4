import { z } from 'zod';
import { LOG_LEVELS, type EnrichedLogEvent } from '../../schemas/log-schemas.js';

// A filter value is an exact keyword: printable, no control characters, bounded.
const keyword = z.string().min(1).max(256).regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

/** One value or a comma-separated list (or a repeated parameter), at most 20 values. */
const multi = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .union([z.string().max(4096), z.array(z.string().max(4096)).max(20)])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')).map((part) => part.trim()).filter((part) => part !== ''))
    .pipe(z.array(item).max(20));

/** The field filters shared by search and the live tail: exact matches on keyword fields. */
export const logFilterShape = {
  service: multi(keyword).optional(),
  host: multi(keyword).optional(),
  level: multi(z.enum(LOG_LEVELS)).optional(),
  patternId: multi(keyword).optional(),
  traceId: multi(keyword).optional(),
};

/** Validated filters: each key a list of accepted values (OR within a key, AND across keys). */
export interface LogFilters {
  service?: string[] | undefined;
  host?: string[] | undefined;
  level?: string[] | undefined;
  patternId?: string[] | undefined;
  traceId?: string[] | undefined;
}

/** Keys of LogFilters, which are also the document field names. */
export const FILTER_FIELDS = ['service', 'host', 'level', 'patternId', 'traceId'] as const;

/** OpenSearch `terms` filters for the given filters (values are data, never query syntax). */
export function filterClauses(filters: LogFilters): object[] {
  const clauses: object[] = [];
  for (const field of FILTER_FIELDS) {
    const values = filters[field];
    if (values !== undefined && values.length > 0) clauses.push({ terms: { [field]: values } });
  }
  return clauses;
}

/** True when `event` passes `filters` and every word of `words` appears in its message (case-insensitive); the live tail's in-process equivalent of the search filters. */
export function eventMatches(event: EnrichedLogEvent, filters: LogFilters, words: readonly string[]): boolean {
  for (const field of FILTER_FIELDS) {
    const values = filters[field];
    if (values === undefined || values.length === 0) continue;
    const actual = event[field];
    if (actual === null || !values.includes(actual)) return false;
  }
  if (words.length === 0) return true;
  const message = event.message.toLowerCase();
  return words.every((word) => message.includes(word));
}
