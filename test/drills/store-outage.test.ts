/**
 * Drill 3, database connection loss (issue #11): while the load runs at the base rate,
 *   (a) the PostgreSQL backends of the drill's database are terminated a few times
 *       (`pg_terminate_backend`, as a DBA or a failover would);
 *   (b) the machine's PostgreSQL server is stopped for the scale's outage and started again;
 *   (c) the stack's OpenSearch is stopped for the outage and started again.
 * Each affected sink must report that it is retrying (its partitions paused, retries counted in
 * /metrics) and recover by itself; then the backlog drains and every line the agent acknowledged
 * is in both stores exactly once.
 *
 * The schema registry keeps its subjects in PostgreSQL, so it fails during (b) too: the running
 * processes only look up ids they cached at start, which the drill relies on and reports.
 *
 * Stops shared services: run under `flock -x /tmp/sawmill-machine.lock`. Whatever happens, `after`
 * starts PostgreSQL and OpenSearch again and checks they answer.
 */
import { expect } from 'chai';
import { sumMetric } from '../../bench/e2e/prometheus-text.js';
import { waitFor } from '../support/wait-for.js';
import { drillScale } from './support/drill-scale.js';
import { startDrillLoad } from './support/drill-load.js';
import { assertLedgerClean, checkLedger, ledgerSummary } from './support/drill-ledger.js';
import { createDrillStack } from './support/drill-stack.js';
import type { DrillLoad, DrillStack } from './support/drill-types.js';
import { openSearchAnswers, postgresAnswers, postgresConnections, startOpenSearch, startPostgres, stopOpenSearch, stopPostgres, terminatePostgresBackends } from './support/faults.js';

const scale = drillScale();
const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const TERMINATIONS = 3;

type SinkService = 'sink-postgres' | 'sink-opensearch';

function say(text: string): void {
  process.stderr.write(`drill store-outage: ${text}\n`);
}

/** Records the sink settled so far (stored + duplicate + dead-lettered) and its retry/paused state. */
async function sinkState(stack: DrillStack, sink: SinkService): Promise<{ settled: number; retries: number; paused: number }> {
  const text = await stack.metrics(sink);
  return { settled: sumMetric(text, 'sawmill_sink_records_total'), retries: sumMetric(text, 'sawmill_sink_retries_total'), paused: sumMetric(text, 'sawmill_sink_paused') };
}

async function registryAnswers(): Promise<string> {
  try {
    const response = await fetch(`${REGISTRY_URL}/subjects`, { signal: AbortSignal.timeout(3000) });
    return `HTTP ${response.status}`;
  } catch (error) {
    return `no answer (${(error as Error).message})`;
  }
}

/**
 * One store outage: `stop`, check the sink reports retrying while the store is down, wait out the
 * outage, `start`, then time how long the sink needs to write again with its partitions resumed.
 */
async function outage(stack: DrillStack, sink: SinkService, store: string, stop: () => Promise<void>, start: () => Promise<void>): Promise<{ downMs: number; recoveryMs: number; retries: number }> {
  const before = await sinkState(stack, sink);
  const stopped = Date.now();
  await stop();
  say(`${store} stopped (${sink} had settled ${before.settled}, retries ${before.retries}); registry: ${await registryAnswers()}`);
  let during = before;
  await waitFor(`${sink} to report retrying while ${store} is down`, async () => {
    during = await sinkState(stack, sink);
    return during.paused === 1 && during.retries > before.retries;
  }, { timeoutMs: Math.max(scale.outageMs, 30_000), intervalMs: 250, detail: () => `(last: ${JSON.stringify(during)})` });
  say(`${sink} reports retrying ${Date.now() - stopped} ms after the stop: paused ${during.paused}, retries ${during.retries}`);
  const rest = stopped + scale.outageMs - Date.now();
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  const down = await sinkState(stack, sink);
  const starting = Date.now();
  await start();
  const started = Date.now();
  say(`${store} started again after ${started - stopped} ms down (start took ${started - starting} ms); registry: ${await registryAnswers()}`);
  let after = down;
  await waitFor(`${sink} to write again after ${store} returned`, async () => {
    after = await sinkState(stack, sink);
    return after.paused === 0 && after.settled > down.settled;
  }, { timeoutMs: 120_000, intervalMs: 250, detail: () => `(at restart: ${JSON.stringify(down)}; last: ${JSON.stringify(after)})` });
  const recoveryMs = Date.now() - started;
  say(`${sink} recovered ${recoveryMs} ms after ${store} answered: settled ${down.settled} -> ${after.settled}, retries during the outage ${after.retries - before.retries}`);
  return { downMs: started - stopped, recoveryMs, retries: after.retries - before.retries };
}

describe(`drill: store outage (${scale.name})`, function () {
  this.timeout(scale.loadMs + 6 * scale.outageMs + scale.drainTimeoutMs + 600_000);
  let stack: DrillStack | undefined;
  let load: DrillLoad | undefined;

  after(async () => {
    await load?.stop().catch(() => undefined);
    // Shared services first, whatever happened: the stack's cleanup needs both, and so does everyone else.
    const restarts = await Promise.allSettled([startPostgres(), startOpenSearch()]);
    const up = { postgres: await postgresAnswers(), opensearch: await openSearchAnswers() };
    say(`after: PostgreSQL ${up.postgres ? 'answers' : 'DOES NOT ANSWER'}, OpenSearch ${up.opensearch ? 'answers' : 'DOES NOT ANSWER'}`);
    await stack?.destroy();
    for (const result of restarts) if (result.status === 'rejected') throw result.reason;
    expect(up, 'shared services restarted').to.deep.equal({ postgres: true, opensearch: true });
  });

  it('survives terminated backends, a PostgreSQL outage and an OpenSearch outage with nothing lost or duplicated', async () => {
    expect(await postgresAnswers(), 'PostgreSQL up before the drill').to.equal(true);
    expect(await openSearchAnswers(), 'OpenSearch up before the drill').to.equal(true);
    say(`scale ${scale.name}: ${scale.baseLogsPerS} lines/s, load at least ${scale.loadMs} ms, outages ${scale.outageMs} ms`);
    stack = await createDrillStack({ name: 'store-outage' });
    const current = stack;
    const database = new URL(current.postgresUrl).pathname.slice(1);
    try {
      await current.start();
      const started = Date.now();
      load = startDrillLoad(current, { logsPerS: scale.baseLogsPerS });
      // Both sinks must have written (and so cached every schema id they need) before the faults.
      await waitFor('both sinks to store the first lines', async () => (await sinkState(current, 'sink-postgres')).settled > 0 && (await sinkState(current, 'sink-opensearch')).settled > 0, { timeoutMs: 60_000, intervalMs: 250 });
      say(`t=${Date.now() - started}ms both sinks write; ${await postgresConnections(database)} connections to ${database}`);

      // (a) Terminated backends: the pool must notice, reconnect and write on, without losing a batch.
      let terminated = 0;
      for (let i = 0; i < TERMINATIONS; i += 1) {
        const before = await sinkState(current, 'sink-postgres');
        const count = await terminatePostgresBackends(database);
        terminated += count;
        say(`t=${Date.now() - started}ms (a) terminated ${count} backends of ${database}`);
        let now = before;
        await waitFor('sink-postgres to write on after its backends were terminated', async () => {
          now = await sinkState(current, 'sink-postgres');
          return now.settled > before.settled && now.paused === 0;
        }, { timeoutMs: 60_000, intervalMs: 250, detail: () => `(before: ${JSON.stringify(before)}; last: ${JSON.stringify(now)})` });
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      expect(terminated, 'backends of the drill database terminated').to.be.greaterThan(0);

      // (b) PostgreSQL down for the outage; (c) OpenSearch down for the outage.
      say(`t=${Date.now() - started}ms (b) stopping PostgreSQL for ${scale.outageMs} ms`);
      const pgOutage = await outage(current, 'sink-postgres', 'PostgreSQL', stopPostgres, startPostgres);
      say(`t=${Date.now() - started}ms (c) stopping OpenSearch for ${scale.outageMs} ms`);
      const osOutage = await outage(current, 'sink-opensearch', 'OpenSearch', stopOpenSearch, startOpenSearch);

      const rest = started + scale.loadMs - Date.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      const written = await load.stop();
      const loadEnded = Date.now();
      say(`wrote ${written} lines in ${loadEnded - started} ms; draining`);
      await current.drain(scale.drainTimeoutMs);
      const drainMs = Date.now() - loadEnded;
      const ledger = await checkLedger(current);
      say(`drained in ${drainMs} ms; ${ledgerSummary(ledger)}`);
      say(`figures: terminated ${terminated} backends; PostgreSQL down ${pgOutage.downMs} ms, sink-postgres ${pgOutage.retries} retries, recovered in ${pgOutage.recoveryMs} ms; OpenSearch down ${osOutage.downMs} ms, sink-opensearch ${osOutage.retries} retries, recovered in ${osOutage.recoveryMs} ms`);
      assertLedgerClean(ledger, written);
      for (const service of ['stream', 'sink-postgres', 'sink-opensearch', 'agent'] as const) {
        expect(current.pid(service), `${service} still runs (it recovered by itself, no restart)`).to.be.a('number');
      }
    } catch (error) {
      say(`failed; service output:\n${current.output()}`);
      throw error;
    }
  });
});
