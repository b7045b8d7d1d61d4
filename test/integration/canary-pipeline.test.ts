// The canary through the whole pipeline, every part a real process on the real stack: `sawmill
// agent` tails the canary's file into this run's raw topic, `sawmill stream` validates and enriches
// it, `sawmill sink opensearch` indexes it under this run's index prefix, and the canary searches
// that prefix until it finds its line. Nothing is stood in: the latencies measured here are the
// pipeline's own (batching, the stream's commit, the sink's batch wait, a 1 s refresh).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { canaryConfigSchema } from '../../canary/config.js';
import type { ProbeResult } from '../../canary/canary-probe.js';
import { startCanary, type RunningCanary } from '../../canary/run-canary.js';
import { createOpenSearchClient } from '../../lib/opensearch.js';
import { sinkProcess, type SinkProcess } from '../support/sink-process.js';
import { waitFor } from '../support/wait-for.js';
import { freePort, SawmillProcess } from './metrics-sawmill-process.js';
import { BROKERS, PipelineHarness, REGISTRY_URL } from './pipeline-harness.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';

describe('sawmill canary through agent, stream and OpenSearch sink (integration, full pipeline)', function () {
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'sawmill-canary-e2e-'));
  const prefix = `sawmill-canary-e2e-${randomUUID().slice(0, 8)}`;
  let harness: PipelineHarness;
  const processes: SawmillProcess[] = [];
  let sink: SinkProcess | undefined;
  let canary: RunningCanary | undefined;

  after(async () => {
    await canary?.stop();
    await Promise.all(processes.map((p) => p.stop()));
    await sink?.stop().catch(() => undefined);
    await harness?.close();
    const client = createOpenSearchClient({ node: OPENSEARCH_URL, logger: pino({ level: 'silent' }) });
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
    await client.indices.deleteIndexTemplate({ name: `${prefix}-template` }).catch(() => undefined);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds each canary line in OpenSearch and records the end-to-end latency', async () => {
    harness = await PipelineHarness.create('canary-e2e');
    const { topics, run } = harness;

    const streamPort = await freePort();
    const stream = new SawmillProcess(['stream'], {
      SAWMILL_STREAM__APPLICATION_ID: run,
      SAWMILL_STREAM__KAFKA__BROKERS: BROKERS.join(','),
      SAWMILL_STREAM__REGISTRY_URL: REGISTRY_URL,
      SAWMILL_STREAM__METRICS_PORT: String(streamPort),
      SAWMILL_STREAM__SESSION_TIMEOUT_MS: '6000',
      SAWMILL_STREAM__PIPELINE__TOPICS__RAW: topics.raw,
      SAWMILL_STREAM__PIPELINE__TOPICS__ENRICHED: topics.enriched,
      SAWMILL_STREAM__PIPELINE__TOPICS__DEAD_LETTER: topics.deadLetter,
      SAWMILL_STREAM__PIPELINE__TOPICS__STATS: topics.stats,
      SAWMILL_STREAM__PIPELINE__TOPICS__ALERTS: topics.alerts,
      SAWMILL_STREAM__PIPELINE__TOPICS__ALERT_RULES: topics.alertRules,
    });
    processes.push(stream);

    sink = sinkProcess({
      name: 'opensearch',
      configPath: join(dir, 'sink.yaml'),
      config: {
        opensearch: { url: OPENSEARCH_URL, indexPrefix: prefix, refreshInterval: '1s', numberOfReplicas: 0, retention: 'off' },
        topic: topics.enriched,
        kafka: { brokers: BROKERS, groupId: `${run}-sink-opensearch`, deadLetterTopic: topics.deadLetter, sessionTimeoutMs: 6000 },
        registry: { url: REGISTRY_URL },
        health: { port: await freePort() },
      },
    });

    const canaryDir = join(dir, 'canary');
    const agentPort = await freePort();
    writeFileSync(join(dir, 'agent.yaml'), stringify({
      agentId: `canary-e2e-${run}`,
      checkpointPath: join(dir, 'agent-checkpoint.json'),
      spool: { dir: join(dir, 'agent-spool') },
      metricsPort: agentPort,
      kafka: { brokers: BROKERS, topic: topics.raw, lingerMs: 5 },
      registry: { url: REGISTRY_URL },
      sources: [{ type: 'file', id: 'sawmill-canary', include: [join(canaryDir, '*.log'), join(canaryDir, '*.log.1')], pollIntervalMs: 50, labels: { service: 'sawmill-canary' } }],
    }));
    const agent = new SawmillProcess(['agent', '--config', join(dir, 'agent.yaml')]);
    processes.push(agent);

    const ready = (url: string) => async () => (await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) === 200;
    await waitFor('stream ready', ready(`http://127.0.0.1:${streamPort}`), { timeoutMs: 90_000, intervalMs: 250, detail: () => stream.output() });
    await sink.start();
    await waitFor('agent ready', ready(`http://127.0.0.1:${agentPort}`), { timeoutMs: 60_000, intervalMs: 250, detail: () => agent.output() });

    const results: ProbeResult[] = [];
    canary = await startCanary({
      config: canaryConfigSchema.parse({
        intervalMs: 2000,
        timeoutMs: 60_000,
        pollIntervalMs: 100,
        metricsPort: 0,
        write: { mode: 'file', path: join(canaryDir, 'canary.log') },
        opensearch: { node: OPENSEARCH_URL, indexPattern: `${prefix}-*` },
      }),
      logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
      defaultMetrics: false,
      onProbe: (result) => results.push(result),
    });
    await waitFor('three canary probes', () => results.length >= 3, {
      timeoutMs: 180_000,
      detail: () => `${JSON.stringify(results)}\nstream: ${stream.output().slice(-1500)}\nsink: ${sink?.output().slice(-1500)}\nagent: ${agent.output().slice(-1500)}`,
    });
    await canary.stop();
    const seconds = results.map((r) => (r.outcome === 'searchable' ? r.seconds : Number.NaN));
    expect(results.map((r) => r.outcome), JSON.stringify(results)).to.deep.equal(results.map(() => 'searchable'));
    // Batching, a transactional commit and a 1 s refresh: more than a refresh, far less than the timeout.
    for (const s of seconds) expect(s).to.be.within(0.1, 30);
    const text = await canary.metrics.registry.metrics();
    expect(text).to.match(new RegExp(`^sawmill_canary_ingest_to_searchable_seconds_count\\{[^}]*\\} ${results.length}$`, 'm'));
    process.stdout.write(`      canary end-to-end seconds: ${seconds.map((s) => s.toFixed(2)).join(', ')}\n`);
  });
});
