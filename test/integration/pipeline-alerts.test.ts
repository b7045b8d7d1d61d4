// Alerts from the pipeline on the real stack (Kafka + registry, exactly_once, 10 s windows), with
// rules published to the test's own alert-rules topic. One run of 280 s of event time carries
// four services at once; event time comes from the events, so it takes seconds of wall time:
// - apache: the loghub Apache_2k file (LOGHUB_DIR, read in place) replayed at a steady 8 lines/s
//   through the agent's parser; each line keeps its text, level and fields, and its time is the
//   replay's (a steady rate is the point) → no alert at all;
// - payments: steady traffic, 2% errors, steady latency → no alert;
// - checkout: the same baseline, then 60 s at 20 times the error rate → exactly one FIRING
//   ERROR_SPIKE for checkout within two windows of the burst start, one RESOLVED after it ends;
// - search: steady latency, then 60 s at 5 times the latency → a LATENCY_ANOMALY (p95) alert.
// One FIRING alert is also decoded outside Sawmill's code: kcat's raw bytes + the registry's
// schema + Apache avro-tools (infra/local/install-avro-tools).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildRawEvent } from '../../agent/raw-event.js';
import { createParser } from '../../agent/parsers/index.js';
import type { AlertEvent, AlertRule, RawLogEvent } from '../../schemas/log-schemas.js';
import { waitFor } from '../support/wait-for.js';
import { decodeWithAvroTools, PipelineHarness, seededRandom, type RawMessage, type TopicCollector } from './pipeline-harness.js';
import { LOGHUB_DIR } from '../support/loghub-ground-truth.js';

const WINDOW_MS = 10_000;
const RUN_MS = 250_000;
const BURST_START_MS = 120_000;
const BURST_END_MS = 180_000;
// Far enough in the past for any clock, aligned on a minute so windows start at T0.
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;

function rule(id: string, kind: AlertRule['kind'], params: Partial<AlertRule>): AlertRule {
  return {
    id,
    name: id,
    description: null,
    kind,
    enabled: true,
    severity: 'CRITICAL',
    service: null,
    windowSizeMs: WINDOW_MS,
    resolveAfterWindows: 1,
    errorSpike: null,
    latencyAnomaly: null,
    threshold: null,
    absence: null,
    labels: { team: 'it' },
    updatedAtMs: T0,
    ...params,
  };
}

const RULES = [
  rule('it-error-spike', 'ERROR_SPIKE', { errorSpike: { zScoreThreshold: 4, minCount: 10, fireAfterWindows: 1, ewmaAlpha: 0.1, warmupWindows: 5 } }),
  rule('it-latency-p95', 'LATENCY_ANOMALY', { latencyAnomaly: { quantile: 'P95', ratioThreshold: 3, floorMs: 100, fireAfterWindows: 1, ewmaAlpha: 0.1, warmupWindows: 5 } }),
];

let sequence = 0;

function event(service: string, atMs: number, level: 'INFO' | 'ERROR', latencyMs: number | null): RawLogEvent {
  sequence += 1;
  const message = latencyMs === null ? `${level === 'ERROR' ? 'payment declined' : 'order placed'} id=${sequence}` : `GET /search q=${sequence} took ${latencyMs.toFixed(1)}ms`;
  return {
    eventId: `it-${service}-${sequence}`,
    agentId: 'it-agent',
    sequence,
    source: { kind: 'file', id: service, path: `/var/log/${service}.log`, streamId: `it-${service}`, offset: sequence * 100 },
    host: `${service}-1`,
    service,
    line: `${new Date(atMs).toISOString()} ${level} ${message}`,
    truncated: false,
    observedTimestampMs: atMs + 3,
    eventTimestampMs: atMs,
    level,
    parsedFields: { format: 'plain', message, ...(latencyMs === null ? {} : { latencyMs: latencyMs.toFixed(3) }) },
    labels: { service },
  };
}

/** 10 events/s for RUN_MS; `errorRate(t)` and `latency(t)` shape the traffic at offset t. */
function traffic(service: string, seed: number, errorRate: (t: number) => number, latency: ((t: number, r: number) => number) | null): RawLogEvent[] {
  const random = seededRandom(seed);
  const out: RawLogEvent[] = [];
  for (let t = 0; t < RUN_MS; t += 100) {
    const level = random() < errorRate(t) ? 'ERROR' : 'INFO';
    out.push(event(service, T0 + t, level, latency === null ? null : latency(t, random())));
  }
  return out;
}

const inBurst = (t: number): boolean => t >= BURST_START_MS && t < BURST_END_MS;

/** The Apache loghub file through the agent's parser, at a steady rate over RUN_MS. */
function loghubReplay(): RawLogEvent[] {
  const lines = readFileSync(join(LOGHUB_DIR, 'Apache', 'Apache_2k.log'), 'utf8').split('\n').filter((line) => line !== '');
  const parser = createParser({ format: 'auto' });
  const step = RUN_MS / lines.length;
  return lines.map((line, i) => {
    const at = T0 + Math.floor(i * step);
    const parsed = parser.parse(line, { now: at });
    const raw = buildRawEvent(
      { eventId: `it-apache-${i}`, agentId: 'it-agent', sequence: i, kind: 'file', sourceId: 'apache', path: '/var/log/apache/error_log', streamId: 'it-apache', offset: i * 120, text: line, truncated: false, observedTimestampMs: at + 3, host: 'apache-1', labels: { service: 'apache' } },
      parsed,
    );
    // Steady replay: the line's 2005 time gives way to the replay clock.
    return { ...raw, eventTimestampMs: at };
  });
}

function windowKeysOf(stats: TopicCollector): Set<string> {
  return new Set(stats.messages.map((m) => (m.key ?? '').split('|')).map(([service, , , start]) => `${service}@${start}`));
}

describe('pipeline alerts (integration, Kafka + registry, 10 s windows)', function () {
  this.timeout(240_000);
  let harness: PipelineHarness;
  let alerts: AlertEvent[];
  let alertMessages: RawMessage[];
  let apacheLevels: Map<string, number>;

  before(async function () {
    // One raw partition: 280 s of event time pass in seconds here, so raw tasks drifting apart by a
    // moment of wall time would be tens of seconds of event time apart on logs.enriched, and a
    // service behind would be late for windows its partition neighbours already closed. One
    // partition keeps arrival in event-time order, as live agents roughly do at real speed.
    harness = await PipelineHarness.create('alerts', { windowCount: { windowSizesMs: [WINDOW_MS], graceMs: 2_000 }, anomalyDetect: { checkIntervalMs: 5_000 } }, 1);
    await harness.publishRules(RULES);
    const started = Date.now();
    await harness.startPipeline();
    const statsCollector = await harness.collect(harness.topics.stats);
    const alertsCollector = await harness.collect(harness.topics.alerts);

    const apache = loghubReplay();
    apacheLevels = new Map();
    for (const e of apache) apacheLevels.set(e.level ?? 'none', (apacheLevels.get(e.level ?? 'none') ?? 0) + 1);
    const steadyLatency = (_t: number, r: number): number => 20 + 60 * r;
    const streams = [
      apache,
      traffic('payments', 1, () => 0.02, steadyLatency),
      traffic('checkout', 2, (t) => (inBurst(t) ? 0.4 : 0.02), null),
      traffic('search', 3, () => 0.02, (t, r) => steadyLatency(t, r) * (inBurst(t) ? 5 : 1)),
    ];
    // Interleaved by event time, as several agents would ship them; then one late event per
    // service closes the last windows of every partition.
    const all = streams.flat().sort((a, b) => (a.eventTimestampMs ?? 0) - (b.eventTimestampMs ?? 0));
    const closers = ['apache', 'payments', 'checkout', 'search'].map((service) => event(service, T0 + RUN_MS + 30_000, 'INFO', null));
    await harness.produceRaw([...all, ...closers]);

    const lastWindow = `${T0 + RUN_MS - WINDOW_MS}`;
    await waitFor('the last window of every service on stats.windowed', () => ['apache', 'payments', 'checkout', 'search'].every((s) => windowKeysOf(statsCollector).has(`${s}@${lastWindow}`)), {
      timeoutMs: 180_000,
      intervalMs: 500,
      detail: () => `(${statsCollector.messages.length} stats so far, ${harness.processedRecords()} input records processed, last windows: ${[...windowKeysOf(statsCollector)].slice(-8).join(' ')})`,
    });
    // Alerts are written in the same transaction as the stats of their window: after the marker, all are read.
    await harness.drain(harness.topics.alerts, alertsCollector);
    alertMessages = alertsCollector.messages.filter((m) => m.value !== null);
    alerts = await harness.decodeAlerts(alertMessages);
    console.log(`      ${all.length + closers.length} events, ${statsCollector.messages.length} stats, ${alerts.length} alerts in ${Date.now() - started} ms wall time (pipeline start included)`);
  });

  after(async () => {
    await harness?.close();
  });

  const summary = (list: AlertEvent[]): string[][] => list.map((a) => [a.state, a.kind, a.service]);

  it('raises no alert for a loghub file replayed at a steady rate, nor for steady traffic', () => {
    // The file has errors (about 30% of its lines): steady, they are its baseline, not an anomaly.
    expect(apacheLevels.get('ERROR')).to.be.greaterThan(500);
    expect(summary(alerts.filter((a) => a.service === 'apache' || a.service === 'payments'))).to.deep.equal([]);
  });

  it('counted every event: none was late for its window, none was dead-lettered', async () => {
    const metrics = await harness.metrics.metrics();
    expect(metrics).to.not.match(/sawmill_topology_late_records_total\{[^}]*\} [1-9]/);
    expect(metrics).to.not.match(/sawmill_(topology|stream)_dead_letters_total\{[^}]*\} [1-9]/);
    expect(metrics).to.match(/sawmill_stream_alerts_emitted_total\{[^}]*state="FIRING"[^}]*\} [1-9]/);
  });

  it('raises exactly one FIRING error-spike alert for the bursting service within two windows, and one RESOLVED after the burst', () => {
    const spikes = alerts.filter((a) => a.kind === 'ERROR_SPIKE');
    expect(summary(spikes)).to.deep.equal([
      ['FIRING', 'ERROR_SPIKE', 'checkout'],
      ['RESOLVED', 'ERROR_SPIKE', 'checkout'],
    ]);
    const [firing, resolved] = spikes as [AlertEvent, AlertEvent];
    expect(firing.evidence.windowStartMs - T0).to.be.oneOf([BURST_START_MS, BURST_START_MS + WINDOW_MS]);
    expect(firing.evidence.observedValue).to.be.greaterThanOrEqual(10);
    expect(firing.evidence.baselineMean).to.be.lessThan(5);
    expect(firing.evidence.samples.length).to.be.within(1, 5);
    expect(firing.evidence.samples.every((s) => s.level === 'ERROR' && s.eventId.startsWith('it-checkout-'))).to.equal(true);
    expect(resolved.evidence.windowStartMs - T0).to.be.oneOf([BURST_END_MS, BURST_END_MS + WINDOW_MS]);
    expect(resolved.fingerprint).to.equal(firing.fingerprint);
    expect(resolved.episodeStartedAtMs).to.equal(firing.episodeStartedAtMs);
  });

  it('raises a p95 latency alert for the service whose latency went up 5 times', () => {
    const latency = alerts.filter((a) => a.kind === 'LATENCY_ANOMALY');
    expect(latency.filter((a) => a.state === 'FIRING').map((a) => a.service)).to.deep.equal(['search']);
    const firing = latency.find((a) => a.state === 'FIRING')!;
    expect(firing.evidence.metric).to.equal('latency_p95_ms');
    expect(firing.evidence.windowStartMs - T0).to.be.within(BURST_START_MS, BURST_END_MS - WINDOW_MS);
    expect(firing.evidence.observedValue).to.be.greaterThan(3 * (firing.evidence.baselineMean ?? Infinity));
    expect(firing.evidence.observedValue).to.be.greaterThan(100);
  });

  it('writes alerts that Apache avro-tools decodes with the schema from the registry, as Sawmill does', async () => {
    const index = alerts.findIndex((a) => a.kind === 'ERROR_SPIKE' && a.state === 'FIRING');
    expect(index).to.be.greaterThanOrEqual(0);
    const message = alertMessages[index]!;
    const ours = alerts[index]!;
    const theirs = (await decodeWithAvroTools(harness.topics.alerts, message.partition, message.offset)) as {
      alertId: string;
      fingerprint: string;
      state: string;
      ruleId: string;
      service: string;
      evidence: { windowStartMs: number; observedValue: number; baselineMean: { double: number } | null; samples: { eventId: string }[] };
      labels: Record<string, string>;
    };
    expect(message.key).to.equal(ours.fingerprint);
    expect({
      alertId: theirs.alertId,
      fingerprint: theirs.fingerprint,
      state: theirs.state,
      ruleId: theirs.ruleId,
      service: theirs.service,
      windowStartMs: theirs.evidence.windowStartMs,
      observedValue: theirs.evidence.observedValue,
      baselineMean: theirs.evidence.baselineMean?.double ?? null,
      samples: theirs.evidence.samples.map((s) => s.eventId),
      labels: theirs.labels,
    }).to.deep.equal({
      alertId: ours.alertId,
      fingerprint: ours.fingerprint,
      state: 'FIRING',
      ruleId: 'it-error-spike',
      service: 'checkout',
      windowStartMs: ours.evidence.windowStartMs,
      observedValue: ours.evidence.observedValue,
      baselineMean: ours.evidence.baselineMean,
      samples: ours.evidence.samples.map((s) => s.eventId),
      labels: { ...ours.labels },
    });
  });
});
