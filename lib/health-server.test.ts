import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Counter, Histogram } from 'prom-client';
import { healthRouter, runReadinessChecks, startHealthServer, type HealthServer, type ReadinessCheck } from './health-server.js';
import { createMetrics, metricName } from './metrics.js';

const COMPONENT = 'health-test';

function promtoolAvailable(): boolean {
  return spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
}

function registryWithMetrics(): ReturnType<typeof createMetrics> {
  const registry = createMetrics({ component: COMPONENT });
  const requests = new Counter({
    name: metricName(COMPONENT, 'requests_total'),
    help: 'Requests handled, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  requests.inc({ outcome: 'ok' }, 3);
  const duration = new Histogram({
    name: metricName(COMPONENT, 'request_duration_seconds'),
    help: 'Time to handle a request.',
    registers: [registry],
  });
  duration.observe(0.25);
  return registry;
}

describe('lib/health-server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers /healthz, /readyz and /metrics', async () => {
    const registry = registryWithMetrics();
    server = await startHealthServer({
      port: 0,
      registry,
      readinessChecks: { postgres: async () => undefined, redis: async () => 'PONG' },
    });
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);

    const live = await fetch(`${server.url}/healthz`);
    expect(live.status).to.equal(200);
    expect(await live.json()).to.deep.equal({ status: 'alive' });

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(ready.headers.get('content-type')).to.match(/^application\/json/);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; latencyMs: number }> };
    expect(body.status).to.equal('ready');
    expect(Object.keys(body.checks)).to.deep.equal(['postgres', 'redis']);
    expect(body.checks['postgres']?.ok).to.equal(true);
    expect(body.checks['postgres']?.latencyMs).to.be.a('number').and.at.least(0);
    expect(body.checks['postgres']).not.to.have.property('error');

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).to.equal(200);
    expect(metrics.headers.get('content-type')).to.equal(registry.contentType);
    const text = await metrics.text();
    // Standard names kept, component told apart by a label; our own metrics prefixed.
    expect(text).to.match(/^process_cpu_seconds_total\{component="health-test"\} [0-9.e-]+$/m);
    expect(text).to.include('sawmill_health_test_requests_total{outcome="ok",component="health-test"} 3');
    expect(text).to.include('sawmill_health_test_request_duration_seconds_count{component="health-test"} 1');
  });

  it('serves metrics that pass promtool check metrics', async function () {
    if (!promtoolAvailable()) {
      console.log('      promtool is not installed (apt package "prometheus"): skipping the promtool lint only');
      this.skip();
    }
    server = await startHealthServer({ port: 0, registry: registryWithMetrics() });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${lint.stdout}${lint.stderr}`).to.equal('');
    expect(lint.status).to.equal(0);
  });

  it('answers 503 naming the failing check, with credentials removed from its error', async () => {
    server = await startHealthServer({
      port: 0,
      registry: createMetrics({ component: COMPONENT, defaultMetrics: false }),
      readinessChecks: {
        kafka: async () => undefined,
        postgres: async () => {
          throw new Error('connect ECONNREFUSED for postgres://sawmill:hunter2@db:5432/sawmill');
        },
      },
    });
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).to.equal(503);
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
    expect(body.status).to.equal('not_ready');
    expect(body.checks['kafka']?.ok).to.equal(true);
    expect(body.checks['postgres']?.ok).to.equal(false);
    expect(body.checks['postgres']?.error).to.equal('connect ECONNREFUSED for postgres://sawmill:[redacted]@db:5432/sawmill');
  });

  it('times a hanging check out, answers 503 and aborts the check', async () => {
    let aborted = false;
    const hang: ReadinessCheck = (signal) =>
      new Promise(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      });
    server = await startHealthServer({
      port: 0,
      registry: createMetrics({ component: COMPONENT, defaultMetrics: false }),
      readinessChecks: { opensearch: hang, redis: async () => undefined },
      checkTimeoutMs: 150,
    });
    const started = Date.now();
    const response = await fetch(`${server.url}/readyz`);
    const tookMs = Date.now() - started;
    expect(response.status).to.equal(503);
    const body = (await response.json()) as { checks: Record<string, { ok: boolean; error?: string; latencyMs: number }> };
    expect(body.checks['opensearch']).to.include({ ok: false, error: 'timed out after 150 ms' });
    expect(body.checks['opensearch']?.latencyMs).to.be.at.least(140);
    expect(body.checks['redis']?.ok).to.equal(true);
    expect(tookMs).to.be.below(2000);
    expect(aborted).to.equal(true);
  });

  it('counts a check that throws synchronously as failed', async () => {
    const report = await runReadinessChecks({
      broken: (() => {
        throw new TypeError('bad wiring');
      }) as ReadinessCheck,
    });
    expect(report).to.deep.include({ status: 'not_ready' });
    expect(report.checks['broken']).to.include({ ok: false, error: 'bad wiring' });
  });

  it('shares one run of the checks between concurrent probes and reads checks added later', async () => {
    let runs = 0;
    const checks: Record<string, ReadinessCheck> = {
      slow: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    };
    server = await startHealthServer({ port: 0, registry: createMetrics({ component: COMPONENT, defaultMetrics: false }), readinessChecks: checks });
    const answers = await Promise.all([fetch(`${server.url}/readyz`), fetch(`${server.url}/readyz`), fetch(`${server.url}/readyz`)]);
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
    expect(runs).to.equal(1);

    checks['late'] = async () => {
      throw new Error('not connected yet');
    };
    expect((await fetch(`${server.url}/readyz`)).status).to.equal(503);
  });

  it('answers 404 for unknown paths and 405 for other methods, and ignores query strings', async () => {
    server = await startHealthServer({ port: 0, registry: createMetrics({ component: COMPONENT, defaultMetrics: false }) });
    expect((await fetch(`${server.url}/nope`)).status).to.equal(404);
    const post = await fetch(`${server.url}/healthz`, { method: 'POST' });
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.equal('GET, HEAD');
    expect((await fetch(`${server.url}/readyz?verbose=1`)).status).to.equal(200);
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(await head.text()).to.equal('');
  });

  it('stops listening on close, and close can be called twice', async () => {
    const started = await startHealthServer({ port: 0, registry: createMetrics({ component: COMPONENT, defaultMetrics: false }) });
    // A keep-alive connection must not hold close() up.
    expect((await fetch(`${started.url}/healthz`)).status).to.equal(200);
    await started.close();
    await started.close();
    const error = await fetch(`${started.url}/healthz`).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
  });

  it('refuses a port already in use with a ConfigError', async () => {
    server = await startHealthServer({ port: 0, registry: createMetrics({ component: COMPONENT, defaultMetrics: false }) });
    const port = Number(new URL(server.url).port);
    const error = await startHealthServer({ port, registry: createMetrics({ component: COMPONENT, defaultMetrics: false }) }).catch((e: unknown) => e);
    expect((error as Error).name).to.equal('ConfigError');
    expect((error as Error).message).to.equal(`health server cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
  });

  it('works as an express router with the same answers', async () => {
    const app = express();
    app.use('/ops', healthRouter({
      registry: registryWithMetrics(),
      readinessChecks: { down: async () => Promise.reject(new Error('down')) },
    }));
    const listener = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listener.once('listening', () => resolve()));
    try {
      const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/ops`;
      const live = await fetch(`${base}/healthz`);
      expect(live.status).to.equal(200);
      expect(await live.json()).to.deep.equal({ status: 'alive' });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).to.equal(503);
      expect(((await ready.json()) as { checks: Record<string, { error?: string }> }).checks['down']?.error).to.equal('down');
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).to.equal(200);
      expect(await metrics.text()).to.include('sawmill_health_test_requests_total');
    } finally {
      listener.closeAllConnections();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});

describe('lib/metrics', () => {
  it('names Sawmill metrics sawmill_<component>_<thing> and rejects bad names', () => {
    expect(metricName('sink-opensearch', 'bulk_requests_total')).to.equal('sawmill_sink_opensearch_bulk_requests_total');
    expect(() => metricName('Sink', 'x_total')).to.throw(TypeError);
    expect(() => metricName('api', 'Requests-Total')).to.throw(TypeError);
    expect(() => createMetrics({ component: 'bad component' })).to.throw(TypeError);
  });

  it('gives each component its own registry with a component label', async () => {
    const a = createMetrics({ component: 'api', defaultMetrics: false });
    const b = createMetrics({ component: 'notifier', defaultMetrics: false });
    new Counter({ name: metricName('api', 'things_total'), help: 'Things.', registers: [a] }).inc();
    // The same name in another registry does not collide.
    new Counter({ name: metricName('api', 'things_total'), help: 'Things.', registers: [b] }).inc(2);
    expect(await a.metrics()).to.include('sawmill_api_things_total{component="api"} 1');
    expect(await b.metrics()).to.include('sawmill_api_things_total{component="notifier"} 2');
  });
});
