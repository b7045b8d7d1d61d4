// `sawmill stream` as a process on the real stack, configured through SAWMILL_STREAM__* variables
// to its own topics: /healthz answers at once, /readyz turns 200 once the rules were read and the
// topology joined its group, an event goes through to the enriched topic, /metrics carries the
// topology's and the pipeline's metrics, and SIGTERM stops it cleanly (exit 0, offsets committed).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { waitFor } from '../support/wait-for.js';
import { BROKERS, PipelineHarness, REGISTRY_URL } from './pipeline-harness.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 0;
  }
}

describe('sawmill stream (integration, process on Kafka + registry)', function () {
  this.timeout(120_000);
  let harness: PipelineHarness;
  let child: ChildProcess | undefined;
  let output = '';

  before(async () => {
    harness = await PipelineHarness.create('stream-cmd');
  });

  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await harness?.close();
  });

  it('serves health and metrics, processes events, and stops on SIGTERM with exit code 0', async () => {
    const { topics, run } = harness;
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SAWMILL_LOG_LEVEL: 'info',
      SAWMILL_STREAM__APPLICATION_ID: run,
      SAWMILL_STREAM__KAFKA__BROKERS: BROKERS.join(','),
      SAWMILL_STREAM__REGISTRY_URL: REGISTRY_URL,
      SAWMILL_STREAM__METRICS_PORT: String(port),
      SAWMILL_STREAM__SESSION_TIMEOUT_MS: '6000',
      SAWMILL_STREAM__PIPELINE__TOPICS__RAW: topics.raw,
      SAWMILL_STREAM__PIPELINE__TOPICS__ENRICHED: topics.enriched,
      SAWMILL_STREAM__PIPELINE__TOPICS__DEAD_LETTER: topics.deadLetter,
      SAWMILL_STREAM__PIPELINE__TOPICS__STATS: topics.stats,
      SAWMILL_STREAM__PIPELINE__TOPICS__ALERTS: topics.alerts,
      SAWMILL_STREAM__PIPELINE__TOPICS__ALERT_RULES: topics.alertRules,
    };
    child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin/sawmill.ts'), 'stream'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;

    await waitFor('/healthz', async () => (await status(`${base}/healthz`)) === 200, { timeoutMs: 30_000, detail: () => output.slice(-2000) });
    await waitFor('/readyz 200', async () => (await status(`${base}/readyz`)) === 200, { timeoutMs: 60_000, detail: () => output.slice(-2000) });

    const enriched = await harness.collect(topics.enriched);
    const now = Date.now();
    await harness.produceRaw([
      {
        eventId: `${run}-1`,
        agentId: 'it-agent',
        sequence: 0,
        source: { kind: 'stdin', id: 'it', path: null, streamId: null, offset: null },
        host: 'it-host',
        service: 'stream-cmd',
        line: 'ERROR something broke',
        truncated: false,
        observedTimestampMs: now,
        eventTimestampMs: null,
        level: 'ERROR',
        parsedFields: { format: 'plain', message: 'something broke' },
        labels: {},
      },
    ]);
    await waitFor('the event on the enriched topic', () => enriched.messages.length === 1, { timeoutMs: 30_000, detail: () => output.slice(-2000) });
    expect(enriched.messages[0]?.key).to.equal('stream-cmd');

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).to.match(/sawmill_topology_records_in_total\{[^}]*processor="logs-raw-source"[^}]*\} 1/);
    expect(metrics).to.include('component="stream"');

    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(output).to.include('shutdown finished');
    const offsets = await harness.admin.fetchOffsets({ groupId: run, topics: [topics.raw] });
    const committed = offsets[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committed).to.equal(1);
  });
});
