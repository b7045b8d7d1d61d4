// The canary (canary/) against the real OpenSearch node (OPENSEARCH_URL, default 127.0.0.1:9200).
// The full pipeline (agent → Kafka → stream → sink) is not running in this test: a stand-in takes
// its place, receiving the canary's line the way the agent does (HTTP push with a bearer token, or
// the tailed file) and indexing it, after a known delay, as the OpenSearch sink would (message and
// line text fields, @timestamp) into an index of this run's own pattern. The canary then has to find
// it by searching, as it does in production, and record the latency, timeouts and failures.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { canaryConfigSchema, type CanaryConfig } from '../../canary/config.js';
import type { ProbeResult } from '../../canary/canary-probe.js';
import { startCanary, type RunningCanary } from '../../canary/run-canary.js';
import { createOpenSearchClient, type OpenSearchClient } from '../../lib/opensearch.js';
import { waitFor } from '../support/wait-for.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const TOKEN = 'canary-test-token-0123456789';
const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

/** The value of an unlabelled sample (or the one with `labels`) in a registry's text. */
async function sample(canary: RunningCanary, name: string, labels = ''): Promise<number> {
  const text = await canary.metrics.registry.metrics();
  const match = new RegExp(`^${name}${labels === '' ? '' : `\\{${labels.replace(/[{}]/g, '')}[^}]*\\}`}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`no sample ${name}{${labels}} in\n${text}`);
  return Number(match[1]);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('sawmill canary (integration, real OpenSearch; pipeline stood in by the test)', function () {
  this.timeout(90_000);
  const run = randomUUID().slice(0, 8);
  const pattern = `sawmill-canary-it-${run}-*`;
  const index = `sawmill-canary-it-${run}-${new Date().toISOString().slice(0, 10).replace(/-/g, '.')}`;
  let client: OpenSearchClient;
  let dir: string;
  const canaries: RunningCanary[] = [];
  const servers: Server[] = [];

  /** Indexes one canary line as the sink stores an event. */
  async function indexLine(line: string, eventId: string): Promise<void> {
    const parsed = JSON.parse(line) as { timestamp: string; message: string; service: string; level: string };
    await client.index({
      index,
      id: eventId,
      body: { eventId, '@timestamp': parsed.timestamp, timestampMs: Date.parse(parsed.timestamp), service: parsed.service, level: parsed.level, message: parsed.message, line },
    });
  }

  /** An agent stand-in on a free port: checks the token, answers 200, indexes the line `delayMs` later. */
  async function receiver(delayMs: number, answer?: { status: number; body: string }): Promise<{ url: string; received: string[] }> {
    const received: string[] = [];
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401).end();
          return;
        }
        if (answer !== undefined) {
          res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
          return;
        }
        const lines = body.split('\n').filter((l) => l !== '');
        received.push(...lines);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: lines.length }));
        setTimeout(() => {
          for (const line of lines) void indexLine(line, `${String(req.headers['idempotency-key'])}`);
        }, delayMs);
      })();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`, received };
  }

  function config(overrides: Record<string, unknown>): CanaryConfig {
    return canaryConfigSchema.parse({
      intervalMs: 1000,
      timeoutMs: 20_000,
      pollIntervalMs: 100,
      metricsPort: 0,
      opensearch: { node: OPENSEARCH_URL, indexPattern: pattern },
      ...overrides,
    });
  }

  async function startUntil(cfg: CanaryConfig, probes: number): Promise<{ canary: RunningCanary; results: ProbeResult[] }> {
    const results: ProbeResult[] = [];
    const canary = await startCanary({ config: cfg, logger, defaultMetrics: false, onProbe: (r) => results.push(r) });
    canaries.push(canary);
    await waitFor(`${probes} canary probe(s)`, () => results.length >= probes, { timeoutMs: 60_000, detail: () => JSON.stringify(results) });
    await canary.stop();
    return { canary, results };
  }

  before(async () => {
    client = createOpenSearchClient({ node: OPENSEARCH_URL, logger });
    dir = await mkdtemp(join(tmpdir(), 'sawmill-canary-'));
    // Like the sink's template: message and line are text; the default 1 s refresh is what users wait for too.
    await client.indices.create({
      index,
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
        mappings: {
          properties: {
            '@timestamp': { type: 'date' },
            eventId: { type: 'keyword' },
            service: { type: 'keyword' },
            level: { type: 'keyword' },
            message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } },
            line: { type: 'text' },
          },
        },
      },
    });
  });

  after(async () => {
    for (const canary of canaries) await canary.stop();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await client?.indices.delete({ index: pattern, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
    await client?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pushes a line to the agent receiver and measures the time until OpenSearch finds it', async () => {
    const delayMs = 700;
    const agent = await receiver(delayMs);
    const { canary, results } = await startUntil(config({ write: { mode: 'http', url: agent.url, token: TOKEN } }), 2);
    for (const result of results) {
      expect(result.outcome, JSON.stringify(result)).to.equal('searchable');
      if (result.outcome !== 'searchable') continue;
      // At least the stand-in's delay; well under the timeout (a 1 s refresh plus polling).
      expect(result.seconds).to.be.at.least(delayMs / 1000);
      expect(result.seconds).to.be.below(15);
    }
    // Each line was pushed once, in order, with its token (a probe abandoned by stop() may have pushed one more).
    expect(agent.received.length).to.be.within(results.length, results.length + 1);
    results.forEach((result, i) => expect(agent.received[i]).to.include(result.token));
    const count = await sample(canary, 'sawmill_canary_ingest_to_searchable_seconds_count');
    expect(count).to.equal(results.length);
    const sum = await sample(canary, 'sawmill_canary_ingest_to_searchable_seconds_sum');
    expect(sum).to.be.closeTo(results.reduce((s, r) => s + (r.outcome === 'searchable' ? r.seconds : 0), 0), 1e-6);
    // Under 0.5 s is impossible with the stand-in's delay: the first bucket is empty.
    expect(await sample(canary, 'sawmill_canary_ingest_to_searchable_seconds_bucket', 'le="0.5"')).to.equal(0);
    expect(await sample(canary, 'sawmill_canary_probes_total')).to.equal(results.length);
    expect(await sample(canary, 'sawmill_canary_timeouts_total')).to.equal(0);
    expect(await sample(canary, 'sawmill_canary_last_success_timestamp_seconds')).to.be.closeTo(Date.now() / 1000, 60);
  });

  it('appends to the tailed file and measures the time until OpenSearch finds it', async () => {
    const path = join(dir, 'canary', 'canary.log');
    let indexed = 0;
    // The file stand-in: what the agent tails, the sink indexes, one line at a time.
    const tailer = setInterval(() => {
      void readFile(path, 'utf8').then(async (text) => {
        const lines = text.split('\n').filter((l) => l !== '');
        while (indexed < lines.length) {
          const line = lines[indexed] as string;
          indexed += 1;
          await indexLine(line, `file-${indexed}-${run}`);
        }
      }, () => undefined);
    }, 200);
    try {
      const { canary, results } = await startUntil(config({ write: { mode: 'file', path } }), 1);
      expect(results[0]?.outcome, JSON.stringify(results)).to.equal('searchable');
      const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
      expect(lines.length).to.be.within(results.length, results.length + 1);
      expect(lines[0]).to.include(results[0]?.token);
      expect(await sample(canary, 'sawmill_canary_ingest_to_searchable_seconds_count')).to.equal(results.length);
    } finally {
      clearInterval(tailer);
    }
  });

  it('counts a timeout when the line never becomes searchable, and observes nothing', async () => {
    const agent = await receiver(0, undefined);
    // Lines go to a pattern nothing indexes into: found never.
    const cfg = config({ write: { mode: 'http', url: agent.url, token: TOKEN }, timeoutMs: 1500, opensearch: { node: OPENSEARCH_URL, indexPattern: `sawmill-canary-it-${run}-never-*` } });
    const { canary, results } = await startUntil(cfg, 1);
    expect(results.map((r) => r.outcome)).to.deep.equal(results.map(() => 'timeout'));
    expect(await sample(canary, 'sawmill_canary_timeouts_total')).to.equal(results.length);
    expect(await sample(canary, 'sawmill_canary_ingest_to_searchable_seconds_count')).to.equal(0);
    expect(await sample(canary, 'sawmill_canary_failures_total', 'stage="search"')).to.equal(0);
  });

  it('counts a write failure when the agent refuses the line, keeping only a bounded part of its answer', async () => {
    const agent = await receiver(0, { status: 503, body: `spool full ${'x'.repeat(100_000)}` });
    const { canary, results } = await startUntil(config({ write: { mode: 'http', url: agent.url, token: TOKEN } }), 1);
    const first = results[0];
    expect(first?.outcome).to.equal('write_failed');
    if (first?.outcome === 'write_failed') {
      const message = (first.error as Error).message;
      expect(message).to.include('HTTP 503').and.to.include('spool full');
      expect(message.length).to.be.below(2300);
    }
    expect(await sample(canary, 'sawmill_canary_failures_total', 'stage="write"')).to.equal(results.length);
    expect(await sample(canary, 'sawmill_canary_timeouts_total')).to.equal(0);
  });

  it('counts a search failure when OpenSearch cannot be asked at all', async () => {
    const agent = await receiver(0);
    // A port nothing listens on: every search fails with a connection error.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const cfg = config({ write: { mode: 'http', url: agent.url, token: TOKEN }, timeoutMs: 1500, opensearch: { node: `http://127.0.0.1:${port}`, indexPattern: pattern, requestTimeoutMs: 500 } });
    const { canary, results } = await startUntil(cfg, 1);
    expect(results[0]?.outcome).to.equal('search_failed');
    expect(await sample(canary, 'sawmill_canary_failures_total', 'stage="search"')).to.equal(results.length);
    expect(await sample(canary, 'sawmill_canary_timeouts_total')).to.equal(0);
  });
});
