// Contract: the OpenAPI document lists exactly the routes express serves, every operation is called
// here at least once on the real stack, and every answer's status is documented and its JSON body
// matches the documented schema (ajv, JSON Schema 2020-12).
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { createKafka } from '../../lib/kafka/client.js';
import { startHealthServer, type HealthServer } from '../../lib/health-server.js';
import { createAgentMetrics } from '../../agent/agent-metrics.js';
import { logIndexMappings } from '../../sinks/opensearch/index-template.js';
import type { ApiServer } from '../../api/server.js';
import type { OpenApiDocument } from '../../api/openapi/openapi-document.js';
import { openApiPath } from '../../api/openapi/openapi-document.js';
import { call, createApiTestEnv, KAFKA_BROKERS, login, type ApiTestEnv, type HttpResult } from './api-harness.js';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) express serves, walking mounted routers. */
function expressRoutes(stack: readonly Layer[]): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route !== undefined) {
      // A route may serve several paths (express accepts an array, e.g. the dashboard's `/` and `/index.html`).
      const paths: string[] = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const method of Object.keys(layer.route.methods)) {
        if (method !== '_all') for (const path of paths) out.push(`${method} ${openApiPath(path)}`);
      }
    } else if (layer.handle?.stack !== undefined) {
      out.push(...expressRoutes(layer.handle.stack));
    }
  }
  return out;
}

describe('api: OpenAPI contract (real stack)', function () {
  this.timeout(120_000);
  const suffix = randomBytes(4).toString('hex');
  const rulesTopic = `api-contract-rules-${suffix}`;
  const dlqTopic = `api-contract-dlq-${suffix}`;
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'api-contract-test', logger: pino({ level: 'silent' }) });
  let admin: Admin;
  let env: ApiTestEnv;
  let server: ApiServer;
  let doc: OpenApiDocument;
  let agentServer: HealthServer;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const exercised = new Set<string>();
  const problems: string[] = [];

  /** Calls one operation and checks the answer against the document. */
  async function check(method: string, template: string, path: string, options: Parameters<typeof call>[3] = {}, expectStatus?: number): Promise<HttpResult> {
    const result = await call(server.url, method.toUpperCase(), path, options);
    const op = doc.paths[template]?.[method];
    const key = `${method} ${template}`;
    if (op === undefined) {
      problems.push(`${key}: not in the document`);
      return result;
    }
    exercised.add(key);
    if (expectStatus !== undefined && result.status !== expectStatus) problems.push(`${key}: expected ${expectStatus}, got ${result.status} ${result.text.slice(0, 300)}`);
    const response = op.responses[String(result.status)];
    if (response === undefined) {
      problems.push(`${key}: status ${result.status} is not documented (${Object.keys(op.responses).join(', ')})`);
      return result;
    }
    const schema = response.content?.['application/json']?.schema;
    if (schema !== undefined) {
      const validate = ajv.compile(schema as object);
      if (!validate(result.body)) problems.push(`${key} ${result.status}: body does not match: ${ajv.errorsText(validate.errors)} ${result.text.slice(0, 200)}`);
    }
    return result;
  }

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: rulesTopic, numPartitions: 1 }, { topic: dlqTopic, numPartitions: 1 }], waitForLeaders: true });
    env = await createApiTestEnv();
    await env.addUser('root', 'root-password-1234', 'admin');
    await env.addUser('ed', 'editor-password-12', 'editor');
    await env.addUser('vi', 'viewer-password-12', 'viewer');
    const index = `${env.indexPrefix}2026.11.30`;
    await env.opensearch.indices.create({ index, body: { mappings: logIndexMappings() } as never });
    const t = Date.UTC(2026, 10, 30, 12);
    await env.opensearch.bulk({
      refresh: true,
      body: [0, 1, 2].flatMap((i) => [
        { index: { _index: index, _id: `c-${i}` } },
        { eventId: `c-${i}`, timestampMs: t + i, '@timestamp': new Date(t + i).toISOString(), service: 'checkout', host: 'h', level: 'INFO', message: `hello ${i}`, streamId: 's', sourceOffset: i, sourceId: 'app-log' },
      ]),
    });
    await env.pool.query(`INSERT INTO alert_state (fingerprint, state, rule_id, rule_name, kind, severity, service, episode_started_at, last_event_time, last_alert_id, summary, evidence, labels)
      VALUES ('fp1', 'FIRING', 'r', 'R', 'THRESHOLD', 'CRITICAL', 'checkout', now(), now(), 'a1', 's', '{}', '{}')`);
    // The agent's own metrics registry served by the shared health server, as a running agent does.
    const agentMetrics = createAgentMetrics(['app-log', 'idle-log'], { defaultMetrics: false });
    agentMetrics.linesRead.inc({ source: 'app-log' }, 5);
    agentMetrics.acknowledged.inc({ source: 'app-log' }, 4);
    agentServer = await startHealthServer({ registry: agentMetrics.registry, port: 0 });
    server = await env.start({ topics: { alertRules: rulesTopic, logsDlq: dlqTopic }, delivery: { agentMetricsUrls: [agentServer.url, 'http://127.0.0.1:1'], timeoutMs: 1000 } });
    doc = (await call(server.url, 'GET', '/api/v1/openapi.json')).body as OpenApiDocument;
  });
  after(async () => {
    await env?.close();
    await agentServer?.close();
    await admin?.deleteTopics({ topics: [rulesTopic, dlqTopic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('documents exactly the routes express serves', () => {
    // The dashboard's static files (dashboard/serve-dashboard.ts: `/`, `/index.html`, `/assets/*`) are not API operations.
    const served = expressRoutes((server.api.app as unknown as { router: { stack: Layer[] } }).router.stack)
      .filter((route) => route !== 'get /' && route !== 'get /index.html')
      .sort();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)).sort();
    expect(served).to.deep.equal(documented);
    expect(documented.length).to.be.greaterThan(40);
  });

  it('answers every operation with a documented status and a body matching its schema', async () => {
    const root = await login(server.url, 'root', 'root-password-1234');
    const ed = (await login(server.url, 'ed', 'editor-password-12')).accessToken;
    const vi = (await login(server.url, 'vi', 'viewer-password-12')).accessToken;
    const token = root.accessToken;

    await check('get', '/healthz', '/healthz', {}, 200);
    await check('get', '/readyz', '/readyz', {}, 200);
    await check('get', '/metrics', '/metrics', {}, 200);
    await check('get', '/api/v1/openapi.json', '/api/v1/openapi.json', {}, 200);
    const page = await check('get', '/api/docs', '/api/docs', {}, 200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.text).to.include('/api/v1/logs/search');
    expect(page.text).not.to.match(/<script|https?:\/\/(?!127\.)/);

    await check('post', '/api/v1/auth/login', '/api/v1/auth/login', { body: { username: 'root', password: 'wrong-password' } }, 401);
    const refreshed = await check('post', '/api/v1/auth/refresh', '/api/v1/auth/refresh', { body: { refreshToken: root.refreshToken } }, 200);
    await check('post', '/api/v1/auth/logout', '/api/v1/auth/logout', { body: { refreshToken: (refreshed.body as { refreshToken: string }).refreshToken } }, 204);
    await check('get', '/api/v1/auth/me', '/api/v1/auth/me', { token }, 200);

    await check('get', '/api/v1/users', '/api/v1/users', { token }, 200);
    const user = await check('post', '/api/v1/users', '/api/v1/users', { token, body: { username: 'temp', password: 'temp-password-123', role: 'viewer' } }, 201);
    const userId = (user.body as { id: string }).id;
    await check('patch', '/api/v1/users/me', '/api/v1/users/me', { token: vi, body: { currentPassword: 'viewer-password-12', newPassword: 'viewer-password-12' } }, 200);
    await check('patch', '/api/v1/users/{id}', `/api/v1/users/${userId}`, { token, body: { disabled: true } }, 200);
    await check('delete', '/api/v1/users/{id}', `/api/v1/users/${userId}`, { token }, 204);

    const key = await check('post', '/api/v1/api-keys', '/api/v1/api-keys', { token: ed, body: { name: 'script', scope: 'viewer', expiresInDays: 30 } }, 201);
    await check('get', '/api/v1/api-keys', '/api/v1/api-keys', { token: ed }, 200);
    await check('delete', '/api/v1/api-keys/{id}', `/api/v1/api-keys/${(key.body as { key: { id: string } }).key.id}`, { token: ed }, 204);

    await check('get', '/api/v1/logs/search', `/api/v1/logs/search?q=hello&size=2`, { token: vi }, 200);
    await check('get', '/api/v1/logs/search', `/api/v1/logs/search?size=99999`, { token: vi }, 400);
    await check('get', '/api/v1/logs/tail', '/api/v1/logs/tail', { token: vi }, 503);
    await check('get', '/api/v1/logs/{id}', '/api/v1/logs/c-1', { token: vi }, 200);
    await check('get', '/api/v1/logs/{id}', '/api/v1/logs/nope', { token: vi }, 404);
    await check('get', '/api/v1/logs/{id}/context', '/api/v1/logs/c-1/context?before=1&after=1', { token: vi }, 200);

    await check('get', '/api/v1/stats/volume', '/api/v1/stats/volume?interval=5m', { token: vi }, 200);
    await check('get', '/api/v1/stats/error-rate', '/api/v1/stats/error-rate', { token: vi }, 200);
    await check('get', '/api/v1/stats/top', '/api/v1/stats/top?dimension=host', { token: vi }, 200);

    const rule = { id: 'contract-rule', name: 'R', kind: 'ABSENCE', severity: 'INFO', service: 'checkout', absence: {} };
    await check('post', '/api/v1/alert-rules', '/api/v1/alert-rules', { token: vi, body: rule }, 403);
    await check('post', '/api/v1/alert-rules', '/api/v1/alert-rules', { token: ed, body: rule }, 201);
    await check('get', '/api/v1/alert-rules', '/api/v1/alert-rules', { token: vi }, 200);
    await check('get', '/api/v1/alert-rules/{id}', '/api/v1/alert-rules/contract-rule', { token: vi }, 200);
    await check('put', '/api/v1/alert-rules/{id}', '/api/v1/alert-rules/contract-rule', { token: ed, body: { ...rule, enabled: false } }, 200);
    await check('post', '/api/v1/alert-rules/{id}/backtest', '/api/v1/alert-rules/contract-rule/backtest', { token: vi, body: { hours: 2 } }, 200);
    await check('delete', '/api/v1/alert-rules/{id}', '/api/v1/alert-rules/contract-rule', { token: ed }, 204);

    await check('get', '/api/v1/alerts/active', '/api/v1/alerts/active', { token: vi }, 200);
    await check('get', '/api/v1/alerts/history', '/api/v1/alerts/history', { token: vi }, 200);
    await check('post', '/api/v1/alerts/{fingerprint}/acknowledge', '/api/v1/alerts/fp1/acknowledge', { token: ed }, 204);
    await check('get', '/api/v1/alerts/{fingerprint}/notifications', '/api/v1/alerts/fp1/notifications', { token: vi }, 200);

    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const silence = await check('post', '/api/v1/silences', '/api/v1/silences', { token: ed, body: { matchers: [{ label: 'service', value: 'checkout' }], endsAt } }, 201);
    const silenceId = (silence.body as { id: string }).id;
    await check('get', '/api/v1/silences', '/api/v1/silences?all=true', { token: vi }, 200);
    await check('put', '/api/v1/silences/{id}', `/api/v1/silences/${silenceId}`, { token: ed, body: { matchers: [{ label: 'service', value: 'x' }], endsAt } }, 200);
    await check('delete', '/api/v1/silences/{id}', `/api/v1/silences/${silenceId}`, { token: ed }, 204);

    await check('get', '/api/v1/schemas/subjects', '/api/v1/schemas/subjects', { token: vi }, 200);
    const subject = `${rulesTopic}-value`;
    await check('get', '/api/v1/schemas/subjects/{subject}/versions', `/api/v1/schemas/subjects/${subject}/versions`, { token: vi }, 200);
    await check('get', '/api/v1/schemas/subjects/{subject}/versions/{version}', `/api/v1/schemas/subjects/${subject}/versions/latest`, { token: vi }, 200);
    await check('get', '/api/v1/schemas/subjects/{subject}/versions/{version}', `/api/v1/schemas/subjects/${subject}/versions/${encodeURIComponent('1 OR 1')}`, { token: vi }, 400);

    await check('get', '/api/v1/dead-letters', '/api/v1/dead-letters?limit=5', { token: vi }, 200);
    await check('post', '/api/v1/dead-letters/replay', '/api/v1/dead-letters/replay', { token: ed, body: {} }, 403);
    await check('post', '/api/v1/dead-letters/replay', '/api/v1/dead-letters/replay', { token, body: { dryRun: true } }, 200);

    const audit = await check('get', '/api/v1/audit', '/api/v1/audit?targetType=rule&limit=10', { token }, 200);
    expect((audit.body as { entries: { action: string }[] }).entries.map((e) => e.action)).to.deep.equal(['rule.delete', 'rule.update', 'rule.create']);
    await check('get', '/api/v1/audit', '/api/v1/audit', { token: ed }, 403);

    const delivery = await check('get', '/api/v1/delivery', '/api/v1/delivery', { token: vi }, 200);
    const report = delivery.body as { sources: unknown[]; agentsUnreachable: { url: string }[] };
    expect(report.sources).to.deep.equal([
      { source: 'app-log', agent: { read: 5, acknowledged: 4, spooled: 0, dropped: 0, truncated: 0 }, storedOpenSearch: 3, notYetStored: 1 },
      { source: 'idle-log', agent: { read: 0, acknowledged: 0, spooled: 0, dropped: 0, truncated: 0 }, storedOpenSearch: 0, notYetStored: 0 },
    ]);
    expect(report.agentsUnreachable.map((a) => a.url)).to.deep.equal(['http://127.0.0.1:1']);

    expect(problems, problems.join('\n')).to.deep.equal([]);
    const all = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(all.filter((op) => !exercised.has(op))).to.deep.equal([]);
  });

  it('answers every protected operation without credentials with a documented 401 error body', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (op['x-sawmill-access'] === 'public') continue;
        const concrete = path.replace(/\{[^}]+\}/g, 'x');
        await check(method, path, concrete, method === 'get' || method === 'delete' ? {} : { body: {} }, 401);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
