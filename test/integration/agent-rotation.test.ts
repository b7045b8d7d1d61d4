import { expect } from 'chai';
import { appendFile, copyFile, mkdtemp, rename, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentConfigSchema } from '../../agent/config.js';
import { parseAgentMetrics } from '../../agent/agent-metrics.js';
import { runAgent, type RunningAgent } from '../../agent/run.js';
import { createLogger } from '../../lib/logger.js';
import { checkExactlyOnceById, collectTopic, createTopic, deleteTopics, KAFKA_BROKERS, startTestRegistry, uniqueName, waitFor, type TestRegistry, type TopicCollector } from './agent-harness.js';

const TOTAL = 100_000;
const PER_STEP = 1000;

function lineOf(i: number): string {
  return `2026-12-01T10:00:00.000Z INFO rotation-test line ${String(i).padStart(6, '0')} payload ${'x'.repeat(i % 40)}`;
}

describe('agent: rotation while writing 100,000 lines (real Kafka)', function () {
  this.timeout(180_000);
  const topic = uniqueName('it-agent-rotation');
  let registry: TestRegistry;
  let collector: TopicCollector;
  let agent: RunningAgent | undefined;
  let dir: string;

  before(async () => {
    registry = await startTestRegistry();
    await createTopic(topic, 3);
    collector = await collectTopic(topic, registry.client);
    dir = await mkdtemp(join(tmpdir(), 'agent-rotation-'));
  });

  after(async () => {
    await agent?.stop();
    await collector?.stop();
    await registry?.close();
    await deleteTopics([topic]);
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every line exactly once by event id through rename rotation and copytruncate', async () => {
    const logs = join(dir, 'logs');
    const log = join(logs, 'app.log');
    await appendFile(join(dir, '.keep'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(logs));
    const config = agentConfigSchema.parse({
      agentId: 'it-rotation',
      host: 'it-host',
      sources: [{ type: 'file', id: 'app', include: [`${logs}/app.log*`], pollIntervalMs: 50, scanIntervalMs: 200, closeIdleMs: 3000, labels: { service: 'rotation', env: 'test' } }],
      kafka: { brokers: KAFKA_BROKERS, topic, lingerMs: 10 },
      registry: { url: registry.url },
      spool: { dir: join(dir, 'spool') },
      checkpointPath: join(dir, 'checkpoint.json'),
      metricsPort: 0,
    });
    agent = await runAgent({ config, logger: createLogger('agent', { level: 'warn' }), defaultMetrics: false });

    const expected: string[] = [];
    const rotations: string[] = [];
    for (let step = 0; step < TOTAL / PER_STEP; step += 1) {
      if (step === 25 || step === 45) {
        // Rename rotation: app.log.1 -> app.log.2, app.log -> app.log.1; the next append creates app.log.
        await rename(join(logs, 'app.log.1'), join(logs, 'app.log.2')).catch(() => undefined);
        await rename(log, join(logs, 'app.log.1'));
        rotations.push(`rename at line ${step * PER_STEP}`);
      }
      if (step === 65 || step === 85) {
        // copytruncate, as logrotate does it: copy, then truncate the original in place.
        await copyFile(log, join(logs, `app.log.copy${step}`));
        await truncate(log, 0);
        rotations.push(`copytruncate at line ${step * PER_STEP}`);
      }
      const chunk: string[] = [];
      for (let i = step * PER_STEP; i < (step + 1) * PER_STEP; i += 1) chunk.push(lineOf(i));
      expected.push(...chunk);
      await appendFile(log, `${chunk.join('\n')}\n`);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }

    await waitFor(`${TOTAL} distinct lines in ${topic}`, () => new Set(collector.events.map((e) => e.line)).size >= TOTAL, { timeoutMs: 120_000, intervalMs: 500 });
    // Give a late duplicate the chance to show up before judging.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const result = checkExactlyOnceById(collector.events, expected);
    const multiId = [...result.idsPerLine.entries()].filter(([, ids]) => ids.size > 1);
    console.log(`      rotations: ${rotations.join(', ')}; records received ${collector.events.length}, resends ${result.resends}`);
    expect(result.missing, 'missing lines').to.deep.equal([]);
    expect(result.unexpected, 'unexpected lines').to.deep.equal([]);
    expect(multiId.length, 'lines carrying two different event ids').to.equal(0);
    // No crash and no outage: not even a resend is expected.
    expect(result.resends, 'records delivered twice').to.equal(0);
    expect(collector.events.length).to.equal(TOTAL);
    const sample = collector.events[0];
    expect(sample?.service).to.equal('rotation');
    expect(sample?.labels).to.deep.equal({ service: 'rotation', env: 'test' });
    expect(sample?.level).to.equal('INFO');

    await waitFor('acknowledged to reach read', async () => {
      const { sources } = parseAgentMetrics(await (await fetch(`${agent?.metricsUrl}/metrics`)).text());
      const app = sources.find((s) => s.source === 'app');
      return app !== undefined && app.read === TOTAL && app.acknowledged === TOTAL;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    const { sources } = parseAgentMetrics(await (await fetch(`${agent.metricsUrl}/metrics`)).text());
    expect(sources.find((s) => s.source === 'app')?.dropped).to.equal(0);
  });
});
