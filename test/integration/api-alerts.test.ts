// Alert rules, alerts and silences through the API on the real stack: rules validated like the Avro
// AlertRule, stored in PostgreSQL and published to a Kafka topic of the test's own (tombstone on
// delete), nothing stored when Kafka is down, roles enforced, backtests over stored statistics,
// active alerts and history from the sinks' tables, acknowledgement, silences, audit rows.
import { randomBytes } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { expect } from 'chai';
import type { Admin, Consumer, KafkaMessage } from 'kafkajs';
import { pino } from 'pino';
import { createKafka } from '../../lib/kafka/client.js';
import { topicValueSchema, type AlertRule } from '../../schemas/log-schemas.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';
import type { ApiServer } from '../../api/server.js';
import { waitFor } from '../support/wait-for.js';
import { call, createApiTestEnv, KAFKA_BROKERS, login, REGISTRY_URL, type ApiTestEnv } from './api-harness.js';

const MIN = 60_000;

describe('api: alert rules, alerts and silences (real stack)', function () {
  this.timeout(90_000);
  const topic = `api-rules-${randomBytes(4).toString('hex')}`;
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'api-alerts-test', logger: pino({ level: 'silent' }) });
  let admin: Admin;
  let consumer: Consumer;
  const messages: KafkaMessage[] = [];
  let serde: AvroSerde<AlertRule>;
  let env: ApiTestEnv;
  let server: ApiServer;
  let editor: string;
  let viewer: string;

  const thresholdRule = (over: Record<string, unknown> = {}) => ({
    id: 'checkout-errors',
    name: 'Checkout errors',
    kind: 'THRESHOLD',
    severity: 'CRITICAL',
    service: 'checkout',
    windowSizeMs: MIN,
    threshold: { metric: 'ERROR_COUNT', value: 5 },
    labels: { team: 'payments' },
    ...over,
  });

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], waitForLeaders: true });
    serde = new AvroSerde<AlertRule>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: topicValueSchema('alert-rules'), topic });
    consumer = kafka.consumer({ groupId: `api-alerts-test-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    env = await createApiTestEnv();
    await env.addUser('ed', 'editor-password-12', 'editor');
    await env.addUser('vi', 'viewer-password-12', 'viewer');
    server = await env.start({ topics: { alertRules: topic } });
    editor = (await login(server.url, 'ed', 'editor-password-12')).accessToken;
    viewer = (await login(server.url, 'vi', 'viewer-password-12')).accessToken;
  });
  after(async () => {
    await env?.close();
    await consumer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  describe('alert rules', () => {
    it('refuses a viewer creating a rule with 403', async () => {
      const result = await call(server.url, 'POST', '/api/v1/alert-rules', { token: viewer, body: thresholdRule({ id: 'by-viewer' }) });
      expect(result.status).to.equal(403);
      expect((await call(server.url, 'GET', '/api/v1/alert-rules/by-viewer', { token: viewer })).status).to.equal(404);
    });

    it('creates a rule: stored with Avro defaults filled in, published under its id, audited', async () => {
      const result = await call(server.url, 'POST', '/api/v1/alert-rules', { token: editor, body: thresholdRule() });
      expect(result.status, result.text).to.equal(201);
      const stored = result.body as { rule: AlertRule; version: number; createdBy: string };
      expect(stored.version).to.equal(1);
      expect(stored.rule).to.deep.include({ id: 'checkout-errors', enabled: true, resolveAfterWindows: 1, description: null, errorSpike: null, absence: null });
      expect(stored.rule.threshold).to.deep.equal({ metric: 'ERROR_COUNT', comparison: 'ABOVE', value: 5, fireAfterWindows: 1 });
      await waitFor('the rule on the topic', () => messages.length >= 1, { timeoutMs: 20_000 });
      const message = messages[0]!;
      expect(message.key!.toString()).to.equal('checkout-errors');
      await serde.prepare(topic, message.value);
      // avsc decodes into record class instances; compare the plain data.
      expect(JSON.parse(JSON.stringify(serde.deserialize(topic, message.value)))).to.deep.equal(stored.rule);
      const { rows } = await env.pool.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_type = 'rule' AND target_id = 'checkout-errors'`);
      expect(rows.map((row) => row.action)).to.deep.equal(['rule.create']);
      expect((await call(server.url, 'POST', '/api/v1/alert-rules', { token: editor, body: thresholdRule() })).status).to.equal(409);
    });

    it('refuses rules that do not fit the Avro AlertRule or the pipeline, with field-level 400s', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [thresholdRule({ id: 'x1', errorSpike: {} }), 'body.errorSpike'],
        [thresholdRule({ id: 'x2', threshold: null }), 'body.threshold'],
        [thresholdRule({ id: 'x3', threshold: { metric: 'ERROR_COUNT' } }), 'body.threshold.value'],
        [thresholdRule({ id: 'x4', kind: 'NOPE' }), 'body.kind'],
        [thresholdRule({ id: 'x5', windowSizeMs: 12_345 }), 'body'],
        [thresholdRule({ id: 'x6', resolveAfterWindows: 2 ** 40 }), 'body.resolveAfterWindows'],
        [thresholdRule({ id: '../../etc' }), 'body.id'],
        [thresholdRule({ id: 'x8', labels: { 'bad key!': 'v' } }), 'body.labels.bad key!'],
        [thresholdRule({ id: 'x9', role: 'admin' }), 'body'],
        [thresholdRule({ id: 'x10', name: 'x'.repeat(201) }), 'body.name'],
        [thresholdRule({ id: 'x11', threshold: { metric: 'ERROR_COUNT', value: 'NaN' } }), 'body.threshold.value'],
      ];
      for (const [body, path] of cases) {
        const result = await call(server.url, 'POST', '/api/v1/alert-rules', { token: editor, body });
        expect(result.status, JSON.stringify(body)).to.equal(400);
        const details = (result.body as { error: { details: { path: string }[] } }).error.details;
        expect(details.map((d) => d.path), JSON.stringify(body)).to.include(path);
      }
      const { rowCount } = await env.pool.query('SELECT 1 FROM alert_rules');
      expect(rowCount).to.equal(1);
    });

    it('replaces a rule (version 2, published again) and deletes it with a tombstone', async () => {
      const put = await call(server.url, 'PUT', '/api/v1/alert-rules/checkout-errors', { token: editor, body: thresholdRule({ id: undefined, threshold: { metric: 'ERROR_COUNT', value: 7 } }) });
      expect(put.status, put.text).to.equal(200);
      expect((put.body as { version: number }).version).to.equal(2);
      expect((await call(server.url, 'PUT', '/api/v1/alert-rules/checkout-errors', { token: editor, body: thresholdRule({ id: 'other' }) })).status).to.equal(400);
      await waitFor('the replacement on the topic', () => messages.length >= 2, { timeoutMs: 20_000 });
      await serde.prepare(topic, messages[1]!.value);
      expect(serde.deserialize(topic, messages[1]!.value)!.threshold!.value).to.equal(7);

      const list = await call(server.url, 'GET', '/api/v1/alert-rules?service=checkout', { token: viewer });
      expect((list.body as { rules: unknown[] }).rules).to.have.length(1);

      expect((await call(server.url, 'DELETE', '/api/v1/alert-rules/checkout-errors', { token: editor })).status).to.equal(204);
      await waitFor('the tombstone', () => messages.length >= 3, { timeoutMs: 20_000 });
      expect(messages[2]!.key!.toString()).to.equal('checkout-errors');
      expect(messages[2]!.value).to.equal(null);
      expect((await call(server.url, 'GET', '/api/v1/alert-rules/checkout-errors', { token: viewer })).status).to.equal(404);
      const { rows } = await env.pool.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_type = 'rule' AND target_id = 'checkout-errors' ORDER BY id`);
      expect(rows.map((row) => row.action)).to.deep.equal(['rule.create', 'rule.update', 'rule.delete']);
    });

    it('stores nothing and answers 503 when Kafka is down', async () => {
      const down = await env.start({ kafkaBrokers: ['127.0.0.1:1'], rules: { publishTimeoutMs: 1500 } });
      const token = (await login(down.url, 'ed', 'editor-password-12')).accessToken;
      const result = await call(down.url, 'POST', '/api/v1/alert-rules', { token, body: thresholdRule({ id: 'while-down' }) });
      expect(result.status).to.equal(503);
      expect((await call(server.url, 'GET', '/api/v1/alert-rules/while-down', { token: viewer })).status).to.equal(404);
      const { rowCount } = await env.pool.query(`SELECT 1 FROM audit_log WHERE target_id = 'while-down'`);
      expect(rowCount).to.equal(0);
    });

    it('backtests a stored rule over stored window statistics', async () => {
      const now = Date.now();
      const base = Math.floor(now / MIN) * MIN - 30 * MIN;
      const errors = [0, 9, 0, 0, 9, 9, 0, 0];
      for (const [i, count] of errors.entries()) {
        for (const [level, n] of [['INFO', 100], ['ERROR', count]] as const) {
          await env.pool.query(
            `INSERT INTO stats_windowed (service, level, window_size_ms, window_start, window_end, count, latency_count, latency_sum_ms, emitted_at)
             VALUES ('checkout', $1, 60000, to_timestamp($2::double precision / 1000), to_timestamp($2::double precision / 1000 + 60), $3, 0, 0, now())`,
            [level, base + i * MIN, n],
          );
        }
      }
      const created = await call(server.url, 'POST', '/api/v1/alert-rules', { token: editor, body: thresholdRule({ id: 'bt', resolveAfterWindows: 2 }) });
      expect(created.status, created.text).to.equal(201);
      const result = await call(server.url, 'POST', '/api/v1/alert-rules/bt/backtest', { token: viewer, body: { hours: 1 } });
      expect(result.status, result.text).to.equal(200);
      const body = result.body as { windowsEvaluated: number; episodes: { service: string; startedAtMs: number; firedAtMs: number; resolvedAtMs: number | null }[] };
      expect(body.windowsEvaluated).to.equal(8);
      expect(body.episodes.map((e) => [e.service, (e.startedAtMs - base) / MIN, (e.firedAtMs - base) / MIN, e.resolvedAtMs === null ? null : (e.resolvedAtMs - base) / MIN])).to.deep.equal([
        ['checkout', 1, 2, 4],
        ['checkout', 4, 5, 8],
      ]);
      expect((await call(server.url, 'POST', '/api/v1/alert-rules/bt/backtest', { token: viewer, body: { hours: 100_000 } })).status).to.equal(400);
      expect((await call(server.url, 'POST', '/api/v1/alert-rules/nope/backtest', { token: viewer, body: {} })).status).to.equal(404);
    });
  });

  describe('alerts', () => {
    before(async () => {
      const insertState = `INSERT INTO alert_state (fingerprint, state, rule_id, rule_name, kind, severity, service, episode_started_at, last_event_time, last_alert_id, summary, evidence, labels)
        VALUES ($1, $2, 'r1', 'Rule one', 'THRESHOLD', $3, $4, now() - interval '10 minutes', now() - $5::interval, $6, 'summary', '{}', '{}')`;
      await env.pool.query(insertState, ['fp-crit', 'FIRING', 'CRITICAL', 'checkout', '1 minute', 'a1']);
      await env.pool.query(insertState, ['fp-warn', 'FIRING', 'WARNING', 'payments', '2 minutes', 'a2']);
      await env.pool.query(insertState, ['fp-done', 'RESOLVED', 'CRITICAL', 'checkout', '3 minutes', 'a3']);
      const insertEvent = `INSERT INTO alert_events (alert_id, fingerprint, state, rule_id, rule_name, kind, severity, service, episode_started_at, event_time, summary, evidence, labels)
        VALUES ($1, $2, $3, 'r1', 'Rule one', 'THRESHOLD', 'CRITICAL', 'checkout', now() - interval '1 hour', now() - $4::interval, 's', '{}', '{}')`;
      await env.pool.query(insertEvent, ['e1', 'fp-done', 'FIRING', '50 minutes']);
      await env.pool.query(insertEvent, ['e2', 'fp-done', 'RESOLVED', '3 minutes']);
      await env.pool.query(insertEvent, ['e3', 'fp-old', 'FIRING', '3 days']);
    });

    it('lists firing alerts, most severe first, with filters', async () => {
      const all = await call(server.url, 'GET', '/api/v1/alerts/active', { token: viewer });
      expect((all.body as { alerts: { fingerprint: string }[] }).alerts.map((a) => a.fingerprint)).to.deep.equal(['fp-crit', 'fp-warn']);
      const warn = await call(server.url, 'GET', '/api/v1/alerts/active?severity=WARNING', { token: viewer });
      expect((warn.body as { alerts: { fingerprint: string }[] }).alerts.map((a) => a.fingerprint)).to.deep.equal(['fp-warn']);
      expect((await call(server.url, 'GET', '/api/v1/alerts/active?severity=LOUD', { token: viewer })).status).to.equal(400);
    });

    it('lists history in the time range, newest first', async () => {
      const history = await call(server.url, 'GET', '/api/v1/alerts/history', { token: viewer });
      expect((history.body as { events: { alertId: string }[] }).events.map((e) => e.alertId)).to.deep.equal(['e2', 'e1']);
      const firing = await call(server.url, 'GET', `/api/v1/alerts/history?state=FIRING&from=${Date.now() - 7 * 86_400_000}`, { token: viewer });
      expect((firing.body as { events: { alertId: string }[] }).events.map((e) => e.alertId)).to.deep.equal(['e1', 'e3']);
    });

    it('acknowledges a firing alert as an editor only', async () => {
      expect((await call(server.url, 'POST', '/api/v1/alerts/fp-crit/acknowledge', { token: viewer })).status).to.equal(403);
      expect((await call(server.url, 'POST', '/api/v1/alerts/fp-crit/acknowledge', { token: editor })).status).to.equal(204);
      expect((await call(server.url, 'POST', '/api/v1/alerts/fp-done/acknowledge', { token: editor })).status).to.equal(404);
      expect((await call(server.url, 'POST', `/api/v1/alerts/${encodeURIComponent("x' OR '1'='1")}/acknowledge`, { token: editor })).status).to.equal(400);
      const { rows } = await env.pool.query<{ acknowledged_by: string | null }>(`SELECT acknowledged_by FROM alert_state ORDER BY fingerprint`);
      expect(rows.map((row) => row.acknowledged_by)).to.deep.equal(['ed', null, null]);
    });

    it("shows the notifier's delivery status of an alert", async () => {
      const result = await call(server.url, 'GET', '/api/v1/alerts/fp-crit/notifications', { token: viewer });
      expect(result.status).to.equal(200);
      expect(result.body).to.deep.equal({ fingerprint: 'fp-crit', current: null, silenced: false, notices: [] });
    });
  });

  describe('silences', () => {
    it('creates, lists, replaces and deletes silences, audited', async () => {
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      const created = await call(server.url, 'POST', '/api/v1/silences', { token: editor, body: { matchers: [{ label: 'service', value: 'checkout' }, { label: 'rule_id', value: 'r.*', isRegex: true }], endsAt, comment: 'deploy' } });
      expect(created.status, created.text).to.equal(201);
      const silence = created.body as { id: string; createdBy: string; matchers: unknown[] };
      expect(silence.createdBy).to.equal('ed');
      expect(silence.matchers).to.deep.equal([{ label: 'service', value: 'checkout', isRegex: false }, { label: 'rule_id', value: 'r.*', isRegex: true }]);
      const listed = await call(server.url, 'GET', '/api/v1/silences', { token: viewer });
      expect((listed.body as { silences: { id: string }[] }).silences.map((s) => s.id)).to.deep.equal([silence.id]);
      const replaced = await call(server.url, 'PUT', `/api/v1/silences/${silence.id}`, { token: editor, body: { matchers: [{ label: 'service', value: 'payments' }], endsAt } });
      expect(replaced.status).to.equal(200);
      expect((await call(server.url, 'DELETE', `/api/v1/silences/${silence.id}`, { token: editor })).status).to.equal(204);
      expect((await call(server.url, 'DELETE', `/api/v1/silences/${silence.id}`, { token: editor })).status).to.equal(404);
      const { rows } = await env.pool.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_type = 'silence' ORDER BY id`);
      expect(rows.map((row) => row.action)).to.deep.equal(['silence.create', 'silence.update', 'silence.delete']);
    });

    it('refuses catastrophic regexes, bad times, empty matchers and viewers', async () => {
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ matchers: [{ label: 'service', value: '(a+)+$', isRegex: true }], endsAt }, 'body.matchers'],
        [{ matchers: [], endsAt }, 'body.matchers'],
        [{ matchers: [{ label: 'service', value: 'x' }], endsAt: '2000-01-01T00:00:00Z' }, 'body.endsAt'],
        [{ matchers: [{ label: 'service', value: 'x' }], endsAt: 'tomorrow' }, 'body.endsAt'],
        [{ matchers: [{ label: 'bad label!', value: 'x' }], endsAt }, 'body.matchers'],
      ];
      for (const [body, path] of cases) {
        const result = await call(server.url, 'POST', '/api/v1/silences', { token: editor, body });
        expect(result.status, JSON.stringify(body)).to.equal(400);
        expect((result.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).to.include(path);
      }
      expect((await call(server.url, 'POST', '/api/v1/silences', { token: viewer, body: { matchers: [{ label: 'service', value: 'x' }], endsAt } })).status).to.equal(403);
    });
  });
});
