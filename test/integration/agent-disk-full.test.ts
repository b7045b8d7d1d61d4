import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentConfigSchema } from '../../agent/config.js';
import { parseAgentMetrics, type SourceAccounting } from '../../agent/agent-metrics.js';
import { runAgent, type RunningAgent } from '../../agent/run.js';
import { createLogger } from '../../lib/logger.js';
import { checkExactlyOnceById, collectTopic, createTopic, startTestRegistry, uniqueName, waitFor, type TestRegistry } from './agent-harness.js';
import { createPrivateKafka, type PrivateKafka } from './private-kafka.js';

function lineOf(i: number): string {
  return `2026-12-01T10:00:00.000Z INFO disk-full-test line ${String(i).padStart(6, '0')} ${'z'.repeat(120)}`;
}

async function accounting(agent: RunningAgent): Promise<{ app: SourceAccounting; gauges: Record<string, number> }> {
  const { sources, gauges } = parseAgentMetrics(await (await fetch(`${agent.metricsUrl}/metrics`)).text());
  const app = sources.find((s) => s.source === 'app');
  if (!app) throw new Error('no accounting for source app');
  return { app, gauges };
}

describe('agent: spool on a full 2 MiB tmpfs while Kafka is down (private broker)', function () {
  this.timeout(240_000);
  const topic = uniqueName('it-agent-diskfull');
  let registry: TestRegistry;
  let kafka: PrivateKafka;
  let agent: RunningAgent | undefined;
  let dir: string;
  let spoolDir: string;
  let mounted = false;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'agent-diskfull-'));
    spoolDir = join(dir, 'spool');
    await mkdir(spoolDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', spoolDir]);
    mounted = true;
    kafka = await createPrivateKafka(join(dir, 'kafka'));
    await kafka.start();
    registry = await startTestRegistry();
    await createTopic(topic, 3, kafka.brokers);
  });

  after(async () => {
    await agent?.stop();
    await kafka?.stop();
    await registry?.close();
    if (mounted) execFileSync('umount', [spoolDir]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('survives ENOSPC, reports disk full, resumes when space returns and delivers everything once', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs);
    const log = join(logs, 'app.log');
    const config = agentConfigSchema.parse({
      agentId: 'it-diskfull',
      host: 'it-host',
      sources: [{ type: 'file', id: 'app', include: [`${logs}/*.log`], pollIntervalMs: 50, scanIntervalMs: 200, labels: { service: 'diskfull' } }],
      kafka: { brokers: kafka.brokers, topic, lingerMs: 5, sendTimeoutMs: 5000 },
      registry: { url: registry.url },
      queue: { maxRecords: 500 },
      // The cap is far above the file system's size, so the disk fills before the cap is reached.
      spool: { dir: spoolDir, segmentBytes: 128 * 1024, maxBytes: 512 * 1024 * 1024, diskFullRetryMs: 250 },
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

    await write(1000);
    await waitFor('the first lines acknowledged', async () => (await accounting(running)).app.acknowledged === 1000, { timeoutMs: 30_000, intervalMs: 200 });
    // Ballast the test can delete later: "space returns" while Kafka is still down.
    await writeFile(join(spoolDir, 'ballast'), Buffer.alloc(768 * 1024));

    await kafka.stop();
    const deadline = Date.now() + 90_000;
    while ((await accounting(running)).gauges['sawmill_agent_disk_full'] !== 1) {
      if (Date.now() > deadline) throw new Error('the spool never reported disk full');
      await write(1000);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await write(2000);
    const full = await accounting(running);
    const healthz = await fetch(`${running.metricsUrl}/healthz`);
    const readyz = await fetch(`${running.metricsUrl}/readyz`);
    console.log(`      disk full: read ${full.app.read} of ${expected.length} written, spooled ${full.app.spooled}, spool bytes ${full.gauges['sawmill_agent_spool_bytes']}, /healthz ${healthz.status}, /readyz ${readyz.status}`);
    expect(healthz.status, 'alive').to.equal(200);
    expect(readyz.status, 'not ready while the disk is full').to.equal(503);
    expect(full.app.read, 'reading stopped: lines stay in the file').to.be.lessThan(expected.length);

    await rm(join(spoolDir, 'ballast'));
    // Reading may fill the freed space again at once, so the proof that it resumed is progress.
    await waitFor('spooling to resume once space returned', async () => (await accounting(running)).app.spooled > full.app.spooled, { timeoutMs: 20_000, intervalMs: 200 });

    await kafka.start();
    await waitFor('every line acknowledged after Kafka returned', async () => {
      const { app } = await accounting(running);
      return app.read === expected.length && app.acknowledged === expected.length;
    }, { timeoutMs: 120_000, intervalMs: 500 });

    const collector = await collectTopic(topic, registry.client, kafka.brokers);
    try {
      await waitFor(`${expected.length} distinct lines`, () => new Set(collector.events.map((e) => e.line)).size >= expected.length, { timeoutMs: 60_000, intervalMs: 300 });
      const result = checkExactlyOnceById(collector.events, expected);
      const multiId = [...result.idsPerLine.entries()].filter(([, ids]) => ids.size > 1);
      console.log(`      ${expected.length} lines, ${collector.events.length} records, resends ${result.resends}`);
      expect(result.missing).to.deep.equal([]);
      expect(result.unexpected).to.deep.equal([]);
      expect(multiId.length).to.equal(0);
      const end = await accounting(running);
      expect(end.app.dropped).to.equal(0);
      expect(end.gauges['sawmill_agent_disk_full'], 'disk_full cleared').to.equal(0);
      expect(end.gauges['sawmill_agent_spool_corrupt_records_total'] ?? 0).to.equal(0);
    } finally {
      await collector.stop();
    }
  });
});
