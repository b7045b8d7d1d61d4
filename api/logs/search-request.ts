import type { LogFilters } from './log-filters.js';
import { filterClauses } from './log-filters.js';

/** Sorts a search may ask for; anything else is refused by the query schema. */
export const SEARCH_SORTS = ['@timestamp:desc', '@timestamp:asc'] as const;
/** One of SEARCH_SORTS. */
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** A validated search. */
export interface SearchParams {
  q?: string | undefined;
  filters: LogFilters;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  sort: SearchSort;
  size: number;
  searchAfter?: [number, string] | undefined;
  highlight: boolean;
}

// Only the operators people use; no fuzzy or slop, which cost a lot on large indices.
const QUERY_FLAGS = 'AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE|PREFIX';

/**
 * Builds the OpenSearch request body: the free text as simple_query_string on `message` only (a
 * query cannot name other fields, so `level:x OR 1=1` is just words), field filters and the time
 * range in a non-scoring filter, a fixed sort with eventId as tie-breaker, and search_after.
 */
export function buildSearchBody(params: SearchParams): Record<string, unknown> {
  const filter: object[] = filterClauses(params.filters);
  if (params.fromMs !== undefined || params.toMs !== undefined) {
    filter.push({ range: { '@timestamp': { ...(params.fromMs === undefined ? {} : { gte: params.fromMs }), ...(params.toMs === undefined ? {} : { lte: params.toMs }), format: 'epoch_millis' } } });
  }
  const must: object[] = [];
  if (params.q !== undefined && params.q.trim() !== '') {
    must.push({ simple_query_string: { query: params.q, fields: ['message'], default_operator: 'and', flags: QUERY_FLAGS, lenient: true, analyze_wildcard: false } });
  }
  const order = params.sort === '@timestamp:asc' ? 'asc' : 'desc';
  return {
    query: { bool: { filter, ...(must.length > 0 ? { must } : {}) } },
    sort: [{ '@timestamp': { order } }, { eventId: { order } }],
    size: params.size,
    track_total_hits: 10_000,
    ...(params.searchAfter === undefined ? {} : { search_after: params.searchAfter }),
    ...(params.highlight && must.length > 0
      ? { highlight: { fields: { message: { number_of_fragments: 0 } }, pre_tags: ['<mark>'], post_tags: ['</mark>'], encoder: 'html' } }
      : {}),
  };
}
