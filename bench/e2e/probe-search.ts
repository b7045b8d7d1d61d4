/**
 * One OpenSearch search for every probe still outstanding. Searching each probe on its own timer
 * put hundreds of searches per second on OpenSearch once probes waited several seconds for a
 * refresh, which took the CPU the indexing being measured needed; one search per poll keeps the
 * probe load flat whatever the latency.
 */
import { isCanaryToken } from '../../canary/canary-line.js';
import type { OpenSearchClient } from '../../lib/opensearch.js';

/** Returns which of `tokens` (canary tokens, written no earlier than `sinceMs`) are searchable now. */
export type ProbeSearch = (tokens: readonly string[], sinceMs: number) => Promise<Set<string>>;

/** The agent may stamp a line with a clock a little behind the writer's. */
const CLOCK_SLACK_MS = 10 * 60_000;

/** Searches `indexPattern` with a `terms` query on the analysed message: a canary token is one lower-case term. */
export function createProbeSearch(client: OpenSearchClient, indexPattern: string, requestTimeoutMs: number): ProbeSearch {
  return async (tokens, sinceMs) => {
    for (const token of tokens) if (!isCanaryToken(token)) throw new TypeError(`not a canary token: ${JSON.stringify(token.slice(0, 64))}`);
    const found = new Set<string>();
    if (tokens.length === 0) return found;
    const response = await client.search(
      {
        index: indexPattern,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: {
          size: tokens.length,
          _source: ['message'],
          query: {
            bool: {
              filter: [{ terms: { message: [...tokens] } }, { range: { '@timestamp': { gte: sinceMs - CLOCK_SLACK_MS, format: 'epoch_millis' } } }],
            },
          },
        },
      },
      { requestTimeout: requestTimeoutMs, maxRetries: 0 },
    );
    const hits = (response.body as { hits?: { hits?: { _source?: { message?: unknown } }[] } }).hits?.hits ?? [];
    for (const hit of hits) {
      const message = typeof hit._source?.message === 'string' ? hit._source.message : '';
      for (const token of tokens) if (message.includes(token)) found.add(token);
    }
    return found;
  };
}
