/**
 * Zero loss, no duplicates: N events (200 000 by default, SINK_IT_EVENTS overrides) through
 * `sawmill sink <name>` as a child process that is killed with SIGKILL twice mid-run and
 * restarted; in the end the store holds exactly N items, N distinct event ids, the group has no
 * lag and nothing went to the dead-letter topic. Parameterised by sink: the PostgreSQL driver is
 * here; test/integration/sink-driver-opensearch.ts, when present, exports `opensearchDriver`.
 */
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sinkProcess, type SinkProcess } from '../support/sink-process.js';
import { waitFor } from '../support/wait-for.js';
import {
  createDatabase,
  createTopics,
  deleteTopics,
  dropDatabase,
  enrichedEvent,
  freePort,
  groupLag,
  KAFKA_BROKERS,
  produceEvents,
  queryOnce,
  REGISTRY_URL,
  topicSize,
  uniqueName,
  type SinkDriver,
} from './sink-test-kit.js';

const EVENTS = Number(process.env['SINK_IT_EVENTS'] ?? 200_000);

/** The PostgreSQL sink: a private database, only the logs stream enabled. */
export const postgresDriver: SinkDriver = {
  name: 'postgres',
  async setup({ run, topic, deadLetterTopic, groupId, healthPort }) {
    const database = `${run}_pg`;
    const url = await createDatabase(database);
    return {
      config: {
        postgres: { url, topics: { logs: topic, stats: null, alerts: null }, poolMax: 4 },
        kafka: { brokers: KAFKA_BROKERS, groupId, deadLetterTopic, sessionTimeoutMs: 10_000, lagIntervalMs: 1000 },
        registry: { url: REGISTRY_URL },
        batch: { maxRecords: 2000, maxWaitMs: 100 },
        retry: { initialDelayMs: 100, maxDelayMs: 2000 },
        health: { port: healthPort },
      },
      async count() {
        const [row] = await queryOnce<{ total: string; distinct: string }>(url, 'SELECT count(*) AS total, count(DISTINCT event_id) AS distinct FROM log_events');
        return { total: Number(row!.total), distinct: Number(row!.distinct) };
      },
      teardown: () => dropDatabase(database),
    };
  },
};

const drivers: SinkDriver[] = [postgresDriver];
const openSearchDriverFile = new URL('./sink-driver-opensearch.ts', import.meta.url);
if (existsSync(openSearchDriverFile)) {
  drivers.push(((await import('./sink-driver-opensearch.js')) as { opensearchDriver: SinkDriver }).opensearchDriver);
}

for (const driver of drivers) {
  describe(`sink ${driver.name}: zero loss through two kill -9`, function () {
    this.timeout(15 * 60_000);
    const run = uniqueName(`it_sink_${driver.name}`);
    const topic = `${run}.logs`;
    const deadLetterTopic = `${run}.dlq`;
    const groupId = `${run}-group`;
    const dir = mkdtempSync(join(tmpdir(), 'sink-zero-loss-'));
    let setup: Awaited<ReturnType<SinkDriver['setup']>> | undefined;
    let sink: SinkProcess | undefined;

    before(async () => {
      await createTopics({ [topic]: 12, [deadLetterTopic]: 1 });
      setup = await driver.setup({ run, topic, deadLetterTopic, groupId, healthPort: await freePort() });
    });

    after(async () => {
      await sink?.stop();
      await setup?.teardown();
      await deleteTopics([topic, deadLetterTopic]);
      rmSync(dir, { recursive: true, force: true });
    });

    it(`stores exactly ${EVENTS} items by event id`, async () => {
      const base = Date.now();
      const events = Array.from({ length: EVENTS }, (_, i) => enrichedEvent(run, i, base));
      await produceEvents(topic, events);
      expect(await topicSize(topic)).to.equal(EVENTS);

      sink = sinkProcess({ name: driver.name, config: setup!.config, configPath: join(dir, 'sink.yaml') });
      await sink.start();
      const countsAtKill: number[] = [];
      for (const threshold of [Math.floor(EVENTS * 0.2), Math.floor(EVENTS * 0.6)]) {
        await waitFor(`${threshold} items stored`, async () => (await setup!.count()).total >= threshold, { timeoutMs: 300_000, intervalMs: 50 });
        await sink.kill9();
        countsAtKill.push((await setup!.count()).total);
        await sink.start();
      }
      // Both kills happened mid-run, not after the work was done.
      for (const stored of countsAtKill) expect(stored).to.be.below(EVENTS);

      await waitFor('the group has consumed and committed everything', async () => (await groupLag(groupId, topic)) === 0, {
        timeoutMs: 600_000,
        intervalMs: 500,
        detail: () => sink!.output().slice(-2000),
      });
      const counts = await setup!.count();
      expect(counts).to.deep.equal({ total: EVENTS, distinct: EVENTS });
      expect(await topicSize(deadLetterTopic)).to.equal(0);
      expect(sink.exits).to.deep.equal([null, null]);
      // A graceful stop (SIGTERM) ends cleanly.
      expect(await sink.stop()).to.equal(0);
    });
  });
}
