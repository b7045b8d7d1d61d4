import type { RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { metricName } from '../../lib/metrics.js';

/** Request counter and latency histogram of the API, labelled by route template (never the raw path, whose ids would explode cardinality). */
export interface RequestMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route'>;
}

/** Registers `sawmill_api_http_requests_total` and `sawmill_api_http_request_duration_seconds` in `registry`. */
export function createRequestMetrics(registry: Registry): RequestMetrics {
  return {
    requests: new Counter({
      name: metricName('api', 'http_requests_total'),
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: metricName('api', 'http_request_duration_seconds'),
      help: 'Time from request received to response finished, by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** Middleware recording every request once it finished; the route label is what the route helper put in `res.locals.routeTemplate`, else `unmatched`. */
export function recordRequests(metrics: RequestMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = typeof res.locals['routeTemplate'] === 'string' ? (res.locals['routeTemplate'] as string) : 'unmatched';
      const method = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(req.method) ? req.method : 'OTHER';
      metrics.requests.inc({ method, route, status: String(res.statusCode) });
      metrics.duration.observe({ method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
