// The error-burst alert through the real pipeline, shown by the dashboard: raw checkout traffic
// with a burst of errors goes through `startPipeline` (the topology `sawmill stream` runs, on its
// own topics, exactly_once, Avro via the registry) with an ERROR_SPIKE rule published to its
// alert-rules topic; the FIRING AlertEvent it emits on its alerts topic is stored by the PostgreSQL
// alerts writer (the code `sawmill sink postgres` runs for that topic) in the API's database; the
// browser must then list it on the alerts page. Event time comes from the events, so the 3 minutes
// of traffic take seconds.
import { join } from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { AlertEvent, AlertRule, RawLogEvent } from '../../schemas/log-schemas.js';
import { waitFor } from '../support/wait-for.js';
import { PipelineHarness, seededRandom } from '../integration/pipeline-harness.js';
import { ARTIFACTS_DIR, startDashboardStack, VIEWPORTS, type DashboardStack } from './dashboard-stack.js';

const WINDOW_MS = 10_000;
const RUN_MS = 160_000;
const BURST_START_MS = 100_000;
const BURST_END_MS = 140_000;
// Recent, aligned on a minute so windows start at T0.
const T0 = Math.floor((Date.now() - 15 * 60_000) / 60_000) * 60_000;

const RULE: AlertRule = {
  id: 'browser-checkout-error-spike',
  name: 'Checkout error spike (pipeline)',
  description: null,
  kind: 'ERROR_SPIKE',
  enabled: true,
  severity: 'CRITICAL',
  service: 'checkout',
  windowSizeMs: WINDOW_MS,
  resolveAfterWindows: 1,
  errorSpike: { zScoreThreshold: 4, minCount: 10, fireAfterWindows: 1, ewmaAlpha: 0.1, warmupWindows: 5 },
  latencyAnomaly: null,
  threshold: null,
  absence: null,
  labels: { team: 'browser-test' },
  updatedAtMs: T0,
};

let sequence = 0;
function event(atMs: number, level: 'INFO' | 'ERROR'): RawLogEvent {
  sequence += 1;
  const message = level === 'ERROR' ? `payment declined id=${sequence}` : `order placed id=${sequence}`;
  return {
    eventId: `browser-checkout-${sequence}`,
    agentId: 'browser-agent',
    sequence,
    source: { kind: 'file', id: 'checkout', path: '/var/log/checkout.log', streamId: 'browser-checkout', offset: sequence * 100 },
    host: 'checkout-1',
    service: 'checkout',
    line: `${new Date(atMs).toISOString()} ${level} ${message}`,
    truncated: false,
    observedTimestampMs: atMs + 3,
    eventTimestampMs: atMs,
    level,
    parsedFields: { format: 'plain', message },
    labels: { service: 'checkout' },
  };
}

describe('dashboard: an error burst through the real pipeline appears as an active alert', function () {
  this.timeout(300_000);
  let stack: DashboardStack;
  let harness: PipelineHarness;
  let context: BrowserContext;
  let page: Page;
  let firing: AlertEvent;

  before(async () => {
    [stack, harness] = await Promise.all([
      startDashboardStack(),
      PipelineHarness.create('browser', { windowCount: { windowSizesMs: [WINDOW_MS], graceMs: 2_000 }, anomalyDetect: { checkIntervalMs: 5_000 } }, 1),
    ]);
    await harness.publishRules([RULE]);
    const started = Date.now();
    await harness.startPipeline();
    const alerts = await harness.collect(harness.topics.alerts);
    const random = seededRandom(7);
    const traffic: RawLogEvent[] = [];
    for (let t = 0; t < RUN_MS; t += 100) {
      const burst = t >= BURST_START_MS && t < BURST_END_MS;
      traffic.push(event(T0 + t, random() < (burst ? 0.5 : 0.02) ? 'ERROR' : 'INFO'));
    }
    // A late event closes the last windows.
    await harness.produceRaw([...traffic, event(T0 + RUN_MS + 30_000, 'INFO')]);
    let decoded: AlertEvent[] = [];
    await waitFor('a FIRING ERROR_SPIKE alert for checkout on the pipeline alerts topic', async () => {
      decoded = await harness.decodeAlerts(alerts.messages);
      return decoded.some((a) => a.state === 'FIRING' && a.service === 'checkout');
    }, { timeoutMs: 180_000, intervalMs: 500, detail: () => `(${harness.processedRecords()} records processed, ${decoded.length} alerts)` });
    firing = decoded.find((a) => a.state === 'FIRING' && a.service === 'checkout')!;
    console.log(`    pipeline: ${traffic.length + 1} events to a FIRING alert in ${Date.now() - started} ms wall time (pipeline start included)`);
    // Every alert so far (a RESOLVED may follow the burst), through the alerts writer, as the postgres sink stores them.
    await stack.writeAlerts(decoded);
    context = await stack.browser.newContext({ viewport: VIEWPORTS.desktop });
    page = await context.newPage();
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await harness?.close();
    await stack?.close();
  });

  it('lists the alert the pipeline raised, with its rule, service and summary', async () => {
    expect(firing.ruleId).to.equal(RULE.id);
    expect(firing.evidence.windowStartMs - T0).to.be.within(BURST_START_MS, BURST_END_MS - WINDOW_MS);
    await page.goto(`${stack.baseUrl}/#/login`);
    await page.getByLabel('Username').fill(stack.user.username);
    await page.getByLabel('Password').fill(stack.user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor({ timeout: 10_000 });

    // Still firing or already resolved: the page lists what alert_state holds for the fingerprint.
    const { rows } = await stack.env.pool.query<{ state: string }>('SELECT state FROM alert_state WHERE fingerprint = $1', [firing.fingerprint]);
    expect(rows).to.have.length(1);
    const state = rows[0]!.state;
    await page.goto(`${stack.baseUrl}/#/alerts${state === 'FIRING' ? '' : '/history'}`);
    const row = page.locator('.table-wrap tbody tr', { hasText: firing.summary });
    await row.first().waitFor({ timeout: 15_000 });
    const cells = await row.first().locator('td').allTextContents();
    expect(cells).to.include.members(['CRITICAL', 'checkout', RULE.name, firing.summary]);
    for (const [kind, size] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(ARTIFACTS_DIR, `pipeline-alert-${kind}-${size.width}.png`), fullPage: true });
    }
  });
});
