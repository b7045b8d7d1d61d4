/**
 * Drill 5, disk full (issue #11), on one drill stack, in two parts:
 *
 * (a) The agent's spool on a 2 MiB tmpfs. The spool only grows while Kafka takes less than the
 *     agent reads, so the drill makes the broker do exactly that to this agent and nobody else: a
 *     produce quota on the agent's Kafka client id (KIP-219 throttling, what a saturated cluster
 *     does to a heavy producer). Cutting the agent off the shared broker alone is not possible
 *     here (kafkajs learns the broker address from metadata, so a proxy is bypassed, and this
 *     machine has no iptables), and stopping the shared broker would stop every helper's Kafka.
 *     Expected: the memory queue fills, the spool fills the tmpfs, the agent logs "disk full",
 *     exports `sawmill_agent_disk_full 1`, and the real rule SawmillAgentSpoolFull (evaluated by a
 *     private Prometheus with the repository's rules file) goes pending (its `for:` is 1 m; firing
 *     is not waited for in the short scale). Then the tmpfs is grown: the spool takes writes again
 *     (disk_full 0), the quota is lifted, everything drains.
 *
 * (b) The drill's PostgreSQL database in a tablespace on a small tmpfs, shrunk after the
 *     migrations to a little above what they use, so the load fills it: the PostgreSQL sink gets
 *     SQLSTATE 53100 (disk_full), commits nothing, pauses and counts retries, and the rules that
 *     read those series (SawmillSinkErrors on sawmill_sink_retries_total, SawmillSinkPaused on
 *     sawmill_sink_paused) go pending. Then the tmpfs is grown and the sink writes on.
 *
 * One load runs through both parts (lines are numbered from 0 per load, so a second load would
 * collide); at the end the backlog drains and the ledger must be clean: every acknowledged line in
 * both stores exactly once. Needs root (mount). Every tmpfs is unmounted and the quota lifted in
 * `after`, whatever happened.
 */
import { expect } from 'chai';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sumMetric } from '../../bench/e2e/prometheus-text.js';
import { waitFor } from '../support/wait-for.js';
import { drillScale } from './support/drill-scale.js';
import { startDrillLoad } from './support/drill-load.js';
import { assertLedgerClean, checkLedger } from './support/drill-ledger.js';
import { createDrillStack } from './support/drill-stack.js';
import type { DrillLoad, DrillStack } from './support/drill-types.js';
import { createTablespace, dropTablespace, mountSmallTmpfs, throttleKafkaProducer, unthrottleKafkaProducer, type SmallTmpfs } from './support/faults.js';
import { startPrivatePrometheus, type PrivatePrometheus } from './support/private-prometheus.js';

const scale = drillScale();
const BOOTSTRAP = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',')[0]!;
const MIB = 1024 * 1024;
const SPOOL_BYTES = 2 * MIB;
/** Room for CREATE DATABASE and the migrations in the tablespace before it is shrunk. */
const TABLESPACE_START_BYTES = 64 * MIB;
/** Free space left in the tablespace once the stack runs: a few seconds of the load's rows. */
const TABLESPACE_HEADROOM_BYTES = 2 * MIB;
const GROWN_BYTES = 512 * MIB;
/** Far below what the agent sends: each request is answered, then the connection muted for the throttle time. */
const AGENT_QUOTA_BYTES_PER_S = 8 * 1024;

function say(text: string): void {
  process.stderr.write(`drill disk-full: ${text}\n`);
}

/** The section of `stack.output()` of one service. */
function outputOf(stack: DrillStack, service: string): string {
  const sections = stack.output().split(/^--- /m);
  return sections.find((s) => s.startsWith(`${service} `)) ?? '';
}

async function metric(stack: DrillStack, service: 'agent' | 'sink-postgres', name: string): Promise<number> {
  return sumMetric(await stack.metrics(service), name);
}

async function usedBytes(fs: SmallTmpfs): Promise<number> {
  return fs.sizeBytes() - (await fs.freeBytes());
}

describe(`drill: disk full (${scale.name})`, function () {
  this.timeout(scale.loadMs * 4 + 2 * scale.drainTimeoutMs + 600_000);
  let dir: string | undefined;
  let spoolFs: SmallTmpfs | undefined;
  let tablespaceFs: SmallTmpfs | undefined;
  let tablespace: string | undefined;
  let stack: DrillStack | undefined;
  let load: DrillLoad | undefined;
  let prometheus: PrivatePrometheus | undefined;
  let throttledClient: string | undefined;

  before(function () {
    if (process.getuid?.() !== 0) this.skip();
  });

  after(async () => {
    const problems: unknown[] = [];
    const attempt = async (what: () => Promise<unknown>): Promise<void> => {
      await what().catch((error: unknown) => problems.push(error));
    };
    await attempt(async () => load?.stop());
    await attempt(async () => prometheus?.stop());
    if (throttledClient !== undefined) await attempt(() => unthrottleKafkaProducer(BOOTSTRAP, throttledClient!));
    await attempt(async () => stack?.destroy());
    if (tablespace !== undefined) await attempt(() => dropTablespace(tablespace!));
    await attempt(async () => spoolFs?.unmount());
    await attempt(async () => tablespaceFs?.unmount());
    if (dir !== undefined) await attempt(() => rm(dir!, { recursive: true, force: true }));
    if (problems.length > 0) throw problems[0];
  });

  it('fills the agent spool and the PostgreSQL tablespace: clear errors, alerts pending, recovery, nothing lost or duplicated', async () => {
    say(`scale ${scale.name}: ${scale.baseLogsPerS} lines/s`);
    dir = await mkdtemp(join(tmpdir(), 'drill-disk-full-'));
    // mkdtemp makes it 0700: the postgres user must reach the tablespace below it.
    await chmod(dir, 0o755);
    spoolFs = await mountSmallTmpfs(join(dir, 'spool'), SPOOL_BYTES);
    tablespaceFs = await mountSmallTmpfs(join(dir, 'tablespace'), TABLESPACE_START_BYTES, { owner: 'postgres', mode: '0700' });
    tablespace = `drill_disk_full_${process.pid}`;
    await createTablespace(tablespace, tablespaceFs.dir);

    stack = await createDrillStack({ name: 'disk-full', agentSpoolDir: spoolFs.dir, postgresTablespace: tablespace });
    const current = stack;
    try {
      await current.start();
      prometheus = await startPrivatePrometheus([
        { job: 'drill-agent', metrics: () => current.metrics('agent') },
        { job: 'drill-sink-postgres', metrics: () => current.metrics('sink-postgres') },
      ]);
      const alerts = prometheus;
      const started = Date.now();
      const since = (): string => `t=${Date.now() - started}ms`;

      // ---------------------------------------------------------------- (a) the agent's spool
      // drill-stack.ts gives the agent the Kafka client id `<agentId>-agent`.
      throttledClient = `${current.agentId}-agent`;
      await throttleKafkaProducer(BOOTSTRAP, throttledClient, AGENT_QUOTA_BYTES_PER_S);
      say(`${since()} (a) produce quota ${AGENT_QUOTA_BYTES_PER_S} B/s on client ${throttledClient}; spool on a ${SPOOL_BYTES / MIB} MiB tmpfs`);
      load = startDrillLoad(current, { logsPerS: scale.baseLogsPerS });
      await waitFor('the agent to report disk full', async () => (await metric(current, 'agent', 'sawmill_agent_disk_full')) === 1, {
        timeoutMs: 180_000,
        intervalMs: 500,
        detail: () => `(spool tmpfs ${spoolFs!.sizeBytes()} B; agent output:\n${outputOf(current, 'agent').slice(-2000)})`,
      });
      const fullAt = Date.now();
      const agentText = await current.metrics('agent');
      say(`${since()} (a) disk full: spool bytes ${sumMetric(agentText, 'sawmill_agent_spool_bytes')}, spooled lines ${sumMetric(agentText, 'sawmill_agent_lines_spooled_total')}, read ${sumMetric(agentText, 'sawmill_agent_lines_read_total')}, acknowledged ${sumMetric(agentText, 'sawmill_agent_lines_acknowledged_total')}, written ${load.written()}, tmpfs free ${await spoolFs.freeBytes()} B`);
      await waitFor('the agent to log the full disk', () => /disk full/i.test(outputOf(current, 'agent')), { timeoutMs: 10_000, intervalMs: 200 });
      const agentLine = outputOf(current, 'agent').split('\n').find((l) => /disk full/i.test(l));
      say(`(a) agent log: ${agentLine}`);
      const spoolAlert = await alerts.waitForAlert('SawmillAgentSpoolFull', ['pending', 'firing'], { labels: { job: 'drill-agent' }, timeoutMs: 30_000 });
      say(`${since()} (a) alert SawmillAgentSpoolFull ${spoolAlert.state} (active at ${spoolAlert.activeAt}, for: 1m so firing comes a minute later)`);

      const spooledAtFull = sumMetric(await current.metrics('agent'), 'sawmill_agent_lines_spooled_total');
      await spoolFs.grow(GROWN_BYTES);
      const grownAt = Date.now();
      await waitFor('the spool to take writes again after the tmpfs grew', async () => {
        const text = await current.metrics('agent');
        return sumMetric(text, 'sawmill_agent_disk_full') === 0 && sumMetric(text, 'sawmill_agent_lines_spooled_total') > spooledAtFull;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      say(`${since()} (a) tmpfs grown to ${GROWN_BYTES / MIB} MiB after ${grownAt - fullAt} ms full; spool writes again ${Date.now() - grownAt} ms later`);
      await unthrottleKafkaProducer(BOOTSTRAP, throttledClient);
      throttledClient = undefined;
      const unthrottled = Date.now();
      const acknowledgedAtLift = sumMetric(await current.metrics('agent'), 'sawmill_agent_lines_acknowledged_total');
      await waitFor('the agent to ship again once the quota is lifted', async () => sumMetric(await current.metrics('agent'), 'sawmill_agent_lines_acknowledged_total') > acknowledgedAtLift + 1000, { timeoutMs: 60_000, intervalMs: 200 });
      say(`${since()} (a) quota lifted; the agent ships again (${Date.now() - unthrottled} ms to 1000 more lines acknowledged)`);

      // ---------------------------------------------------------------- (b) the PostgreSQL tablespace
      const used = await usedBytes(tablespaceFs);
      await tablespaceFs.grow(used + TABLESPACE_HEADROOM_BYTES);
      say(`${since()} (b) tablespace ${tablespace} holds ${used} B; tmpfs shrunk to ${tablespaceFs.sizeBytes()} B`);
      const retriesBefore = await metric(current, 'sink-postgres', 'sawmill_sink_retries_total');
      let state = { paused: 0, retries: retriesBefore };
      await waitFor('sink-postgres to pause on the full tablespace', async () => {
        const text = await current.metrics('sink-postgres');
        state = { paused: sumMetric(text, 'sawmill_sink_paused'), retries: sumMetric(text, 'sawmill_sink_retries_total') };
        return state.paused === 1 && state.retries > retriesBefore;
      }, { timeoutMs: 120_000, intervalMs: 500, detail: () => `(last ${JSON.stringify(state)}; tmpfs free ${tablespaceFs!.sizeBytes()} B)` });
      const pgFullAt = Date.now();
      await waitFor('the sink to log SQLSTATE 53100', () => /53100/.test(outputOf(current, 'sink-postgres')), { timeoutMs: 20_000, intervalMs: 200, detail: () => outputOf(current, 'sink-postgres').slice(-2000) });
      const sinkLine = outputOf(current, 'sink-postgres').split('\n').find((l) => l.includes('53100'));
      say(`${since()} (b) sink-postgres paused, retries ${state.retries - retriesBefore}; log: ${sinkLine}`);
      const lagWhileFull = await current.lag('sink-postgres');
      const pausedAlert = await alerts.waitForAlert('SawmillSinkPaused', ['pending', 'firing'], { labels: { job: 'drill-sink-postgres' }, timeoutMs: 30_000 });
      // SawmillSinkErrors is `rate(sawmill_sink_retries_total[5m]) > 0.05`: more than 15 retries
      // within 5 minutes. The sink backs off exponentially (seconds apart after a few attempts),
      // so that takes minutes of a full disk: waited for in the full scale, reported in the short one.
      const retryRate = await alerts.query('sum by (job, sink) (rate(sawmill_sink_retries_total{job="drill-sink-postgres"}[5m]))');
      say(`${since()} (b) alerts: SawmillSinkPaused ${pausedAlert.state} (for: 5m); sink retry rate over 5m ${JSON.stringify(retryRate)} (SawmillSinkErrors needs > 0.05/s); sink-postgres lag ${lagWhileFull}`);
      if (scale.name === 'full') {
        const errorsAlert = await alerts.waitForAlert('SawmillSinkErrors', ['pending', 'firing'], { labels: { job: 'drill-sink-postgres' }, timeoutMs: 300_000 });
        say(`${since()} (b) alert SawmillSinkErrors ${errorsAlert.state} (for: 10m)`);
      }
      expect(lagWhileFull, '(b) nothing committed past the failed write: the sink is behind').to.be.greaterThan(0);

      await tablespaceFs.grow(GROWN_BYTES);
      const pgGrownAt = Date.now();
      let after = { paused: 1, settled: 0 };
      const settledAtGrow = await metric(current, 'sink-postgres', 'sawmill_sink_records_total');
      await waitFor('sink-postgres to write again after the tablespace grew', async () => {
        const text = await current.metrics('sink-postgres');
        after = { paused: sumMetric(text, 'sawmill_sink_paused'), settled: sumMetric(text, 'sawmill_sink_records_total') };
        return after.paused === 0 && after.settled > settledAtGrow;
      }, { timeoutMs: 60_000, intervalMs: 200, detail: () => JSON.stringify(after) });
      say(`${since()} (b) tablespace grown after ${pgGrownAt - pgFullAt} ms paused; sink-postgres writes again ${Date.now() - pgGrownAt} ms later`);
      // One load across both parts (a second load would number its lines from 0 again), so one drain and one ledger for both.
      const written = await load.stop();
      load = undefined;
      const loadEnded = Date.now();
      await current.drain(scale.drainTimeoutMs);
      say(`${since()} ${written} lines drained ${Date.now() - loadEnded} ms after the load ended; spool bytes ${await metric(current, 'agent', 'sawmill_agent_spool_bytes')}`);
      const ledger = await checkLedger(current);
      assertLedgerClean(ledger, written);
      expect(await metric(current, 'agent', 'sawmill_agent_lines_dropped_total'), 'the agent dropped nothing').to.equal(0);
      expect(await metric(current, 'agent', 'sawmill_agent_disk_full'), 'disk_full cleared').to.equal(0);
    } catch (error) {
      say(`failed; service output:\n${current.output()}\nprometheus: ${prometheus?.output() ?? ''}`);
      throw error;
    }
  });
});
