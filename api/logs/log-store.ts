import { errors, type Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { ApiError, unavailable } from '../http/api-error.js';
import { buildSearchBody, type SearchParams } from './search-request.js';

/** One hit: the document id, the stored event, its sort values and (when asked) the highlighted message. */
export interface LogHit {
  id: string;
  event: Record<string, unknown>;
  sort: [number, string];
  highlight?: string[];
}

/** A page of search results. */
export interface LogPage {
  hits: LogHit[];
  total: { value: number; relation: 'eq' | 'gte' };
  took: number;
}

interface RawHit {
  _id: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
  highlight?: Record<string, string[]>;
}

/** Reads the daily log indices `<indexPrefix>*` of OpenSearch. */
export class LogStore {
  constructor(
    private readonly client: OpenSearchClient,
    private readonly indexPrefix: string,
    private readonly timeoutMs: number,
  ) {}

  /** Runs a search; throws 503 when OpenSearch is unavailable, 400 when it refuses the query. */
  async search(params: SearchParams): Promise<LogPage> {
    const body = await this.run(buildSearchBody(params));
    return toPage(body);
  }

  /** The event with `id`, or undefined. */
  async get(id: string): Promise<LogHit | undefined> {
    const body = await this.run({ query: { ids: { values: [id] } }, size: 1, sort: [{ '@timestamp': { order: 'desc' } }, { eventId: { order: 'desc' } }] });
    return toPage(body).hits[0];
  }

  /** Up to `size` events of the same stream strictly before (or after) `offset` by sourceOffset, in log order. */
  async streamNeighbours(streamId: string, offset: number, direction: 'before' | 'after', size: number): Promise<LogHit[]> {
    const before = direction === 'before';
    const body = await this.run({
      query: { bool: { filter: [{ term: { streamId } }, { range: { sourceOffset: before ? { lt: offset } : { gt: offset } } }] } },
      sort: [{ sourceOffset: { order: before ? 'desc' : 'asc' } }, { eventId: { order: before ? 'desc' : 'asc' } }],
      size,
    });
    const hits = toPage(body).hits;
    return before ? hits.reverse() : hits;
  }

  /** Fallback context for events without a stream position: same host and service, by time around `timestampMs`. */
  async timeNeighbours(filter: { host: string; service: string }, at: [number, string], direction: 'before' | 'after', size: number): Promise<LogHit[]> {
    const before = direction === 'before';
    const order = before ? 'desc' : 'asc';
    const body = await this.run({
      query: { bool: { filter: [{ term: { host: filter.host } }, { term: { service: filter.service } }] } },
      sort: [{ '@timestamp': { order } }, { eventId: { order } }],
      search_after: at,
      size,
    });
    const hits = toPage(body).hits;
    return before ? hits.reverse() : hits;
  }

  private async run(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    try {
      const response = await this.client.search(
        { index: `${this.indexPrefix}*`, ignore_unavailable: true, allow_no_indices: true, body } as never,
        { requestTimeout: this.timeoutMs, maxRetries: 0 },
      );
      return response.body as unknown as Record<string, unknown>;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 400) {
        throw new ApiError(400, 'invalid_search', 'the search engine refused this query; simplify it');
      }
      throw unavailable('search');
    }
  }
}

function toPage(body: Record<string, unknown>): LogPage {
  const hits = (body['hits'] as { hits: RawHit[]; total?: { value: number; relation: 'eq' | 'gte' } }) ?? { hits: [] };
  return {
    hits: hits.hits.map((hit) => ({
      id: hit._id,
      event: hit._source ?? {},
      sort: [Number(hit.sort?.[0] ?? 0), String(hit.sort?.[1] ?? '')],
      ...(hit.highlight?.['message'] === undefined ? {} : { highlight: hit.highlight['message'] }),
    })),
    total: hits.total ?? { value: hits.hits.length, relation: 'eq' },
    took: Number(body['took'] ?? 0),
  };
}
