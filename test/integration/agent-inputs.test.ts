import { expect } from 'chai';
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { agentConfigSchema } from '../../agent/config.js';
import { parseAgentMetrics } from '../../agent/agent-metrics.js';
import { runAgent, type RunningAgent } from '../../agent/run.js';
import { createLogger } from '../../lib/logger.js';
import { collectTopic, createTopic, deleteTopics, KAFKA_BROKERS, startTestRegistry, uniqueName, waitFor, type TestRegistry, type TopicCollector } from './agent-harness.js';

const TOKEN = 'it-token-0123456789abcdef';

const STACK_TRACE = [
  '2026-12-01 10:15:02,123 ERROR [main] com.example.OrderService - order 42 failed',
  'java.lang.IllegalStateException: inventory unavailable',
  '\tat com.example.Inventory.reserve(Inventory.java:88)',
  '\tat com.example.OrderService.place(OrderService.java:41)',
  '\tat com.example.Main.main(Main.java:12)',
  'Caused by: java.net.SocketTimeoutException: Read timed out',
  '\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)',
  '\t... 3 more',
];

describe('agent inputs: multiline file, HTTP push, stdin (real Kafka)', function () {
  this.timeout(120_000);
  const topic = uniqueName('it-agent-inputs');
  let registry: TestRegistry;
  let collector: TopicCollector;
  let agent: RunningAgent;
  let dir: string;
  let logs: string;
  const stdin = new PassThrough();

  before(async () => {
    registry = await startTestRegistry();
    await createTopic(topic, 3);
    collector = await collectTopic(topic, registry.client);
    dir = await mkdtemp(join(tmpdir(), 'agent-inputs-'));
    logs = join(dir, 'logs');
    await mkdir(logs);
    const config = agentConfigSchema.parse({
      agentId: 'it-inputs',
      host: 'it-host',
      sources: [
        { type: 'file', id: 'java', include: [`${logs}/*.log`], pollIntervalMs: 50, scanIntervalMs: 200, multiline: { preset: 'java', timeoutMs: 300 }, labels: { service: 'orders' } },
        { type: 'http', id: 'push', port: 0, maxBodyBytes: 4096, tokens: [TOKEN], labels: { service: 'pushed' }, parser: { format: 'json' } },
        { type: 'stdin', id: 'in', labels: { service: 'piped' } },
      ],
      kafka: { brokers: KAFKA_BROKERS, topic, lingerMs: 5 },
      maxLineBytes: 1024,
      registry: { url: registry.url },
      spool: { dir: join(dir, 'spool') },
      checkpointPath: join(dir, 'checkpoint.json'),
      metricsPort: 0,
    });
    agent = await runAgent({ config, logger: createLogger('agent', { level: 'fatal' }), defaultMetrics: false, stdin });
  });

  after(async () => {
    await agent?.stop();
    await collector?.stop();
    await registry?.close();
    await deleteTopics([topic]);
    await rm(dir, { recursive: true, force: true });
  });

  it('ships a Java stack trace as one event, and the next line as its own', async () => {
    await appendFile(join(logs, 'app.log'), `${STACK_TRACE.join('\n')}\n2026-12-01 10:15:03,000 INFO [main] com.example.Main - next\n`);
    await waitFor('two events from the java source', () => collector.events.filter((e) => e.source.id === 'java').length >= 2, { timeoutMs: 30_000, intervalMs: 200 });
    const events = collector.events.filter((e) => e.source.id === 'java');
    expect(events).to.have.length(2);
    expect(events[0]?.line).to.equal(STACK_TRACE.join('\n'));
    expect(events[0]?.level).to.equal('ERROR');
    expect(events[0]?.source.offset).to.equal(0);
    expect(events[1]?.line).to.include('INFO [main] com.example.Main - next');
    const { sources } = parseAgentMetrics(await (await fetch(`${agent.metricsUrl}/metrics`)).text());
    expect(sources.find((s) => s.source === 'java')).to.include({ read: STACK_TRACE.length + 1, acknowledged: STACK_TRACE.length + 1, dropped: 0 });
  });

  it('truncates a line longer than maxLineBytes with a flag instead of dropping it', async () => {
    const long = `2026-12-01 10:16:00,000 INFO [main] com.example.Big - ${'L'.repeat(3000)}`;
    await appendFile(join(logs, 'app.log'), `${long}\n`);
    await waitFor('the long line', () => collector.events.some((e) => e.line.startsWith('2026-12-01 10:16:00,000')), { timeoutMs: 30_000, intervalMs: 200 });
    const event = collector.events.find((e) => e.line.startsWith('2026-12-01 10:16:00,000'));
    expect(event?.truncated).to.equal(true);
    expect(Buffer.byteLength(event?.line ?? '')).to.equal(1024);
    await waitFor('acknowledged', async () => {
      const { sources } = parseAgentMetrics(await (await fetch(`${agent.metricsUrl}/metrics`)).text());
      const java = sources.find((s) => s.source === 'java');
      return java?.truncated === 1 && java.acknowledged === java.read && java.dropped === 0;
    }, { timeoutMs: 10_000, intervalMs: 200 });
  });

  it('HTTP push: 401 without a valid token, 413 over the size limit, 400 naming the bad line', async () => {
    const url = agent.httpUrls['push'] ?? '';
    expect((await fetch(url, { method: 'POST', body: '{"a":1}\n' })).status).to.equal(401);
    expect((await fetch(url, { method: 'POST', body: '{"a":1}\n', headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).to.equal(401);
    const big = await fetch(url, { method: 'POST', body: `{"m":"${'x'.repeat(5000)}"}\n`, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(big.status).to.equal(413);
    const bad = await fetch(url, { method: 'POST', body: '{"ok":1}\n{not json}\n', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { line: number }).line).to.equal(2);
  });

  it('HTTP push: answers 200 once the lines are durable; a retried request keeps its event ids', async () => {
    const url = agent.httpUrls['push'] ?? '';
    const body = '{"level":"warn","message":"disk at 91%","service":"x"}\n{"level":"info","message":"ok"}\n';
    const headers = { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'req-1' };
    const first = await fetch(url, { method: 'POST', body, headers });
    expect(first.status).to.equal(200);
    expect(await first.json()).to.deep.equal({ accepted: 2 });
    // The answer came after Kafka acknowledged: the records are already in the topic or on their way to the consumer.
    await waitFor('two pushed events', () => collector.events.filter((e) => e.source.id === 'push').length >= 2, { timeoutMs: 20_000, intervalMs: 200 });
    expect((await fetch(url, { method: 'POST', body, headers })).status).to.equal(200);
    await waitFor('four pushed records', () => collector.events.filter((e) => e.source.id === 'push').length >= 4, { timeoutMs: 20_000, intervalMs: 200 });
    const pushed = collector.events.filter((e) => e.source.id === 'push');
    expect(new Set(pushed.map((e) => e.eventId)).size, 'the retry reuses the ids').to.equal(2);
    expect(pushed[0]?.level).to.equal('WARN');
    expect(pushed[0]?.service).to.equal('pushed');
  });

  it('stdin: every piped line arrives', async () => {
    for (let i = 0; i < 100; i += 1) stdin.write(`piped line ${i}\n`);
    stdin.end();
    await agent.stdinDone;
    await waitFor('100 stdin events', () => collector.events.filter((e) => e.source.id === 'in').length >= 100, { timeoutMs: 20_000, intervalMs: 200 });
    const lines = collector.events.filter((e) => e.source.id === 'in').map((e) => e.line);
    expect(new Set(lines).size).to.equal(100);
    expect(lines).to.include('piped line 99');
  });
});
