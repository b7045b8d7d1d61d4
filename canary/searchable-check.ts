/**
 * Asks OpenSearch whether a canary line is searchable yet: one search for its token over the
 * daily log indices, the way a user's search would find it (no refresh forced, so the answer
 * includes the index refresh delay that users see too).
 */
import type { OpenSearchClient } from '../lib/opensearch.js';
import { ServiceUnavailableError } from '../lib/errors.js';
import { isCanaryToken } from './canary-line.js';

/** Answers whether the line carrying `token`, written at `writtenAtMs`, can be found; rejects when the search itself failed. */
export type SearchableCheck = (token: string, writtenAtMs: number) => Promise<boolean>;

/** Options of createSearchableCheck. */
export interface SearchableCheckOptions {
  readonly client: OpenSearchClient;
  /** Index pattern searched, `sawmill-logs-*` in production. */
  readonly indexPattern: string;
  /** Longest one search may take. */
  readonly requestTimeoutMs: number;
}

/** Events are searched from this long before the write: the agent may stamp the line with a clock that is a little behind. */
const CLOCK_SLACK_MS = 10 * 60_000;

/** Returns a check searching `indexPattern` for a canary token in `message` or `line`. */
export function createSearchableCheck({ client, indexPattern, requestTimeoutMs }: SearchableCheckOptions): SearchableCheck {
  return async (token, writtenAtMs) => {
    // The token goes into a query: only the shape this module's lines carry is allowed.
    if (!isCanaryToken(token)) throw new TypeError(`not a canary token: ${JSON.stringify(token.slice(0, 64))}`);
    let body: unknown;
    try {
      const response = await client.search(
        {
          index: indexPattern,
          ignore_unavailable: true,
          allow_no_indices: true,
          terminate_after: 1,
          body: {
            size: 0,
            track_total_hits: true,
            query: {
              bool: {
                filter: [
                  { multi_match: { query: token, fields: ['message', 'line'], type: 'phrase' } },
                  { range: { '@timestamp': { gte: writtenAtMs - CLOCK_SLACK_MS, format: 'epoch_millis' } } },
                ],
              },
            },
          },
        },
        { requestTimeout: requestTimeoutMs, maxRetries: 0 },
      );
      body = response.body;
    } catch (error) {
      throw new ServiceUnavailableError(`canary search in ${indexPattern} failed: ${(error as Error).message}`, 'opensearch', error);
    }
    return totalHits(body) > 0;
  };
}

/** Reads `hits.total` (a number, or `{ value }` since 7.x) and refuses any other shape instead of guessing. */
export function totalHits(body: unknown): number {
  const total = (body as { hits?: { total?: unknown } } | null)?.hits?.total;
  const value = typeof total === 'object' && total !== null ? (total as { value?: unknown }).value : total;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ServiceUnavailableError(`unexpected search answer: hits.total is ${JSON.stringify(total)?.slice(0, 200)}`, 'opensearch');
  }
  return value;
}
