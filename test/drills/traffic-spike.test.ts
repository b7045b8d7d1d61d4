/**
 * Drill 4, traffic spike (issue #11): the base rate, then five times the base rate for 60 s (short
 * scale: 15 s), then the base rate again. The backlog (lines the agent has not had acknowledged plus
 * the consumer lag of the stream and both sinks) is sampled before the spike and must come back to
 * within a bound of that baseline before a deadline; while the spike runs the API keeps answering
 * searches (200, or 429 when over the limit: never a 5xx or a timeout), and a client over its
 * per-principal limit gets 429 with Retry-After. Then the backlog drains and the ledger is clean.
 */
import { expect } from 'chai';
import pg from 'pg';
import { hashPassword } from '../../api/auth/passwords.js';
import { insertUser } from '../../api/auth/user-store.js';
import { waitFor } from '../support/wait-for.js';
import { acknowledgedFiles } from './support/agent-checkpoint.js';
import { drillScale } from './support/drill-scale.js';
import { startDrillLoad } from './support/drill-load.js';
import { assertLedgerClean, checkLedger } from './support/drill-ledger.js';
import { createDrillStack, DRILL_API_PASSWORD, DRILL_API_PRINCIPAL_LIMIT, login } from './support/drill-stack.js';
import type { DrillLoad, DrillStack } from './support/drill-types.js';

const scale = drillScale();
const SPIKE_FACTOR = 5;
const spikeMs = scale.name === 'full' ? 60_000 : 15_000;
const baseMs = Math.round(scale.loadMs * 0.4);
/** A search slower than this counts as a timeout. */
const SEARCH_TIMEOUT_MS = 10_000;

/** Lines not yet in both stores, by stage: the agent's unacknowledged lines (estimated from bytes), the lag of the stream and of each sink. */
interface Backlog {
  readonly total: number;
  readonly text: string;
}

async function backlog(stack: DrillStack, load: DrillLoad): Promise<Backlog> {
  // Nothing is killed in this drill: a service that is gone crashed, and waiting on would only hide it.
  for (const service of ['agent', 'stream', 'sink-postgres', 'sink-opensearch', 'api'] as const) {
    if (stack.pid(service) === undefined) throw new Error(`${service} is not running:\n${stack.output()}`);
  }
  const files = await acknowledgedFiles(stack.logDir, stack.agentCheckpointPath);
  const size = files.reduce((sum, f) => sum + f.size, 0);
  const unackedBytes = files.reduce((sum, f) => sum + Math.max(0, f.size - f.acknowledged), 0);
  const agent = size === 0 ? 0 : Math.round((unackedBytes / size) * load.written());
  const [stream, postgres, opensearch] = await Promise.all([stack.lag('stream'), stack.lag('sink-postgres'), stack.lag('sink-opensearch')]);
  return { total: agent + stream + postgres + opensearch, text: `agent ${agent} stream ${stream} sink-postgres ${postgres} sink-opensearch ${opensearch}` };
}

/** One search as a viewer would make it; resolves with the status, or 0 on a timeout or a broken connection. */
async function search(apiUrl: string, token: string): Promise<{ status: number; retryAfter: string | null }> {
  try {
    const response = await fetch(`${apiUrl}/api/v1/logs/search?q=request&size=20&highlight=false`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(SEARCH_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch {
    return { status: 0, retryAfter: null };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`drill: traffic spike (${scale.name})`, function () {
  this.timeout(baseMs + spikeMs + scale.drainTimeoutMs * 2 + 300_000);
  let stack: DrillStack | undefined;
  let load: DrillLoad | undefined;

  after(async () => {
    await load?.stop().catch(() => undefined);
    await stack?.destroy();
  });

  it(`${SPIKE_FACTOR}x the base rate: backlog recovers, the API answers 200 or 429, nothing lost or duplicated`, async () => {
    stack = await createDrillStack({ name: 'traffic-spike', withApi: true });
    const current = stack;
    try {
      await current.start();
      const api = current.api!;
      // A second principal, the greedy client: the limit is per principal (every drill client shares 127.0.0.1).
      const pool = new pg.Pool({ connectionString: current.postgresUrl, max: 1 });
      try {
        await insertUser(pool, { username: 'drill-greedy', passwordHash: await hashPassword(DRILL_API_PASSWORD), role: 'viewer' });
      } finally {
        await pool.end();
      }
      const greedyToken = await login(api.url, 'drill-greedy');

      const started = Date.now();
      const running = startDrillLoad(current, { logsPerS: scale.spikeBaseLogsPerS });
      load = running;
      await sleep(baseMs / 2);
      // Baseline: the backlog at the base rate, sampled over the second half of the base phase.
      const samples: number[] = [];
      while (Date.now() - started < baseMs) {
        samples.push((await backlog(current, running)).total);
        await sleep(1000);
      }
      const baseline = Math.max(...samples);
      const bound = Math.max(2 * baseline, baseline + 3 * scale.spikeBaseLogsPerS);
      process.stderr.write(`drill traffic-spike: base ${scale.spikeBaseLogsPerS} lines/s, backlog samples ${samples.join(',')} → baseline ${baseline}, bound ${bound}\n`);

      running.setRate(scale.spikeBaseLogsPerS * SPIKE_FACTOR);
      const spikeStart = Date.now();
      const statuses = new Map<number, number>();
      let searches = 0;
      const searcher = (async () => {
        while (Date.now() - spikeStart < spikeMs) {
          const { status } = await search(api.url, api.token);
          searches += 1;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          await sleep(500);
        }
      })();
      // Halfway through the spike the greedy client spends its budget and more, in parallel bursts.
      await sleep(spikeMs / 2);
      const greedy: { status: number; retryAfter: string | null }[] = [];
      for (let burst = 0; burst < 3; burst += 1) greedy.push(...(await Promise.all(Array.from({ length: Math.ceil((DRILL_API_PRINCIPAL_LIMIT.points * 1.5) / 3) }, () => search(api.url, greedyToken)))));
      await searcher;
      const peak = await backlog(current, running);
      running.setRate(scale.spikeBaseLogsPerS);
      const spikeEnded = Date.now();
      const greedyStatuses = new Map<number, number>();
      for (const { status } of greedy) greedyStatuses.set(status, (greedyStatuses.get(status) ?? 0) + 1);
      process.stderr.write(
        `drill traffic-spike: spike ${SPIKE_FACTOR}x for ${spikeEnded - spikeStart} ms; backlog at its end ${peak.total} (${peak.text}); searcher ${searches} requests ${JSON.stringify(Object.fromEntries(statuses))}; greedy ${greedy.length} requests ${JSON.stringify(Object.fromEntries(greedyStatuses))}\n`,
      );
      expect([...statuses.keys()].filter((s) => s !== 200 && s !== 429), `searcher statuses ${JSON.stringify(Object.fromEntries(statuses))} (0 = timeout)`).to.deep.equal([]);
      expect(statuses.get(200) ?? 0, 'searches answered 200 during the spike').to.be.greaterThan(0);
      expect([...greedyStatuses.keys()].filter((s) => s !== 200 && s !== 429), `greedy statuses ${JSON.stringify(Object.fromEntries(greedyStatuses))}`).to.deep.equal([]);
      const limited = greedy.filter((g) => g.status === 429);
      expect(limited.length, 'the greedy client is limited').to.be.greaterThan(0);
      for (const answer of limited) expect(Number(answer.retryAfter), `Retry-After ${String(answer.retryAfter)}`).to.be.at.least(1);

      // Back at the base rate, the backlog must come back near its baseline.
      let last = peak;
      let reportAt = Date.now() + 15_000;
      await waitFor(
        `the backlog to return within ${bound} (baseline ${baseline})`,
        async () => {
          last = await backlog(current, running);
          if (Date.now() >= reportAt) {
            reportAt = Date.now() + 15_000;
            process.stderr.write(`drill traffic-spike: recovering, backlog ${last.total} (${last.text})\n`);
          }
          return last.total <= bound;
        },
        { timeoutMs: scale.drainTimeoutMs, intervalMs: 1000, detail: () => `; last ${last.total} (${last.text})` },
      );
      process.stderr.write(`drill traffic-spike: backlog ${last.total} within ${bound} ${Date.now() - spikeEnded} ms after the spike\n`);

      const written = await running.stop();
      const loadEnded = Date.now();
      process.stderr.write(`drill traffic-spike: wrote ${written} lines in ${loadEnded - started} ms; draining\n`);
      await current.drain(scale.drainTimeoutMs);
      process.stderr.write(`drill traffic-spike: drained in ${Date.now() - loadEnded} ms\n`);
      const ledger = await checkLedger(current);
      assertLedgerClean(ledger, written);
    } catch (error) {
      process.stderr.write(`drill traffic-spike failed; service output:\n${current.output()}\n`);
      throw error;
    }
  });
});
