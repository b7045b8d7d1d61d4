import { expect } from 'chai';
import avro from 'avsc';
import { createParser } from '../../agent/parsers/index.js';
import { buildRawEvent } from '../../agent/raw-event.js';
import { ruleInputSchema, toAlertRule } from '../../api/alert-rules/rule-schema.js';
import { apiConfigSchema } from '../../api/config.js';
import { createLogGenerator } from '../../bench/generator/generator.js';
import type { IncidentWindow } from '../../bench/generator/incidents.js';
import { DEMO_SERVICE_NAMES } from '../../bench/generator/services.js';
import { addAnomalyDetect, InMemoryRuleCatalog } from '../../processors/anomaly-detect.js';
import { ruleProblems } from '../../processors/anomaly/rule-validation.js';
import { enrichEvent } from '../../processors/enrich.js';
import { addWindowCount, windowCountConfigSchema } from '../../processors/window-count.js';
import { topicValueSchema, type AlertEvent, type AlertRule, type EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { Serdes, StreamsBuilder, TopologyTestDriver } from '../../topology/index.js';
import { DEMO_ALERT_RULES } from './demo-alert-rules.js';

/** The rules as the API would publish them (validated, defaults filled in). */
function publishedRules(): AlertRule[] {
  return DEMO_ALERT_RULES.map((body) => toAlertRule(ruleInputSchema.parse(body), body.id, Date.UTC(2026, 0, 1)));
}

describe('demo alert rules', () => {
  it('are valid create bodies of POST /api/v1/alert-rules, with unique fixed ids', () => {
    for (const body of DEMO_ALERT_RULES) {
      const parsed = ruleInputSchema.safeParse(body);
      expect(parsed.success, `${body.id}: ${parsed.error?.message ?? ''}`).to.equal(true);
      expect(parsed.data?.id).to.equal(body.id);
    }
    const ids = DEMO_ALERT_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids.every((id) => id.startsWith('demo-'))).to.equal(true);
  });

  it('pass the semantic checks of the API and anomaly-detect for the window sizes both count by default', () => {
    const apiSizes = apiConfigSchema.shape.rules.parse({}).windowSizesMs;
    const pipelineSizes = windowCountConfigSchema.parse({}).windowSizesMs;
    for (const rule of publishedRules()) {
      expect(ruleProblems(rule, apiSizes), rule.id).to.deep.equal([]);
      expect(ruleProblems(rule, pipelineSizes), rule.id).to.deep.equal([]);
    }
  });

  it('encode with the Avro schema of the alert-rules topic', () => {
    const type = avro.Type.forSchema(topicValueSchema('alert-rules') as avro.Schema);
    for (const rule of publishedRules()) {
      expect(type.isValid(rule, { errorHook: (path) => expect.fail(`${rule.id}: invalid at ${path.join('.')}`) }), rule.id).to.equal(true);
      // avsc decodes records as class instances; compare the plain data.
      expect(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(rule))))).to.deep.equal(rule);
    }
  });

  it('only name demo services', () => {
    for (const rule of DEMO_ALERT_RULES) {
      if (rule.service !== null && rule.service !== undefined) expect(DEMO_SERVICE_NAMES).to.include(rule.service);
    }
  });

  describe("on the demo's own logs (generator -> parser -> enrich -> window-count -> anomaly-detect)", function () {
    this.timeout(300_000);

    /** What the local stack runs: `sawmill demo` at DEMO_RATE=200 lines/s. */
    const RATE = 200;
    // Lines arrive in order here, so the stack's 30 s of grace for late agents would only delay the windows.
    const GRACE_MS = 2_000;
    // 2026-01-01T00:00Z is a multiple of 5 minutes, so the incident periods start with the run.
    const START_MS = Date.UTC(2026, 0, 1);

    interface Run {
      alerts: AlertEvent[];
      incidents: IncidentWindow[];
    }

    /** Runs `minutes` of demo traffic (seed `seed`, automatic incidents) through the pipeline with the demo rules. */
    function runDemo(seed: number, minutes: number): Run {
      const builder = new StreamsBuilder();
      const S = Serdes.String();
      const eventSerde = Serdes.Json<EnrichedLogEvent>();
      const enriched = builder.stream('logs.enriched', { keySerde: S, valueSerde: eventSerde });
      const { serviceWindows } = addWindowCount(enriched, { builder, graceMs: GRACE_MS });
      addAnomalyDetect(serviceWindows, { builder, catalog: new InMemoryRuleCatalog(publishedRules()) }).to('alerts', { keySerde: S, valueSerde: Serdes.Json<AlertEvent>() });
      const driver = new TopologyTestDriver(builder.build());
      const input = driver.createInputTopic('logs.enriched', S, eventSerde);
      const output = driver.createOutputTopic('alerts', S, Serdes.Json<AlertEvent>());
      const generator = createLogGenerator({ seed });
      const parser = createParser({});
      const endMs = START_MS + minutes * 60_000;
      const stepMs = 1_000 / RATE;
      let sequence = 0;
      for (let nowMs = START_MS; nowMs < endMs; nowMs += stepMs) {
        const generated = generator.next(nowMs);
        sequence += 1;
        const at = Math.floor(nowMs);
        const raw = buildRawEvent(
          { eventId: `demo-${sequence}`, agentId: 'test-agent', sequence, kind: 'file', sourceId: `demo-${generated.service}`, text: generated.line, truncated: false, observedTimestampMs: at, host: 'test-host', labels: { service: generated.service, env: 'demo' } },
          parser.parse(generated.line, { now: at }),
        );
        const event = enrichEvent(raw, at);
        input.pipeInput(event.service, event, event.timestampMs);
      }
      return { alerts: output.readRecordsToList().map((record) => record.value!), incidents: generator.incidents.windowsBetween(START_MS, endMs) };
    }

    // Seed 371's first 30 minutes hold one incident of each service whose lines carry levels or
    // latencies (sshd's carry neither), the first one after the rules' 50 s warm-up.
    const SEED = 371;
    const MINUTES = 30;
    const WINDOW_MS = 10_000;
    const LATENCY_FREE = ['hdfs-datanode'];

    it('fire once per incident as soon as their fireAfterWindows allow, resolve after it, and stay quiet between incidents', () => {
      const { alerts, incidents } = runDemo(SEED, MINUTES);
      expect(incidents.map((w) => w.service).sort()).to.deep.equal(DEMO_SERVICE_NAMES.filter((s) => s !== 'sshd').sort());
      expect(incidents[0]!.startsAtMs - START_MS).to.be.above(60_000);

      const expected = incidents.flatMap((w, i) => [
        `demo-error-spike ${w.service} #${i}`,
        ...(LATENCY_FREE.includes(w.service) ? [] : [`demo-latency-p50 ${w.service} #${i}`]),
        ...(w.service === 'checkout' ? [`demo-checkout-error-ratio ${w.service} #${i}`] : []),
      ]);
      const label = (alert: AlertEvent, i: number): string => `${alert.ruleId} ${alert.service} #${i}`;
      const firingOf = (alert: AlertEvent): number =>
        incidents.findIndex((w) => w.service === alert.service && alert.evidence.windowStartMs >= w.startsAtMs - WINDOW_MS && alert.evidence.windowStartMs < w.endsAtMs);
      const resolvedOf = (alert: AlertEvent): number =>
        incidents.findIndex((w) => w.service === alert.service && alert.evidence.windowStartMs >= w.endsAtMs - WINDOW_MS && alert.evidence.windowStartMs < w.endsAtMs + 6 * WINDOW_MS);

      const firing = alerts.filter((alert) => alert.state === 'FIRING');
      const resolved = alerts.filter((alert) => alert.state === 'RESOLVED');
      const outside = firing.filter((alert) => firingOf(alert) < 0).map((alert) => alert.summary);
      expect(outside, 'alerts outside any incident of their service').to.deep.equal([]);
      expect(firing.map((alert) => label(alert, firingOf(alert))).sort()).to.deep.equal([...expected].sort());
      expect(resolved.map((alert) => label(alert, resolvedOf(alert))).sort()).to.deep.equal([...expected].sort());
      for (const alert of firing) {
        // The first anomalous window holds the incident's start, or follows it when the start falls
        // late in a window; the rule fires on its fireAfterWindows-th anomalous window.
        const incident = incidents[firingOf(alert)]!;
        const rule = DEMO_ALERT_RULES.find((r) => r.id === alert.ruleId)!;
        const fireAfterWindows = rule.errorSpike?.fireAfterWindows ?? rule.latencyAnomaly?.fireAfterWindows ?? rule.threshold?.fireAfterWindows ?? 1;
        expect(alert.evidence.windowStartMs - incident.startsAtMs, alert.summary).to.be.below((fireAfterWindows + 1) * WINDOW_MS);
      }
    });
  });
});
