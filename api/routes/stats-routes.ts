import { z } from 'zod';
import { badRequest } from '../http/api-error.js';
import { intParam, protectedErrors, timeParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import { logFilterShape } from '../logs/log-filters.js';
import { StatsStore, type StatsRange } from '../stats/stats-store.js';
import type { RouteDeps } from './route-deps.js';

/** Bucket sizes a statistics request may ask for. */
export const STATS_INTERVALS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '1d': 86_400_000 } as const;

const HOUR_MS = 3_600_000;

const volumeSchema = z.object({ interval: z.string(), buckets: z.array(z.object({ start: z.string(), total: z.number(), byLevel: z.record(z.string(), z.number()) })) });
const errorRateSchema = z.object({ interval: z.string(), buckets: z.array(z.object({ start: z.string(), total: z.number(), errors: z.number(), rate: z.number().nullable() })) });
const topSchema = z.object({ dimension: z.string(), entries: z.array(z.object({ key: z.string(), count: z.number() })) });

/** Volume by level, error rate and top lists from the PostgreSQL projections. */
export function registerStatsRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { config } = deps;
  const store = new StatsStore(deps.pool, config.stats.windowSizeMs);
  const intervals = Object.keys(STATS_INTERVALS) as [keyof typeof STATS_INTERVALS, ...Array<keyof typeof STATS_INTERVALS>];

  const rangeShape = { from: timeParam.optional(), to: timeParam.optional(), service: logFilterShape.service };
  const seriesQuery = z.object({ ...rangeShape, interval: z.enum(intervals).default('5m') }).strict();
  const topQuery = z.object({ ...rangeShape, dimension: z.enum(['service', 'host', 'pattern']), level: logFilterShape.level, limit: intParam(1, 100).default(10) }).strict();

  /** Resolves defaults (the last hour) and bounds the range and bucket count. */
  const rangeOf = (query: { from?: number | undefined; to?: number | undefined; service?: string[] | undefined }, intervalMs?: number): StatsRange => {
    const toMs = query.to ?? Date.now();
    const fromMs = query.from ?? toMs - HOUR_MS;
    if (fromMs >= toMs) throw badRequest('invalid range', [{ path: 'query.from', message: 'from must be before to' }]);
    if (toMs - fromMs > config.stats.maxRangeDays * 24 * HOUR_MS) throw badRequest('invalid range', [{ path: 'query.from', message: `the range may cover at most ${config.stats.maxRangeDays} days` }]);
    if (intervalMs !== undefined) {
      if (intervalMs < config.stats.windowSizeMs) throw badRequest('invalid interval', [{ path: 'query.interval', message: `must be at least the ${config.stats.windowSizeMs} ms window` }]);
      if ((toMs - fromMs) / intervalMs > config.stats.maxBuckets) throw badRequest('too many buckets', [{ path: 'query.interval', message: `at most ${config.stats.maxBuckets} buckets; use a larger interval` }]);
    }
    return { fromMs, toMs, services: query.service };
  };

  routes.add(
    { method: 'get', path: '/api/v1/stats/volume', summary: 'Event counts over time by level', tag: 'stats', access: 'viewer', query: seriesQuery, responses: { 200: { description: 'Buckets', schema: volumeSchema }, ...protectedErrors } },
    async ({ query }) => {
      const intervalMs = STATS_INTERVALS[query.interval];
      return { interval: query.interval, buckets: await store.volume(rangeOf(query, intervalMs), intervalMs) };
    },
  );
  routes.add(
    { method: 'get', path: '/api/v1/stats/error-rate', summary: 'Share of ERROR and FATAL events over time', tag: 'stats', access: 'viewer', query: seriesQuery, responses: { 200: { description: 'Buckets', schema: errorRateSchema }, ...protectedErrors } },
    async ({ query }) => {
      const intervalMs = STATS_INTERVALS[query.interval];
      return { interval: query.interval, buckets: await store.errorRate(rangeOf(query, intervalMs), intervalMs) };
    },
  );
  routes.add(
    { method: 'get', path: '/api/v1/stats/top', summary: 'Top services, hosts or patterns by event count', tag: 'stats', access: 'viewer', query: topQuery, responses: { 200: { description: 'Top entries', schema: topSchema }, ...protectedErrors } },
    async ({ query }) => {
      const range = rangeOf(query);
      const entries =
        query.dimension === 'service'
          ? await store.topServices(range, query.limit, query.level)
          : await store.topOf(query.dimension === 'host' ? 'host' : 'pattern_id', range, query.limit, query.level);
      return { dimension: query.dimension, entries };
    },
  );
}
