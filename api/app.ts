import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { healthRouter, type ReadinessCheck } from '../lib/health-server.js';
import { createAuthenticate } from './auth/authenticate.js';
import { ApiError } from './http/api-error.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { createRequestMetrics, recordRequests } from './http/request-metrics.js';
import { RouteTable, type ResponseSpec } from './http/route-table.js';
import { securityHeaders } from './http/security-headers.js';
import { clientAddress } from './rate-limit/client-address.js';
import { registerApiKeyRoutes } from './routes/api-key-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import type { RouteDeps } from './routes/route-deps.js';
import { registerUserRoutes } from './routes/user-routes.js';
import { registerLogRoutes } from './routes/log-routes.js';
import { registerStatsRoutes } from './routes/stats-routes.js';
import { registerAlertRuleRoutes } from './routes/alert-rule-routes.js';
import { registerAlertRoutes } from './routes/alert-routes.js';
import { registerSilenceRoutes } from './routes/silence-routes.js';
import { registerDocsRoutes } from './routes/docs-routes.js';
import { registerSchemaRoutes } from './routes/schema-routes.js';
import { registerDeliveryRoutes } from './routes/delivery-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerDeadLetterRoutes } from './routes/dead-letter-routes.js';
import { serveDashboard } from '../dashboard/serve-dashboard.js';

/** Options of createApiApp: the route dependencies plus what the operational endpoints need. */
export interface ApiAppOptions extends RouteDeps {
  readonly metrics: Registry;
  readonly readinessChecks: Record<string, ReadinessCheck>;
}

/** The app and the specs of every route it serves (the OpenAPI document is built from them). */
export interface ApiApp {
  readonly app: Express;
  readonly routes: RouteTable;
}

/**
 * Builds the express app: security headers, request metrics, /healthz /readyz /metrics, the client
 * address and its rate limit on /api, the JSON body parser with its size limit, every route, then
 * JSON 404 and error answers (never a stack trace).
 */
export function createApiApp(options: ApiAppOptions): ApiApp {
  const { config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('json spaces', 0);
  // Express' own query parser is the simple one (node:querystring): no nested objects from a[b]=c.
  app.set('query parser', 'simple');

  app.use(securityHeaders());
  app.use(recordRequests(createRequestMetrics(options.metrics)));
  app.use(healthRouter({ registry: options.metrics, readinessChecks: options.readinessChecks, logger }));

  app.use((req, res, next) => {
    res.locals['clientAddress'] = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.server.trustedProxyHops);
    next();
  });
  app.use('/api', options.rateLimits.limitClient);
  app.use((req, _res, next) => {
    // Refuse a declared oversized body before reading it: body-parser would drain all of it first.
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > config.server.bodyLimitBytes) return next(new ApiError(413, 'payload_too_large', `request body is larger than ${config.server.bodyLimitBytes} bytes`));
    next();
  });
  app.use(
    express.json({ limit: config.server.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }),
  );
  app.use((req, _res, next) => {
    // A body in another media type would be silently ignored; say so instead.
    const length = Number(req.headers['content-length'] ?? 0);
    if ((length > 0 || req.headers['transfer-encoding'] !== undefined) && !['GET', 'HEAD'].includes(req.method) && !req.is(['application/json', 'application/*+json'])) {
      return next(new ApiError(415, 'unsupported_media_type', 'send the body as application/json'));
    }
    next();
  });

  const router = express.Router();
  const routes = new RouteTable(router, {
    authenticate: createAuthenticate({ keySet: options.keySet, auth: config.auth, pool: options.pool }),
    limitPrincipal: options.rateLimits.limitPrincipal,
  });
  const operational = [
    ['/healthz', 'Liveness: 200 while the process runs'],
    ['/readyz', 'Readiness: 200 when PostgreSQL, Redis and OpenSearch answer, else 503 with each check'],
    ['/metrics', 'Prometheus metrics (sawmill_api_*)'],
  ] as const;
  for (const [path, summary] of operational) {
    const responses: Record<number, ResponseSpec> = { 200: { description: 'OK', contentType: path === '/metrics' ? 'text/plain' : 'application/json' } };
    if (path === '/readyz') responses[503] = { description: 'Not ready' };
    routes.documentOnly({ method: 'get', path, summary, tag: 'operations', access: 'public', responses });
  }
  registerAuthRoutes(routes, options);
  registerUserRoutes(routes, options);
  registerApiKeyRoutes(routes, options);
  registerLogRoutes(routes, options);
  registerStatsRoutes(routes, options);
  registerAlertRuleRoutes(routes, options);
  registerAlertRoutes(routes, options);
  registerSilenceRoutes(routes, options);
  registerSchemaRoutes(routes, options);
  registerDeadLetterRoutes(routes, options);
  registerDeliveryRoutes(routes, options);
  registerAuditRoutes(routes, options);
  // Last: the document lists every route registered before it.
  registerDocsRoutes(routes, options);
  app.use(router);
  // The dashboard's static files at / (index.html, hashed assets); everything else falls through to the JSON 404.
  app.use(serveDashboard());

  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return { app, routes };
}
