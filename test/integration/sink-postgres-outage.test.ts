/**
 * PostgreSQL outages under `sawmill sink postgres` (a child process) reaching the shared server
 * through a TCP proxy the test controls: its connections are killed with pg_terminate_backend
 * mid-run, then the proxy refuses everything for 30 s (the shared server itself is never
 * stopped). The sink must wait it out: lag grows, /readyz turns 503, retries are counted,
 * nothing goes to the dead-letter topic, and after recovery every event is stored exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sinkProcess, type SinkProcess } from '../support/sink-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait-for.js';
import {
  createDatabase,
  createTopics,
  deleteTopics,
  dropDatabase,
  enrichedEvent,
  enrichedSerde,
  freePort,
  groupLag,
  KAFKA_BROKERS,
  produceEvents,
  queryOnce,
  REGISTRY_URL,
  topicSize,
  uniqueName,
} from './sink-test-kit.js';

const OUTAGE_MS = 30_000;
const BATCH = 10_000;

function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('sink postgres: connection loss and a 30 s outage', function () {
  this.timeout(5 * 60_000);
  const run = uniqueName('it_sink_pg_outage');
  const topic = `${run}.logs`;
  const deadLetterTopic = `${run}.dlq`;
  const groupId = `${run}-group`;
  const database = `${run}_pg`;
  const dir = mkdtempSync(join(tmpdir(), 'sink-outage-'));
  let proxy: TcpProxy;
  let sink: SinkProcess;
  let directUrl: string;

  const count = async (): Promise<{ total: number; distinct: number }> => {
    const [row] = await queryOnce<{ total: string; distinct: string }>(directUrl, 'SELECT count(*) AS total, count(DISTINCT event_id) AS distinct FROM log_events');
    return { total: Number(row!.total), distinct: Number(row!.distinct) };
  };

  before(async () => {
    await createTopics({ [topic]: 6, [deadLetterTopic]: 1 });
    directUrl = await createDatabase(database);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const viaProxy = new URL(directUrl);
    viaProxy.port = String(proxy.port);
    sink = sinkProcess({
      name: 'postgres',
      configPath: join(dir, 'sink.yaml'),
      config: {
        postgres: { url: viaProxy.toString(), topics: { logs: topic, stats: null, alerts: null }, poolMax: 3, connectionTimeoutMs: 2000 },
        kafka: { brokers: KAFKA_BROKERS, groupId, deadLetterTopic, sessionTimeoutMs: 10_000, lagIntervalMs: 1000 },
        registry: { url: REGISTRY_URL },
        batch: { maxRecords: 500, maxWaitMs: 50 },
        retry: { initialDelayMs: 100, maxDelayMs: 2000 },
        health: { port: await freePort() },
      },
    });
  });

  after(async () => {
    await sink?.stop();
    await proxy?.close();
    await dropDatabase(database);
    await deleteTopics([topic, deadLetterTopic]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rides out pg_terminate_backend of its connections mid-run', async () => {
    const serde = await enrichedSerde(topic);
    await produceEvents(topic, Array.from({ length: BATCH }, (_, i) => enrichedEvent(run, i)), serde);
    await sink.start();
    await waitFor('some rows stored', async () => (await count()).total > 0, { timeoutMs: 60_000, intervalMs: 20 });
    let terminated = 0;
    for (let round = 0; round < 3; round += 1) {
      const rows = await queryOnce<{ ok: boolean }>(
        directUrl,
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = 'sawmill-sink-postgres'`,
        [database],
      );
      terminated += rows.filter((row) => row.ok).length;
    }
    expect(terminated).to.be.greaterThan(0);
    await waitFor('lag 0', async () => (await groupLag(groupId, topic)) === 0, { timeoutMs: 120_000, intervalMs: 200, detail: () => sink.output().slice(-2000) });
    expect(await count()).to.deep.equal({ total: BATCH, distinct: BATCH });
    expect(await topicSize(deadLetterTopic)).to.equal(0);
  });

  it('waits out 30 s without PostgreSQL: lag grows, nothing dead-lettered, nothing lost or duplicated', async () => {
    const serde = await enrichedSerde(topic);
    const cutAt = Date.now();
    await proxy.cut();
    await produceEvents(topic, Array.from({ length: BATCH }, (_, i) => enrichedEvent(run, BATCH + i)), serde);
    await waitFor('the sink noticed the outage (retries counted, partitions paused)', async () => {
      const text = await sink.metrics();
      return metricValue(text, 'sawmill_sink_retries_total', 'sink="postgres-logs"') > 0 && metricValue(text, 'sawmill_sink_paused', 'sink="postgres-logs"') === 1;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    const lagDuring = await groupLag(groupId, topic);
    expect(lagDuring).to.equal(BATCH);
    const ready = await fetch(`${sink.url}/readyz`);
    expect(ready.status).to.equal(503);
    // The outage lasts its full 30 s whatever the sink does: that is the scenario, not a wait for a state.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));
    expect(await groupLag(groupId, topic)).to.equal(BATCH);
    expect(await topicSize(deadLetterTopic)).to.equal(0);
    await proxy.restore();
    await waitFor('lag 0 after recovery', async () => (await groupLag(groupId, topic)) === 0, { timeoutMs: 120_000, intervalMs: 200, detail: () => sink.output().slice(-2000) });
    expect(await count()).to.deep.equal({ total: 2 * BATCH, distinct: 2 * BATCH });
    expect(await topicSize(deadLetterTopic)).to.equal(0);
    await sink.waitReady(30_000);
    expect(sink.exits).to.deep.equal([]);
  });
});
