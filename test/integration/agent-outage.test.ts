import { expect } from 'chai';
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentConfigSchema } from '../../agent/config.js';
import { parseAgentMetrics, type SourceAccounting } from '../../agent/agent-metrics.js';
import { runAgent, type RunningAgent } from '../../agent/run.js';
import { createLogger } from '../../lib/logger.js';
import { checkExactlyOnceById, collectTopic, createTopic, startTestRegistry, uniqueName, waitFor, type TestRegistry } from './agent-harness.js';
import { createPrivateKafka, type PrivateKafka } from './private-kafka.js';

const OUTAGE_MS = Number(process.env['AGENT_OUTAGE_MS'] ?? 60_000);

function lineOf(i: number): string {
  return `2026-12-01T10:00:00.000Z ERROR outage-test line ${String(i).padStart(6, '0')}`;
}

async function accounting(agent: RunningAgent): Promise<{ app: SourceAccounting; gauges: Record<string, number> }> {
  const { sources, gauges } = parseAgentMetrics(await (await fetch(`${agent.metricsUrl}/metrics`)).text());
  const app = sources.find((s) => s.source === 'app');
  if (!app) throw new Error('no accounting for source app');
  return { app, gauges };
}

describe(`agent: Kafka down for ${OUTAGE_MS / 1000} s while lines keep coming (private broker)`, function () {
  this.timeout(OUTAGE_MS + 150_000);
  const topic = uniqueName('it-agent-outage');
  let registry: TestRegistry;
  let kafka: PrivateKafka;
  let agent: RunningAgent | undefined;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-outage-'));
    kafka = await createPrivateKafka(join(dir, 'kafka'));
    await kafka.start();
    registry = await startTestRegistry();
    await createTopic(topic, 3, kafka.brokers);
  });

  after(async () => {
    await agent?.stop();
    await kafka?.stop();
    await registry?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('spools during the outage, drains the spool in order afterwards, and delivers every line once by id', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs);
    const log = join(logs, 'app.log');
    const config = agentConfigSchema.parse({
      agentId: 'it-outage',
      host: 'it-host',
      sources: [{ type: 'file', id: 'app', include: [`${logs}/*.log`], pollIntervalMs: 50, scanIntervalMs: 200, labels: { service: 'outage' } }],
      kafka: { brokers: kafka.brokers, topic, lingerMs: 5, sendTimeoutMs: 5000 },
      registry: { url: registry.url },
      queue: { maxRecords: 1000 },
      spool: { dir: join(dir, 'spool'), segmentBytes: 256 * 1024, maxBytes: 64 * 1024 * 1024 },
      checkpointPath: join(dir, 'checkpoint.json'),
      metricsPort: 0,
    });
    agent = await runAgent({ config, logger: createLogger('agent', { level: 'fatal' }), defaultMetrics: false });
    const running = agent;
    const expected: string[] = [];
    let next = 0;
    const write = async (count: number): Promise<void> => {
      const chunk: string[] = [];
      for (let i = 0; i < count; i += 1) chunk.push(lineOf(next++));
      expected.push(...chunk);
      await appendFile(log, `${chunk.join('\n')}\n`);
    };

    await write(5000);
    await waitFor('the first 5000 lines acknowledged', async () => (await accounting(running)).app.acknowledged === 5000, { timeoutMs: 30_000, intervalMs: 200 });

    await kafka.stop();
    const outageStart = Date.now();
    while (Date.now() - outageStart < OUTAGE_MS) {
      await write(250);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const during = await accounting(running);
    const ready = await fetch(`${running.metricsUrl}/readyz`);
    console.log(`      during the outage: read ${during.app.read}, acknowledged ${during.app.acknowledged}, spooled ${during.app.spooled}, spool bytes ${during.gauges['sawmill_agent_spool_bytes']}, kafka_up ${during.gauges['sawmill_agent_kafka_up']}, /readyz ${ready.status}`);
    expect(during.app.spooled, 'lines spooled during the outage').to.be.greaterThan(0);
    expect(during.gauges['sawmill_agent_kafka_up']).to.equal(0);
    expect(ready.status, 'ready while spooling within its cap').to.equal(200);

    await kafka.start();
    await write(1000);
    await waitFor('every line acknowledged after Kafka returned', async () => {
      const { app } = await accounting(running);
      return app.read === expected.length && app.acknowledged === expected.length;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    await waitFor('the spool drained', async () => (await accounting(running)).gauges['sawmill_agent_spool_bytes'] === 0, { timeoutMs: 10_000, intervalMs: 200 });

    const collector = await collectTopic(topic, registry.client, kafka.brokers);
    try {
      await waitFor(`${expected.length} distinct lines`, () => new Set(collector.events.map((e) => e.line)).size >= expected.length, { timeoutMs: 60_000, intervalMs: 300 });
      const result = checkExactlyOnceById(collector.events, expected);
      const multiId = [...result.idsPerLine.entries()].filter(([, ids]) => ids.size > 1);
      console.log(`      ${expected.length} lines, ${collector.events.length} records, resends ${result.resends}`);
      expect(result.missing).to.deep.equal([]);
      expect(result.unexpected).to.deep.equal([]);
      expect(multiId.length).to.equal(0);
      // In order: per partition the offsets of one stream's events grow with their file offset.
      const offsets = collector.events.map((e) => e.source.offset ?? -1);
      const firstSeen = new Map<number, number>();
      offsets.forEach((o, i) => firstSeen.has(o) || firstSeen.set(o, i));
      const sorted = [...firstSeen.entries()].sort((a, b) => a[1] - b[1]).map(([o]) => o);
      expect(sorted, 'events arrive in file order (one key, one partition)').to.deep.equal([...sorted].sort((a, b) => a - b));
      expect((await accounting(running)).app.dropped).to.equal(0);
    } finally {
      await collector.stop();
    }
  });
});
