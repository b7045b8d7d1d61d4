// The live tail over real Kafka (own topic, Avro through the shared registry): server-sent events
// with the search filters, one consumer group per instance, a cap of open streams per user, and
// log lines with CRLF and ANSI escapes arriving as one event each.
import { randomBytes } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { expect } from 'chai';
import type { Admin, Producer } from 'kafkajs';
import { pino } from 'pino';
import { createKafka } from '../../lib/kafka/client.js';
import { topicValueSchema, type EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';
import type { ApiServer } from '../../api/server.js';
import { waitFor } from '../support/wait-for.js';
import { call, createApiTestEnv, KAFKA_BROKERS, login, REGISTRY_URL, type ApiTestEnv } from './api-harness.js';

interface SseClient {
  events: Array<{ event: string; data: string }>;
  close(): void;
}

/** Opens an SSE stream with fetch and parses its events as they arrive. */
async function openTail(url: string, token: string): Promise<{ status: number; client?: SseClient; text?: string }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200) return { status: response.status, text: await response.text() };
  const events: SseClient['events'] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
          if (event !== undefined) events.push({ event, data: data.join('\n') });
        }
      }
    } catch {
      // aborted
    }
  })();
  return { status: 200, client: { events, close: () => controller.abort() } };
}

describe('api: live tail over Kafka (SSE)', function () {
  this.timeout(90_000);
  const topic = `api-tail-${randomBytes(4).toString('hex')}`;
  const logger = pino({ level: 'silent' });
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: 'api-tail-test', logger });
  let admin: Admin;
  let producer: Producer;
  let serde: AvroSerde<EnrichedLogEvent>;
  let env: ApiTestEnv;
  let server: ApiServer;
  let token: string;
  let seq = 0;

  const produce = async (events: EnrichedLogEvent[]): Promise<void> => {
    await producer.send({ topic, messages: events.map((event) => ({ key: event.service, value: serde.serialize(topic, event) })) });
  };

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    producer = kafka.producer();
    await producer.connect();
    serde = new AvroSerde<EnrichedLogEvent>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: topicValueSchema('logs.enriched'), topic });
    await serde.init();
    env = await createApiTestEnv();
    await env.addUser('watcher', 'watcher-password-1', 'viewer');
    server = await env.start({ topics: { logsEnriched: topic }, tail: { enabled: true, maxPerUser: 2 } });
    token = (await login(server.url, 'watcher', 'watcher-password-1')).accessToken;
  });
  after(async () => {
    await env?.close();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('streams only the events matching the filters, each as one escaped event, and caps streams per user', async () => {
    const tail = await openTail(`${server.url}/api/v1/logs/tail?service=checkout&level=ERROR,FATAL`, token);
    expect(tail.status).to.equal(200);
    const client = tail.client!;
    const logs = () => client.events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data) as EnrichedLogEvent);
    await waitFor('the ready event', () => client.events.some((e) => e.event === 'ready'), { timeoutMs: 10_000 });

    // The consumer starts at the latest offset once it joined; probe until one arrives.
    await waitFor(
      'the tail consumer to receive a probe',
      async () => {
        await produce([sampleEvent(seq++, { service: 'checkout', level: 'ERROR', message: 'probe', eventId: `probe-${seq}` })]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return logs().length > 0;
      },
      { timeoutMs: 60_000, intervalMs: 10 },
    );
    const before = logs().length;

    const crlf = 'boom\r\nHTTP/1.1 200 OK\u001b[31m red \u001b[0m';
    const batch = [
      sampleEvent(1000, { eventId: 'keep-1', service: 'checkout', level: 'ERROR', message: crlf }),
      sampleEvent(1001, { eventId: 'drop-1', service: 'checkout', level: 'INFO' }),
      sampleEvent(1002, { eventId: 'drop-2', service: 'payments', level: 'ERROR' }),
      sampleEvent(1003, { eventId: 'keep-2', service: 'checkout', level: 'FATAL' }),
    ];
    await produce(batch);
    await waitFor('both matching events', () => logs().length >= before + 2, { timeoutMs: 20_000 });
    const got = logs().slice(before);
    expect(got.map((e) => e.eventId).sort()).to.deep.equal(['keep-1', 'keep-2']);
    expect(got.find((e) => e.eventId === 'keep-1')!.message).to.equal(crlf);

    const second = await openTail(`${server.url}/api/v1/logs/tail`, token);
    expect(second.status).to.equal(200);
    const third = await openTail(`${server.url}/api/v1/logs/tail`, token);
    expect(third.status).to.equal(429);
    second.client!.close();
    await waitFor('the closed stream to free its slot', async () => {
      const again = await openTail(`${server.url}/api/v1/logs/tail`, token);
      again.client?.close();
      return again.status === 200;
    }, { timeoutMs: 10_000 });
    client.close();
  });

  it('refuses bad filters with 400 and no credentials with 401', async () => {
    expect((await call(server.url, 'GET', '/api/v1/logs/tail?level=LOUD', { token })).status).to.equal(400);
    expect((await call(server.url, 'GET', '/api/v1/logs/tail')).status).to.equal(401);
  });
});
