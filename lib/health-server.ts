/**
 * The operational HTTP surface every component exposes: `/metrics` for Prometheus,
 * `/healthz` for liveness and `/readyz` for readiness. Components without an HTTP server
 * start the small node:http one (`startHealthServer`); the API mounts `healthRouter` on
 * its express app. Both answer through the same handlers, so they behave the same.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import express, { type Router } from 'express';
import type { Registry } from 'prom-client';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { redactText } from './redact.js';
import { withTimeout } from './with-timeout.js';

/** A readiness check: resolves when the dependency is usable, rejects (with the reason) when not; should stop work when `signal` aborts. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<unknown>;

/** Outcome of one readiness check in a `/readyz` answer. */
export interface CheckResult {
  ok: boolean;
  /** Wall time the check took (or the timeout, when it hung). */
  latencyMs: number;
  /** Why the check failed, credentials removed; absent when ok. */
  error?: string;
}

/** Body of a `/readyz` answer. */
export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, CheckResult>;
}

/** Options shared by `startHealthServer` and `healthRouter`. */
export interface HealthOptions {
  /** Registry served at `/metrics`, usually from `createMetrics`. */
  registry: Registry;
  /** Named checks run by `/readyz`; the object is read on every probe, so checks added later count. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Longest a single check may take before it counts as failed. Default 2000 ms. */
  checkTimeoutMs?: number;
  /** Logs check state changes (ok → failing and back), not every probe. */
  logger?: Logger;
}

/** Options of `startHealthServer`. */
export interface HealthServerOptions extends HealthOptions {
  /** Port to listen on; 0 picks a free one (tests). */
  port: number;
  /** Address to bind; default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
}

/** A running health server. */
export interface HealthServer {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  url: string;
  /** Stops listening and closes open connections; safe to call twice. */
  close(): Promise<void>;
}

/** Default limit of one readiness check. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

interface HealthAnswer {
  status: number;
  contentType: string;
  body: string;
}

interface HealthHandlers {
  healthz(): HealthAnswer;
  readyz(): Promise<HealthAnswer>;
  metrics(): Promise<HealthAnswer>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Starts a node:http server answering `/metrics`, `/healthz` and `/readyz` on `host:port`;
 * resolves once it listens. Throws `ConfigError` when the address cannot be used.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const host = options.host ?? '127.0.0.1';
  const handlers = createHealthHandlers(options);
  const routes: Record<string, () => HealthAnswer | Promise<HealthAnswer>> = {
    '/healthz': handlers.healthz,
    '/readyz': handlers.readyz,
    '/metrics': handlers.metrics,
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://health').pathname;
    const route = routes[path];
    let answer: Promise<HealthAnswer>;
    if (route === undefined) {
      answer = Promise.resolve(jsonAnswer(404, { error: 'not found', paths: Object.keys(routes) }));
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      answer = Promise.resolve(jsonAnswer(405, { error: 'method not allowed' }));
    } else {
      answer = Promise.resolve().then(route);
    }
    answer
      .catch((error: unknown) => {
        options.logger?.error({ err: error, path }, 'health endpoint failed');
        return jsonAnswer(500, { error: 'internal error' });
      })
      .then((result) => {
        response.statusCode = result.status;
        response.setHeader('content-type', result.contentType);
        response.setHeader('cache-control', 'no-store');
        response.end(request.method === 'HEAD' ? undefined : result.body);
      })
      .catch((error: unknown) => options.logger?.warn({ err: error, path }, 'could not answer a health request'));
  });
  // A probe that stalls must not hold a socket forever.
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new ConfigError(`health server cannot listen on ${host}:${options.port}: ${error.code ?? error.message}`, 'health server', 'port'));
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => options.logger?.error({ err: error }, 'health server error'));

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger?.info({ url }, 'health server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // close() waits for keep-alive sockets otherwise; probes hold none worth waiting for.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Returns an express Router serving `/metrics`, `/healthz` and `/readyz`, for services that already run express. */
export function healthRouter(options: HealthOptions): Router {
  const handlers = createHealthHandlers(options);
  const router = express.Router();
  const send = (answer: HealthAnswer, response: express.Response): void => {
    response.status(answer.status).set('content-type', answer.contentType).set('cache-control', 'no-store').send(answer.body);
  };
  router.get('/healthz', (_request, response) => send(handlers.healthz(), response));
  router.get('/readyz', async (_request, response) => send(await handlers.readyz(), response));
  router.get('/metrics', async (_request, response) => send(await handlers.metrics(), response));
  return router;
}

/**
 * Runs every readiness check concurrently, each limited to `timeoutMs`, and reports them.
 * A check that throws synchronously, rejects or hangs counts as failed; nothing throws.
 */
export async function runReadinessChecks(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const entries = Object.entries(checks);
  const results = await Promise.all(entries.map(([, check]) => runCheck(check, timeoutMs)));
  const report: ReadinessReport = { status: 'ready', checks: {} };
  entries.forEach(([name], i) => {
    const result = results[i] as CheckResult;
    report.checks[name] = result;
    if (!result.ok) report.status = 'not_ready';
  });
  return report;
}

function createHealthHandlers(options: HealthOptions): HealthHandlers {
  const timeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const lastOk = new Map<string, boolean>();
  // Probes from several sources (kubelet, a load balancer, an operator) share one run.
  let inflight: Promise<ReadinessReport> | undefined;

  const logTransitions = (report: ReadinessReport): void => {
    for (const [name, result] of Object.entries(report.checks)) {
      const before = lastOk.get(name);
      if (before === result.ok) continue;
      lastOk.set(name, result.ok);
      if (!result.ok) options.logger?.warn({ check: name, error: result.error, latency_ms: result.latencyMs }, 'readiness check failing');
      else if (before === false) options.logger?.info({ check: name, latency_ms: result.latencyMs }, 'readiness check recovered');
    }
  };

  return {
    healthz: () => jsonAnswer(200, { status: 'alive' }),
    async readyz() {
      inflight ??= runReadinessChecks(options.readinessChecks ?? {}, timeoutMs).finally(() => {
        inflight = undefined;
      });
      const report = await inflight;
      logTransitions(report);
      return jsonAnswer(report.status === 'ready' ? 200 : 503, report);
    },
    async metrics() {
      return { status: 200, contentType: options.registry.contentType, body: await options.registry.metrics() };
    },
  };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  try {
    await withTimeout(check, timeoutMs);
    return { ok: true, latencyMs: elapsed(started) };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(started), error: describeError(error) };
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function describeError(error: unknown): string {
  let message = error instanceof Error ? error.message || error.name : String(error);
  // Node reports a failed dual-stack connect as an AggregateError with an empty message.
  if (error instanceof AggregateError && error.message === '') {
    message = error.errors.map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner))).join('; ');
  }
  const clean = redactText(message);
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

function jsonAnswer(status: number, body: unknown): HealthAnswer {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}
