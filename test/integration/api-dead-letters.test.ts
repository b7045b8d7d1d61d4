// Dead letters through the API on real Kafka (topics of the test's own): the newest letters with
// reasons, replay by admins only, and a replay refused when a letter's source-topic header points
// outside the allowed targets (a forged header must not let anyone write to e.g. alert-rules).
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Admin, Consumer, KafkaMessage, Producer } from 'kafkajs';
import { pino } from 'pino';
import { createKafka } from '../../lib/kafka/client.js';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';
import type { ApiServer } from '../../api/server.js';
import { waitFor } from '../support/wait-for.js';
import { call, createApiTestEnv, KAFKA_BROKERS, login, type ApiTestEnv } from './api-harness.js';

describe('api: dead letters (real Kafka)', function () {
  this.timeout(90_000);
  const suffix = randomBytes(4).toString('hex');
  const dlq = `api-dlq-${suffix}`;
  const raw = `api-dlq-raw-${suffix}`;
  const forbidden = `api-dlq-rules-${suffix}`;
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'api-dlq-test', logger: pino({ level: 'silent' }) });
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  const received: Array<{ topic: string; message: KafkaMessage }> = [];
  let env: ApiTestEnv;
  let server: ApiServer;
  let root: string;
  let editor: string;

  const letter = (value: string, reason: string, sourceTopic: string) => ({
    key: 'host-1/app',
    value: Buffer.from(value),
    headers: { [DLQ_HEADERS.reason]: reason, [DLQ_HEADERS.sourceTopic]: sourceTopic, [DLQ_HEADERS.sourcePartition]: '0', [DLQ_HEADERS.sourceOffset]: '7', [DLQ_HEADERS.processor]: 'validate', [DLQ_HEADERS.timestamp]: String(Date.now()) },
  });

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [dlq, raw, forbidden].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: dlq, messages: [letter('not avro at all', 'bad-framing: magic byte 0x7b', raw), letter('{"id":"evil","kind":"THRESHOLD"}', 'forged: replay me', forbidden)] });
    consumer = kafka.consumer({ groupId: `api-dlq-test-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [raw, forbidden], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void received.push({ topic, message }) });
    env = await createApiTestEnv();
    await env.addUser('root', 'root-password-1234', 'admin');
    await env.addUser('ed', 'editor-password-12', 'editor');
    server = await env.start({ topics: { logsDlq: dlq, replayTargets: [raw] } });
    root = (await login(server.url, 'root', 'root-password-1234')).accessToken;
    editor = (await login(server.url, 'ed', 'editor-password-12')).accessToken;
  });
  after(async () => {
    await env?.close();
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [dlq, raw, forbidden] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('lists the newest dead letters with reason and origin, never the payload', async () => {
    const result = await call(server.url, 'GET', '/api/v1/dead-letters?limit=10', { token: editor });
    expect(result.status, result.text).to.equal(200);
    const letters = (result.body as { letters: Array<Record<string, unknown>> }).letters;
    expect(letters.map((l) => [l['reason'], l['sourceTopic'], l['processor'], l['valueBytes']])).to.deep.equal([
      ['bad-framing: magic byte 0x7b', raw, 'validate', 15],
      ['forged: replay me', forbidden, 'validate', 32],
    ]);
    expect(result.text).not.to.include('not avro at all');
    expect((await call(server.url, 'GET', '/api/v1/dead-letters?limit=100000', { token: editor })).status).to.equal(400);
  });

  it('refuses a replay that would write outside the allowed topics, and lets only admins replay', async () => {
    expect((await call(server.url, 'POST', '/api/v1/dead-letters/replay', { token: editor, body: { dryRun: false } })).status).to.equal(403);
    const refused = await call(server.url, 'POST', '/api/v1/dead-letters/replay', { token: root, body: { dryRun: false } });
    expect(refused.status).to.equal(400);
    expect(refused.text).to.include(forbidden);
    expect(received).to.have.length(0);
  });

  it('replays the allowed letters with their original bytes and audits it', async () => {
    const result = await call(server.url, 'POST', '/api/v1/dead-letters/replay', { token: root, body: { dryRun: false, reason: 'bad-framing' } });
    expect(result.status, result.text).to.equal(200);
    expect(result.body).to.deep.equal({ scanned: 2, matched: 1, replayed: 1, skipped: 0, byTopic: { [raw]: 1 } });
    await waitFor('the replayed record', () => received.length >= 1, { timeoutMs: 20_000 });
    expect(received.map((r) => [r.topic, r.message.value?.toString()])).to.deep.equal([[raw, 'not avro at all']]);
    const { rows } = await env.pool.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_type = 'dead-letter' ORDER BY id`);
    expect(rows.map((row) => row.action)).to.deep.equal(['dead-letter.replay']);
  });
});
