// `promtool check metrics` must report nothing for the /metrics of every Sawmill service.
// Started as real processes (`node --import tsx bin/sawmill.ts <command>`) on the real stack, each
// on this run's own topics, database and index prefix: the agent (one line shipped), the stream,
// both sinks, the notifier, the demo source and the canary; the schema registry is the one the stack
// runs (SCHEMA_REGISTRY_URL). The API server is started in-process by api-harness (startApiServer,
// as `sawmill api` does, without the default process metrics) and also built through its own
// metric factories with them and served by lib/health-server; see metrics-sources.ts. Every scrape
// goes over HTTP and through promtool.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { startHealthServer, type HealthServer } from '../../lib/health-server.js';
import { createOpenSearchClient } from '../../lib/opensearch.js';
import { ensureTestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';
import { createTopic, deleteTopics, uniqueName } from './agent-harness.js';
import { createApiTestEnv } from './api-harness.js';
import { freePort, SawmillProcess } from './metrics-sawmill-process.js';
import { buildServiceRegistries, metricFamilies, type InProcessRegistry } from './metrics-sources.js';
import { BROKERS, PipelineHarness, REGISTRY_URL } from './pipeline-harness.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const PG_BASE = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';

async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

async function tryScrape(url: string): Promise<string | undefined> {
  try {
    return await scrape(url);
  } catch {
    return undefined;
  }
}

/** Runs `promtool check metrics` on `text`; returns its exit code and everything it printed. */
function promtoolCheck(text: string): { code: number; output: string } {
  try {
    const output = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { code: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function expectClean(service: string, text: string): void {
  expect(metricFamilies(text).size, `${service}: no metric families in\n${text.slice(0, 500)}`).to.be.above(0);
  const { code, output } = promtoolCheck(text);
  expect({ service, code, output }).to.deep.equal({ service, code: 0, output: '' });
}

describe('promtool check metrics on every Sawmill service (integration)', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'sawmill-metrics-'));
  const processes: SawmillProcess[] = [];

  before(function () {
    try {
      execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error('promtool not found on PATH: run `infra/local/components/prometheus.sh install` (Debian package prometheus)');
    }
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('promtool itself flags a badly named metric (the check can fail)', () => {
    const bad = '# HELP sawmill_x_things Things.\n# TYPE sawmill_x_things counter\nsawmill_x_things 1\n';
    const { code, output } = promtoolCheck(bad);
    expect(code).to.equal(3);
    expect(output).to.include('counter metrics should have "_total" suffix');
  });

  describe('services built in-process with their own metric factories, scraped over HTTP', () => {
    let registries: InProcessRegistry[] = [];
    const servers: HealthServer[] = [];

    before(async () => {
      registries = buildServiceRegistries();
      for (const entry of registries) servers.push(await startHealthServer({ port: 0, registry: entry.registry }));
    });

    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await Promise.all(registries.map((r) => r.close()));
    });

    for (const service of ['api']) {
      it(`${service}: promtool check metrics reports nothing`, async () => {
        const index = registries.findIndex((r) => r.service === service);
        expect(index, service).to.be.at.least(0);
        const text = await scrape(`${servers[index]!.url}/metrics`);
        expect(text).to.include(`component="${service}"`);
        expectClean(service, text);
      });
    }
  });

  it('api (the API server of `sawmill api`, started in-process by api-harness on its own database): promtool check metrics reports nothing', async () => {
    const env = await createApiTestEnv();
    try {
      const server = await env.start();
      // One answered request, so the request counter and histogram have samples.
      expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
      const text = await scrape(`${server.url}/metrics`);
      expect(text).to.include('sawmill_api_http_requests_total{');
      expectClean('api', text);
    } finally {
      await env.close();
    }
  });

  it('registry (the running process at SCHEMA_REGISTRY_URL): promtool check metrics reports nothing', async () => {
    const text = await scrape(`${REGISTRY_URL}/metrics`);
    expect(text).to.include('sawmill_registry_http_requests_total');
    expectClean('registry', text);
  });

  it('canary (sawmill canary process): promtool check metrics reports nothing', async () => {
    const port = await freePort();
    const configPath = join(dir, 'canary.yaml');
    writeFileSync(configPath, stringify({
      intervalMs: 1000,
      timeoutMs: 1500,
      pollIntervalMs: 200,
      metricsPort: port,
      write: { mode: 'file', path: join(dir, 'canary', 'canary.log') },
      opensearch: { node: OPENSEARCH_URL, indexPattern: `sawmill-metrics-it-${uniqueName('c')}-*` },
    }));
    const canary = new SawmillProcess(['canary', '--config', configPath]);
    processes.push(canary);
    // Nothing indexes its lines here: wait for the first timeout so every series has moved.
    let text = '';
    await waitFor('a canary timeout in /metrics', async () => {
      text = (await tryScrape(`http://127.0.0.1:${port}/metrics`)) ?? '';
      return /^sawmill_canary_timeouts_total\{[^}]*\} [1-9]/m.test(text);
    }, { timeoutMs: 60_000, intervalMs: 250, detail: () => canary.output() });
    expect(text).to.include('sawmill_canary_ingest_to_searchable_seconds_bucket');
    expectClean('canary', text);
    expect(await canary.stop()).to.equal(0);
  });

  it('demo (sawmill demo process writing log files): promtool check metrics reports nothing', async () => {
    const port = await freePort();
    writeFileSync(join(dir, 'demo.yaml'), stringify({ rate: 50, dir: join(dir, 'demo-logs'), metricsPort: port }));
    const demo = new SawmillProcess(['demo', '--config', join(dir, 'demo.yaml')]);
    processes.push(demo);
    let text = '';
    await waitFor('generated lines in /metrics', async () => {
      text = (await tryScrape(`http://127.0.0.1:${port}/metrics`)) ?? '';
      return /^sawmill_demo_lines_generated_total\{[^}]*\} [1-9]/m.test(text);
    }, { timeoutMs: 60_000, intervalMs: 250, detail: () => demo.output() });
    expectClean('demo', text);
    expect(await demo.stop()).to.equal(0);
  });

  it('agent (sawmill agent process shipping one line): promtool check metrics reports nothing', async () => {
    const topic = uniqueName('metrics-it-raw');
    await createTopic(topic, 1);
    try {
      const port = await freePort();
      const logs = join(dir, 'agent-logs');
      const configPath = join(dir, 'agent.yaml');
      mkdirSync(logs, { recursive: true });
      appendFileSync(join(logs, 'app.log'), '{"level":"info","message":"metrics exposition test"}\n');
      writeFileSync(configPath, stringify({
        agentId: 'metrics-it',
        checkpointPath: join(dir, 'agent-checkpoint.json'),
        spool: { dir: join(dir, 'agent-spool') },
        metricsPort: port,
        kafka: { brokers: BROKERS, topic },
        registry: { url: REGISTRY_URL },
        sources: [{ type: 'file', id: 'metrics-it', include: [join(logs, '*.log')], labels: { service: 'metrics-it' } }],
      }));
      const agent = new SawmillProcess(['agent', '--config', configPath]);
      processes.push(agent);
      let text = '';
      await waitFor('the line acknowledged in /metrics', async () => {
        text = (await tryScrape(`http://127.0.0.1:${port}/metrics`)) ?? '';
        return /^sawmill_agent_lines_acknowledged_total\{[^}]*source="metrics-it"[^}]*\} 1$/m.test(text);
      }, { timeoutMs: 60_000, intervalMs: 250, detail: () => `${text.slice(0, 300)}\n${agent.output()}` });
      expectClean('agent', text);
      expect(await agent.stop()).to.equal(0);
    } finally {
      await deleteTopics([topic]);
    }
  });

  describe('stream, sinks and notifier as processes on this run\'s topics and database', () => {
    let harness: PipelineHarness;
    const database = `sawmill_metrics_it_${randomUUID().slice(0, 8)}`;
    const pgUrl = new URL(PG_BASE);
    pgUrl.pathname = `/${database}`;
    const indexPrefix = `sawmill-metrics-it-${randomUUID().slice(0, 8)}`;

    before(async () => {
      harness = await PipelineHarness.create('metrics');
      await ensureTestDatabase(pgUrl.toString());
    });

    after(async () => {
      await harness?.close();
      const admin = new pg.Client({ connectionString: PG_BASE.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      const client = createOpenSearchClient({ node: OPENSEARCH_URL, logger: pino({ level: 'silent' }) });
      await client.indices.deleteIndexTemplate({ name: `${indexPrefix}-template` }).catch(() => undefined);
      await client.close();
    });

    /** Waits for /readyz, scrapes /metrics, checks it with promtool, stops the process (exit 0). */
    async function checkProcess(service: string, proc: SawmillProcess, port: number, mustInclude: string): Promise<void> {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(`${service} /readyz 200`, async () => {
        if (proc.hasExited()) throw new Error(`${service} exited before it was ready:\n${proc.output()}`);
        return (await fetch(`${base}/readyz`).then((r) => r.status, () => 0)) === 200;
      }, {
        timeoutMs: 90_000,
        intervalMs: 250,
        detail: () => proc.output(),
      });
      const text = await scrape(`${base}/metrics`);
      expect(text).to.include(mustInclude);
      expectClean(service, text);
      expect(await proc.stop()).to.equal(0);
    }

    it('stream (sawmill stream): promtool check metrics reports nothing', async () => {
      const { topics, run } = harness;
      const port = await freePort();
      const stream = new SawmillProcess(['stream'], {
        SAWMILL_STREAM__APPLICATION_ID: run,
        SAWMILL_STREAM__KAFKA__BROKERS: BROKERS.join(','),
        SAWMILL_STREAM__REGISTRY_URL: REGISTRY_URL,
        SAWMILL_STREAM__METRICS_PORT: String(port),
        SAWMILL_STREAM__SESSION_TIMEOUT_MS: '6000',
        SAWMILL_STREAM__PIPELINE__TOPICS__RAW: topics.raw,
        SAWMILL_STREAM__PIPELINE__TOPICS__ENRICHED: topics.enriched,
        SAWMILL_STREAM__PIPELINE__TOPICS__DEAD_LETTER: topics.deadLetter,
        SAWMILL_STREAM__PIPELINE__TOPICS__STATS: topics.stats,
        SAWMILL_STREAM__PIPELINE__TOPICS__ALERTS: topics.alerts,
        SAWMILL_STREAM__PIPELINE__TOPICS__ALERT_RULES: topics.alertRules,
      });
      processes.push(stream);
      await checkProcess('stream', stream, port, 'sawmill_stream_alerts_emitted_total');
    });

    it('sink-opensearch (sawmill sink opensearch): promtool check metrics reports nothing', async () => {
      const { topics, run } = harness;
      const port = await freePort();
      writeFileSync(join(dir, 'sink-opensearch.yaml'), stringify({
        opensearch: { url: OPENSEARCH_URL, indexPrefix, numberOfReplicas: 0, retention: 'off' },
        topic: topics.enriched,
        kafka: { brokers: BROKERS, groupId: `${run}-sink-opensearch`, deadLetterTopic: topics.deadLetter, sessionTimeoutMs: 6000 },
        registry: { url: REGISTRY_URL },
        health: { port },
      }));
      const sink = new SawmillProcess(['sink', 'opensearch', '--config', join(dir, 'sink-opensearch.yaml')]);
      processes.push(sink);
      await checkProcess('sink-opensearch', sink, port, 'sawmill_sink_opensearch_bulk_requests_total');
    });

    it('sink-postgres (sawmill sink postgres): promtool check metrics reports nothing', async () => {
      const { topics, run } = harness;
      const port = await freePort();
      writeFileSync(join(dir, 'sink-postgres.yaml'), stringify({
        postgres: { url: pgUrl.toString(), topics: { logs: topics.enriched, stats: topics.stats, alerts: topics.alerts } },
        kafka: { brokers: BROKERS, groupId: `${run}-sink-postgres`, deadLetterTopic: topics.deadLetter, sessionTimeoutMs: 6000 },
        registry: { url: REGISTRY_URL },
        health: { port },
      }));
      const sink = new SawmillProcess(['sink', 'postgres', '--config', join(dir, 'sink-postgres.yaml')]);
      processes.push(sink);
      await checkProcess('sink-postgres', sink, port, 'sawmill_sink_lag_records');
    });

    it('notifier (sawmill notifier): promtool check metrics reports nothing', async () => {
      const { topics, run } = harness;
      const port = await freePort();
      writeFileSync(join(dir, 'notifier.yaml'), stringify({
        kafka: { brokers: BROKERS, topic: topics.alerts, groupId: `${run}-notifier`, dlqTopic: topics.deadLetter },
        registry: { url: REGISTRY_URL },
        postgres: { url: pgUrl.toString() },
        email: { to: ['oncall@sawmill.localhost'] },
        metricsPort: port,
      }));
      const notifier = new SawmillProcess(['notifier', '--config', join(dir, 'notifier.yaml')]);
      processes.push(notifier);
      await checkProcess('notifier', notifier, port, 'sawmill_notifier_notifications_sent_total');
    });
  });
});
