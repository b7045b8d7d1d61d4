/**
 * Drill 2, service killed (issue #11): at the base rate, `kill -9` of the stream processor, of
 * each sink (at different moments) and of the agent, in a seeded random order at random moments
 * of the load, each restarted after a short while; then the backlog drains and every line the
 * agent acknowledged is in OpenSearch and in PostgreSQL exactly once. DRILL_SEED replays a run.
 */
import { expect } from 'chai';
import { seededRandom } from '../integration/pipeline-harness.js';
import { drillScale } from './support/drill-scale.js';
import { startDrillLoad } from './support/drill-load.js';
import { assertLedgerClean, checkLedger } from './support/drill-ledger.js';
import { createDrillStack } from './support/drill-stack.js';
import type { DrillLoad, DrillService, DrillStack } from './support/drill-types.js';

const scale = drillScale();
const seed = process.env['DRILL_SEED'] === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env['DRILL_SEED']);

describe(`drill: service killed (${scale.name}, seed ${seed})`, function () {
  this.timeout(scale.loadMs * 3 + scale.drainTimeoutMs + 300_000);
  let stack: DrillStack | undefined;
  let load: DrillLoad | undefined;

  after(async () => {
    await load?.stop().catch(() => undefined);
    await stack?.destroy();
  });

  it('kill -9 of stream, both sinks and the agent mid-load loses and duplicates nothing', async () => {
    process.stderr.write(`drill service-kill: seed ${seed} (replay with DRILL_SEED=${seed}), scale ${scale.name}: ${scale.baseLogsPerS} lines/s for ${scale.loadMs} ms\n`);
    const random = seededRandom(seed);
    const victims: DrillService[] = ['stream', 'sink-postgres', 'sink-opensearch', 'agent'];
    // Fisher-Yates with the seeded generator: the order and the moments replay with the seed.
    for (let i = victims.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [victims[i], victims[j]] = [victims[j]!, victims[i]!];
    }
    // Kills fall in the first 80 % of the load, so every restart meets lines still arriving.
    const slotMs = (scale.loadMs * 0.8) / victims.length;
    const plan = victims.map((service, i) => ({ service, atMs: Math.round(i * slotMs + random() * slotMs * 0.5), downMs: Math.round(1000 + random() * Math.min(4000, scale.outageMs)) }));
    process.stderr.write(`drill service-kill: plan ${plan.map((p) => `${p.service}@${p.atMs}ms down ${p.downMs}ms`).join(', ')}\n`);

    stack = await createDrillStack({ name: 'service-kill' });
    const current = stack;
    try {
      await current.start();
      const started = Date.now();
      const running = startDrillLoad(current, { logsPerS: scale.baseLogsPerS });
      load = running;
      // The load ends on time whatever the restarts cost; kills and restarts run beside it.
      const loadDone = new Promise((resolve) => setTimeout(resolve, scale.loadMs)).then(() => running.stop());
      for (const step of plan) {
        const wait = started + step.atMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const before = current.pid(step.service);
        expect(before, `${step.service} runs before its kill`).to.be.a('number');
        await current.kill(step.service);
        expect(current.pid(step.service), `${step.service} is gone after kill -9`).to.equal(undefined);
        process.stderr.write(`drill service-kill: t=${Date.now() - started}ms killed ${step.service} (pid ${String(before)}) at ${running.written()} lines\n`);
        await new Promise((resolve) => setTimeout(resolve, step.downMs));
        await current.restart(step.service);
        const after = current.pid(step.service);
        expect(after, `${step.service} runs again`).to.be.a('number').and.not.equal(before);
        process.stderr.write(`drill service-kill: t=${Date.now() - started}ms ${step.service} back (pid ${String(after)})\n`);
      }
      const written = await loadDone;
      const loadEnded = Date.now();
      process.stderr.write(`drill service-kill: wrote ${written} lines in ${scale.loadMs} ms; last restart done at t=${loadEnded - started}ms; draining\n`);
      await current.drain(scale.drainTimeoutMs);
      process.stderr.write(`drill service-kill: drained in ${Date.now() - loadEnded} ms\n`);
      const ledger = await checkLedger(current);
      assertLedgerClean(ledger, written);
    } catch (error) {
      process.stderr.write(`drill service-kill failed; service output:\n${current.output()}\n`);
      throw error;
    }
  });
});
