// The writer's error contract against a scripted HTTP server speaking just enough of the bulk API:
// how whole-request failures become retriable or fatal errors and how item answers come back.
// The real node is exercised in test/integration/sink-opensearch.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { isRetriable, SawmillError } from '../../lib/errors.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import type { SinkRecord } from '../runner/sink-writer.js';
import { openSearchSinkConfigSchema } from './config.js';
import { createOpenSearchSink } from './opensearch-sink.js';
import { sampleEvent } from './sample-event.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

function records(n: number): SinkRecord<EnrichedLogEvent>[] {
  return Array.from({ length: n }, (_, i) => ({ topic: 't', partition: 0, offset: String(i), key: null, value: sampleEvent(i), timestampMs: 0 }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('sinks/opensearch opensearch-sink (scripted server)', () => {
  let server: Server;
  let url: string;
  let handler: Handler;
  let lastBody = '';
  let lastQuery = '';

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        lastBody = Buffer.concat(chunks).toString('utf8');
        lastQuery = req.url ?? '';
        handler(req, lastBody, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  function sink(overrides: Record<string, unknown> = {}) {
    const registry = new Registry();
    const config = openSearchSinkConfigSchema.parse({ url, indexPrefix: 'unit-logs', requestTimeoutMs: 500, ...overrides });
    return { writer: createOpenSearchSink({ config, logger: pino({ level: 'silent' }), registry }), registry };
  }

  async function writeError(status: number | 'hang' | 'garbage'): Promise<unknown> {
    handler = (_req, _body, res) => {
      if (status === 'hang') return; // never answers: the request times out
      if (status === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items": [');
        return;
      }
      json(res, status, { error: { type: 'some_exception', reason: 'scripted' }, status });
    };
    const { writer } = sink();
    try {
      await writer.write(records(2));
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await writer.close();
    }
  }

  it('sends one NDJSON create per record and reads the item answers in order', async () => {
    handler = (_req, body, res) => {
      const actions = body.trim().split('\n').filter((_, i) => i % 2 === 0);
      json(res, 200, { errors: true, items: actions.map((_, i) => ({ create: i === 1 ? { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'exists' } } : { status: 201 } })) });
    };
    const { writer, registry } = sink();
    const results = await writer.write(records(3));
    await writer.close();
    expect(results).to.deep.equal([{ status: 'stored' }, { status: 'duplicate' }, { status: 'stored' }]);
    expect(lastQuery).to.match(/^\/_bulk\?filter_path=/);
    const lines = lastBody.trim().split('\n');
    expect(lines).to.have.length(6);
    expect(JSON.parse(lines[0] as string)).to.deep.equal({ create: { _index: 'unit-logs-2026.01.02', _id: 'evt-00000000' } });
    // A second writer on the same registry shares the series instead of failing to register.
    await createOpenSearchSink({ config: openSearchSinkConfigSchema.parse({ url }), logger: pino({ level: 'silent' }), registry }).close();
    const metrics = await registry.getMetricsAsJSON();
    const items = metrics.find((m) => m.name === 'sawmill_sink_opensearch_bulk_items_total');
    expect(items?.values.map((v) => [v.labels['result'], v.value]).sort()).to.deep.equal([['duplicate', 1], ['stored', 2]]);
  });

  it('splits a large batch into concurrent bulk requests and merges the answers in order', async () => {
    let requests = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    handler = (_req, body, res) => {
      requests += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const actions = body.trim().split('\n').filter((_, i) => i % 2 === 0).map((line) => (JSON.parse(line) as { create: { _id: string } }).create._id);
      // Answer later so the requests overlap; every id ending in 7 already exists.
      setTimeout(() => {
        inFlight -= 1;
        json(res, 200, { errors: true, items: actions.map((id) => ({ create: id.endsWith('7') ? { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'exists' } } : { status: 201 } })) });
      }, 50);
    };
    const { writer } = sink({ concurrentRequests: 4 });
    const results = await writer.write(records(1000));
    await writer.close();
    expect(requests).to.equal(4);
    expect(maxInFlight).to.equal(4);
    expect(results.map((r) => r.status)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => (i % 10 === 7 ? 'duplicate' : 'stored')));
  });

  it('fails the whole batch, retriably, when one of its concurrent requests fails', async () => {
    let requests = 0;
    handler = (_req, body, res) => {
      requests += 1;
      if (requests === 2) return json(res, 503, { error: { type: 'unavailable', reason: 'scripted' } });
      const n = body.trim().split('\n').length / 2;
      return json(res, 200, { errors: false, items: Array.from({ length: n }, () => ({ create: { status: 201 } })) });
    };
    const { writer } = sink({ concurrentRequests: 2 });
    const error = await writer.write(records(600)).then(() => undefined, (e: unknown) => e);
    await writer.close();
    expect(requests).to.equal(2);
    expect(isRetriable(error), String(error)).to.equal(true);
  });

  it('throws retriable errors for 429, 5xx, auth failures, timeouts and garbled answers', async () => {
    for (const status of [429, 500, 502, 503, 504, 401, 403, 'hang', 'garbage'] as const) {
      const error = await writeError(status);
      expect(error, String(status)).to.be.instanceOf(SawmillError);
      expect(isRetriable(error), `${String(status)}: ${String(error)}`).to.equal(true);
    }
  });

  it('throws a non-retriable error for 400 and 413 (the request itself is wrong)', async () => {
    for (const status of [400, 413]) {
      const error = await writeError(status);
      expect(error).to.be.instanceOf(SawmillError);
      expect(isRetriable(error), String(status)).to.equal(false);
    }
    expect(String(await writeError(413))).to.match(/batch byte limit/);
  });

  it('throws a retriable error when nothing listens, and is not ready', async () => {
    const config = openSearchSinkConfigSchema.parse({ url: 'http://127.0.0.1:9', requestTimeoutMs: 500 });
    const writer = createOpenSearchSink({ config, logger: pino({ level: 'silent' }) });
    const error = await writer.write(records(1)).then(() => undefined, (e: unknown) => e);
    const notReady = await writer.checkReady().then(() => undefined, (e: unknown) => e);
    await writer.close();
    expect(isRetriable(error), String(error)).to.equal(true);
    expect(String(notReady)).to.match(/opensearch not ready: ConnectionError/);
  });

  it('is ready on green or yellow and not on red', async () => {
    let status = 'yellow';
    handler = (_req, _body, res) => json(res, 200, { status, cluster_name: 'c', number_of_nodes: 1, unassigned_shards: status === 'red' ? 3 : 0 });
    const { writer } = sink();
    await writer.checkReady();
    status = 'red';
    const error = await writer.checkReady().then(() => undefined, (e: unknown) => e);
    await writer.close();
    expect(String(error)).to.match(/cluster c is red \(3 unassigned shards\)/);
  });

  it('answers a batch of only unstorable records without a request', async () => {
    let requests = 0;
    handler = (_req, _body, res) => {
      requests += 1;
      json(res, 500, {});
    };
    const { writer } = sink();
    const bad = records(2).map((r) => ({ ...r, value: { ...r.value, timestampMs: -1 } }));
    const results = await writer.write(bad);
    await writer.close();
    expect(requests).to.equal(0);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
  });

  it('fails start with "ism" retention when the cluster has no ISM plugin, and sweeps otherwise', async () => {
    const calls: string[] = [];
    handler = (req, _body, res) => {
      calls.push(`${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`);
      if ((req.url ?? '').startsWith('/_cat/plugins')) return json(res, 200, [{ component: 'opensearch-sql' }]);
      if ((req.url ?? '').startsWith('/_cat/indices')) return json(res, 200, [{ index: 'unit-logs-2000.01.01' }, { index: 'unit-logs-2999.01.01' }]);
      return json(res, 200, { acknowledged: true });
    };
    const ism = sink({ retention: 'ism' }).writer;
    const error = await ism.start().then(() => undefined, (e: unknown) => e);
    await ism.close();
    expect(String(error)).to.match(/no ISM plugin/);
    expect(isRetriable(error)).to.equal(false);

    calls.length = 0;
    const auto = sink({ retention: 'auto' }).writer;
    await auto.start();
    await auto.close();
    expect(auto.retentionMode).to.equal('sweep');
    expect(calls).to.deep.equal([
      'POST /_index_template/unit-logs-template',
      'GET /_cat/plugins',
      'GET /_cat/indices/unit-logs-*',
      'DELETE /unit-logs-2000.01.01',
    ]);
  });

  it('installs the ISM policy instead of sweeping when the plugin is there', async () => {
    const calls: string[] = [];
    let policy: unknown;
    handler = (req, body, res) => {
      calls.push(`${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`);
      if ((req.url ?? '').startsWith('/_cat/plugins')) return json(res, 200, [{ component: 'opensearch-index-management' }]);
      if (req.method === 'GET' && (req.url ?? '').startsWith('/_plugins/_ism/policies/')) return json(res, 404, { error: { type: 'status_exception' } });
      if (req.method === 'PUT' && (req.url ?? '').startsWith('/_plugins/_ism/policies/')) policy = JSON.parse(body);
      return json(res, 200, { acknowledged: true });
    };
    const writer = sink({ retentionDays: 9 }).writer;
    await writer.start();
    await writer.close();
    expect(writer.retentionMode).to.equal('ism');
    expect(calls).to.deep.equal([
      'POST /_index_template/unit-logs-template',
      'GET /_cat/plugins',
      'GET /_plugins/_ism/policies/unit-logs-retention',
      'PUT /_plugins/_ism/policies/unit-logs-retention',
    ]);
    const states = (policy as { policy: { states: Array<{ name: string; transitions: Array<{ conditions?: unknown }> }>; ism_template: unknown } }).policy;
    expect(states.states[0]?.transitions[0]?.conditions).to.deep.equal({ min_index_age: '9d' });
    expect(states.ism_template).to.deep.equal([{ index_patterns: ['unit-logs-*'], priority: 100 }]);
  });
});
