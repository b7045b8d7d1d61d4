/**
 * `sawmill demo` with `alertRules` creates the demo's alert rules through a real API (its own
 * database and alert-rules topic) exactly once: a restarted demo finds them in place and changes
 * nothing, as the local stack's second `make up` does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import type { ApiServer } from '../../api/server.js';
import { DEMO_ALERT_RULES } from '../../bin/commands/demo-alert-rules.js';
import { createKafka } from '../../lib/kafka/client.js';
import { freePort } from '../support/kafka-node.js';
import { sawmillProcess, type SawmillProcess } from '../support/sawmill-process.js';
import { waitFor } from '../support/wait-for.js';
import { call, createApiTestEnv, KAFKA_BROKERS, login, type ApiTestEnv } from './api-harness.js';

const DEMO_IDS = DEMO_ALERT_RULES.map((rule) => rule.id).sort();

/** The value of an unlabelled-but-for-component sample in a /metrics text, or undefined when absent. */
function sample(metrics: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics);
  return match === null ? undefined : Number(match[1]);
}

describe('sawmill demo creates its alert rules once (integration)', function () {
  this.timeout(180_000);
  const id = randomBytes(4).toString('hex');
  const topic = `demo-rules-${id}`;
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'demo-alert-rules-test', logger: pino({ level: 'silent' }) });
  const dir = mkdtempSync(join(tmpdir(), 'demo-alert-rules-'));
  let admin: Admin | undefined;
  let env: ApiTestEnv | undefined;
  let server: ApiServer;
  let demo: SawmillProcess | undefined;
  let viewerToken: string;
  let demoAdminId: string;

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], waitForLeaders: true });
    env = await createApiTestEnv();
    demoAdminId = await env.addUser('demo-admin', 'demo-admin-password-1', 'admin');
    await env.addUser('watcher', 'watcher-password-12', 'viewer');
    server = await env.start({ topics: { alertRules: topic } });
    viewerToken = (await login(server.url, 'watcher', 'watcher-password-12')).accessToken;
    writeFileSync(join(dir, 'admin-password'), 'demo-admin-password-1\n', { mode: 0o600 });
    const port = await freePort();
    demo = sawmillProcess({
      args: ['demo'],
      config: {
        rate: 20,
        incident: 'off',
        dir: join(dir, 'logs'),
        metricsPort: port,
        alertRules: { apiUrl: server.url, username: 'demo-admin', passwordFile: join(dir, 'admin-password') },
      },
      configPath: join(dir, 'demo.yaml'),
      port,
    });
  });

  after(async () => {
    await demo?.stop();
    await env?.close();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the running demo reports every rule in place; returns how many it created. */
  async function rulesInPlace(): Promise<number> {
    let metrics = '';
    await waitFor('sawmill_demo_alert_rules_pending 0', async () => {
      metrics = await demo!.metrics();
      return sample(metrics, 'sawmill_demo_alert_rules_pending') === 0;
    }, { timeoutMs: 60_000, intervalMs: 250, detail: () => `\n${demo!.output()}` });
    return sample(metrics, 'sawmill_demo_alert_rules_created_total')!;
  }

  async function storedRules(): Promise<{ id: string; version: number }[]> {
    const list = await call(server.url, 'GET', '/api/v1/alert-rules', { token: viewerToken });
    expect(list.status, list.text).to.equal(200);
    return (list.body as { rules: { rule: { id: string }; version: number }[] }).rules.map((stored) => ({ id: stored.rule.id, version: stored.version })).sort((a, b) => a.id.localeCompare(b.id));
  }

  async function createAudits(): Promise<string[]> {
    const result = await env!.pool.query<{ target_id: string }>("SELECT target_id FROM audit_log WHERE action = 'rule.create' ORDER BY target_id");
    return result.rows.map((row) => row.target_id);
  }

  it('the first start creates every demo rule, as the configured user', async () => {
    expect(await storedRules()).to.deep.equal([]);
    await demo!.start();
    expect(await rulesInPlace()).to.equal(DEMO_ALERT_RULES.length);
    expect(await storedRules()).to.deep.equal(DEMO_IDS.map((ruleId) => ({ id: ruleId, version: 1 })));
    expect(await createAudits()).to.deep.equal(DEMO_IDS);
    const one = await call(server.url, 'GET', `/api/v1/alert-rules/${DEMO_IDS[0]!}`, { token: viewerToken });
    expect((one.body as { createdBy: string }).createdBy).to.equal(`user:${demoAdminId}`);
  });

  it('a restarted demo finds them in place and creates, changes and publishes nothing', async () => {
    await demo!.restart();
    expect(await rulesInPlace()).to.equal(0);
    expect(await storedRules()).to.deep.equal(DEMO_IDS.map((ruleId) => ({ id: ruleId, version: 1 })));
    expect(await createAudits()).to.deep.equal(DEMO_IDS);
  });
});
