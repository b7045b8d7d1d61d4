import { z } from 'zod';
import { principalKey } from '../auth/principal.js';
import { ApiError, badRequest, notFound, unavailable } from '../http/api-error.js';
import { intParam, protectedErrors, timeParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import { eventMatches, logFilterShape } from '../logs/log-filters.js';
import { LogStore } from '../logs/log-store.js';
import { decodeCursor, encodeCursor } from '../logs/search-cursor.js';
import { SEARCH_SORTS } from '../logs/search-request.js';
import { SseStream } from '../logs/sse-stream.js';
import type { RouteDeps } from './route-deps.js';

const eventIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, dot, underscore, colon and dash, at most 128') }).strict();

const hitSchema = z.object({ id: z.string(), event: z.record(z.string(), z.unknown()), highlight: z.array(z.string()).optional() });
const searchResultSchema = z.object({
  hits: z.array(hitSchema),
  total: z.object({ value: z.number().int(), relation: z.enum(['eq', 'gte']) }),
  took: z.number(),
  nextCursor: z.string().nullable(),
});

const HEARTBEAT_MS = 15_000;

/** Search, one event, its context, and the live tail. */
export function registerLogRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { config } = deps;
  const store = new LogStore(deps.opensearch, config.search.indexPrefix, config.server.requestTimeoutMs);

  const searchQuery = z
    .object({
      q: z.string().max(config.search.maxQueryLength).optional(),
      ...logFilterShape,
      from: timeParam.optional(),
      to: timeParam.optional(),
      sort: z.enum(SEARCH_SORTS).default('@timestamp:desc'),
      size: intParam(1, config.search.maxPageSize).default(Math.min(50, config.search.maxPageSize)),
      cursor: z.string().max(512).optional(),
      highlight: z.enum(['true', 'false']).default('true'),
    })
    .strict()
    .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: 'from must not be after to', path: ['from'] });

  routes.add(
    {
      method: 'get',
      path: '/api/v1/logs/search',
      summary: 'Search logs: simple_query_string on the message, exact filters, time range, sort, search_after paging (cursor), highlights',
      tag: 'logs',
      access: 'viewer',
      query: searchQuery,
      responses: { 200: { description: 'A page of hits', schema: searchResultSchema }, ...protectedErrors, 503: { description: 'Search unavailable' } },
    },
    async ({ query }) => {
      const searchAfter = query.cursor === undefined ? undefined : decodeCursor(config.auth.cursorSecret, query.cursor, query.sort).searchAfter;
      const page = await store.search({
        q: query.q,
        filters: query,
        fromMs: query.from,
        toMs: query.to,
        sort: query.sort,
        size: query.size,
        searchAfter,
        highlight: query.highlight === 'true',
      });
      const last = page.hits.at(-1);
      return {
        hits: page.hits.map(({ id, event, highlight }) => ({ id, event, ...(highlight === undefined ? {} : { highlight }) })),
        total: page.total,
        took: page.took,
        nextCursor: last !== undefined && page.hits.length === query.size ? encodeCursor(config.auth.cursorSecret, { sort: query.sort, searchAfter: last.sort }) : null,
      };
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/v1/logs/tail',
      summary: 'Live tail as server-sent events (event: log, skipped, ready), with the search filters; a slow client skips events with a notice',
      tag: 'logs',
      access: 'viewer',
      query: z.object({ q: z.string().max(config.search.maxQueryLength).optional(), ...logFilterShape }).strict(),
      responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' }, ...protectedErrors, 503: { description: 'Live tail disabled' } },
    },
    ({ query, principal, req, res }) => {
      const liveTail = deps.liveTail;
      if (liveTail === undefined || !config.tail.enabled) throw unavailable('live tail');
      const words = (query.q ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '');
      // The stream exists only once the slot is granted; events before that have nowhere to go.
      const holder: { stream?: SseStream } = {};
      const unsubscribe = liveTail.subscribe(principalKey(principal!), {
        matches: (event) => eventMatches(event, query, words),
        deliver: (event) => holder.stream?.sendEvent(event) ?? false,
      });
      if (unsubscribe === undefined) {
        throw new ApiError(429, 'too_many_streams', `at most ${config.tail.maxPerUser} live tails per user`, undefined, { 'retry-after': '10' });
      }
      const stream = new SseStream(res, config.tail.maxPendingBytes);
      holder.stream = stream;
      stream.sendControl('ready', { filters: query });
      const timer = setInterval(() => stream.heartbeat(), HEARTBEAT_MS);
      const stop = (): void => {
        clearInterval(timer);
        unsubscribe();
      };
      req.on('close', stop);
      res.on('close', stop);
      return undefined;
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/v1/logs/:id',
      summary: 'One log event by id',
      tag: 'logs',
      access: 'viewer',
      params: eventIdParam,
      responses: { 200: { description: 'The event', schema: hitSchema }, 404: { description: 'No such event' }, ...protectedErrors },
    },
    async ({ params }) => {
      const hit = await store.get(params.id);
      if (hit === undefined) throw notFound('log event');
      return { id: hit.id, event: hit.event };
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/v1/logs/:id/context',
      summary: 'Lines before and after an event from the same stream (by sourceOffset; same host and service by time when the event has no stream position)',
      tag: 'logs',
      access: 'viewer',
      params: eventIdParam,
      query: z.object({ before: intParam(0, config.search.maxContextLines).default(20), after: intParam(0, config.search.maxContextLines).default(20) }).strict(),
      responses: {
        200: { description: 'The event with its neighbours, in log order', schema: z.object({ event: hitSchema, before: z.array(hitSchema), after: z.array(hitSchema), by: z.enum(['sourceOffset', 'time']) }) },
        404: { description: 'No such event' },
        ...protectedErrors,
      },
    },
    async ({ params, query }) => {
      const hit = await store.get(params.id);
      if (hit === undefined) throw notFound('log event');
      const streamId = hit.event['streamId'];
      const offset = hit.event['sourceOffset'];
      const strip = ({ id, event }: { id: string; event: Record<string, unknown> }) => ({ id, event });
      if (typeof streamId === 'string' && typeof offset === 'number') {
        const [before, after] = await Promise.all([
          query.before === 0 ? [] : store.streamNeighbours(streamId, offset, 'before', query.before),
          query.after === 0 ? [] : store.streamNeighbours(streamId, offset, 'after', query.after),
        ]);
        return { event: strip(hit), before: before.map(strip), after: after.map(strip), by: 'sourceOffset' };
      }
      const host = hit.event['host'];
      const service = hit.event['service'];
      if (typeof host !== 'string' || typeof service !== 'string') throw badRequest('this event has no host and service to find its context by');
      const [before, after] = await Promise.all([
        query.before === 0 ? [] : store.timeNeighbours({ host, service }, hit.sort, 'before', query.before),
        query.after === 0 ? [] : store.timeNeighbours({ host, service }, hit.sort, 'after', query.after),
      ]);
      return { event: strip(hit), before: before.map(strip), after: after.map(strip), by: 'time' };
    },
  );
}
