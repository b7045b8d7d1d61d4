import { expect } from 'chai';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { AlertEvent, AlertRule } from '../schemas/log-schemas.js';
import { Serdes, StreamsBuilder, TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '../topology/index.js';
import { createStreamTasks, createTaskId, type OutgoingRecord, type RawRecord } from '../topology/internal/stream-task.js';
import { addAnomalyDetect, alertId, fingerprint, InMemoryRuleCatalog } from './anomaly-detect.js';
import type { DetectorState } from './anomaly/detector-state.js';
import type { ServiceWindow } from './stats/service-window.js';
import { alertRule, seededRandom, serviceWindow } from './stats/test-fixtures.js';

const S = Serdes.String();
const windowSerde = Serdes.Json<ServiceWindow>();
const alertSerde = Serdes.Json<AlertEvent>();

function topology(catalog: InMemoryRuleCatalog, registry?: Registry, logger?: Logger) {
  const builder = new StreamsBuilder();
  const windows = builder.stream('windows', { keySerde: S, valueSerde: windowSerde });
  addAnomalyDetect(windows, { builder, catalog, checkIntervalMs: 1_000, ...(registry ? { registry } : {}), ...(logger ? { logger } : {}) }).to('alerts', { keySerde: S, valueSerde: alertSerde });
  return builder.build();
}

interface Harness {
  driver: TopologyTestDriver;
  input: TestInputTopic<string, ServiceWindow>;
  alerts: TestOutputTopic<string, AlertEvent>;
  catalog: InMemoryRuleCatalog;
  send(window: ServiceWindow): void;
}

function harness(rules: AlertRule[], registry?: Registry, logger?: Logger): Harness {
  const catalog = new InMemoryRuleCatalog(rules);
  const driver = new TopologyTestDriver(topology(catalog, registry, logger), { initialWallClockTimeMs: 0 });
  const input = driver.createInputTopic('windows', S, windowSerde);
  return { driver, input, catalog, alerts: driver.createOutputTopic('alerts', S, alertSerde), send: (w) => input.pipeInput(w.service, w, w.windowEndMs - 1) };
}

/** Every alert waiting on `topic`, oldest first (consumed). */
function values(topic: TestOutputTopic<string, AlertEvent>): AlertEvent[] {
  return topic.readRecordsToList().map((r) => r.value!);
}

/** The EWMA of `values` as the detector computes it (first value = mean, variance 0). */
function ewma(values: number[], alpha: number): { mean: number; std: number } {
  let mean = 0;
  let variance = 0;
  values.forEach((x, i) => {
    if (i === 0) mean = x;
    else {
      const diff = x - mean;
      mean += alpha * diff;
      variance = (1 - alpha) * (variance + diff * alpha * diff);
    }
  });
  return { mean, std: Math.sqrt(variance) };
}

const errorSample = { eventId: 'e9', timestampMs: 60_500, host: 'h', level: 'ERROR', message: 'boom', latencyMs: null };

describe('anomaly-detect', () => {
  it('fingerprints are 16 hex digits of rule id and service; alert ids depend on episode start and state', () => {
    expect(fingerprint('r1', 'api')).to.equal('64ee11594fdd51dc');
    expect(fingerprint('r1', 'db')).to.not.equal(fingerprint('r1', 'api'));
    expect(alertId('64ee11594fdd51dc', 1, 'FIRING')).to.match(/^[0-9a-f]{32}$/);
    expect(alertId('64ee11594fdd51dc', 1, 'FIRING')).to.not.equal(alertId('64ee11594fdd51dc', 1, 'RESOLVED'));
    expect(alertId('64ee11594fdd51dc', 1, 'FIRING')).to.not.equal(alertId('64ee11594fdd51dc', 2, 'FIRING'));
  });

  describe('ERROR_SPIKE', () => {
    const rule = alertRule({ id: 'r1', kind: 'ERROR_SPIKE', name: 'error spike', severity: 'CRITICAL' });
    const steady = [2, 3, 2, 4, 3, 2, 3];

    it('fires once with its evidence after warm-up, stays quiet while the spike lasts, resolves once, and never learns the spike', () => {
      const h = harness([rule]);
      steady.forEach((errors, i) => h.send(serviceWindow('api', i * 10_000, { errorCount: errors })));
      expect(h.alerts.isEmpty()).to.equal(true);
      h.send(serviceWindow('api', 70_000, { errorCount: 40, samples: { errors: [errorSample], slowest: [], first: [] } }));
      const { mean, std } = ewma(steady, 0.1);
      const z = (40 - mean) / Math.max(std, Math.sqrt(mean) + 1);
      const fp = '64ee11594fdd51dc';
      const firing = h.alerts.readRecordsToList();
      expect(firing).to.have.length(1);
      expect(firing[0]!.key).to.equal(fp);
      expect(firing[0]!.timestamp).to.equal(80_000);
      expect(firing[0]!.value).to.deep.equal({
        alertId: alertId(fp, 70_000, 'FIRING'),
        fingerprint: fp,
        state: 'FIRING',
        ruleId: 'r1',
        ruleName: 'error spike',
        kind: 'ERROR_SPIKE',
        severity: 'CRITICAL',
        service: 'api',
        episodeStartedAtMs: 70_000,
        eventTimeMs: 80_000,
        summary: `api: 40 errors in 10s (baseline ${mean.toFixed(2)} ± ${std.toFixed(2)}, z=${z.toFixed(1)} > 4)`,
        evidence: { windowStartMs: 70_000, windowEndMs: 80_000, metric: 'error_count', observedValue: 40, baselineMean: mean, baselineStdDev: std, threshold: 4, score: z, samples: [errorSample] },
        labels: { team: 'core', service: 'api' },
      });
      h.send(serviceWindow('api', 80_000, { errorCount: 55 }));
      expect(h.alerts.isEmpty(), 'no second FIRING while the episode lasts').to.equal(true);
      h.send(serviceWindow('api', 90_000, { errorCount: 3 }));
      const resolved = h.alerts.readRecordsToList();
      expect(resolved.map((r) => [r.key, r.value!.state, r.value!.alertId, r.value!.episodeStartedAtMs, r.value!.eventTimeMs, r.value!.evidence.observedValue, r.value!.evidence.samples])).to.deep.equal([
        [fp, 'RESOLVED', alertId(fp, 70_000, 'RESOLVED'), 70_000, 100_000, 3, []],
      ]);
      const state = h.driver.getKeyValueStore<string, DetectorState>('anomaly-detect-state').get('r1\u0001api')!;
      // The baseline saw the steady windows only: the spike and the resolving window are not in it.
      expect(state.baseline.n).to.equal(steady.length);
      expect(state.baseline.mean).to.equal(mean);
      expect(state.episode).to.equal(null);
    });

    it('does not fire during warm-up, below minCount, or on a single window when fireAfterWindows is 2; fires from the first window of the streak', () => {
      const h = harness([alertRule({ id: 'r2', kind: 'ERROR_SPIKE', errorSpike: { zScoreThreshold: 4, minCount: 10, fireAfterWindows: 2, ewmaAlpha: 0.1, warmupWindows: 5 } })]);
      h.send(serviceWindow('api', 0, { errorCount: 1 }));
      h.send(serviceWindow('api', 10_000, { errorCount: 90 })); // warm-up: learned, not judged
      for (let i = 2; i < 5; i++) h.send(serviceWindow('api', i * 10_000, { errorCount: 1 }));
      h.send(serviceWindow('api', 50_000, { errorCount: 9 })); // z high? baseline ~19 after the warm-up spike; below minCount anyway
      h.send(serviceWindow('api', 60_000, { errorCount: 200 })); // anomalous, streak 1
      h.send(serviceWindow('api', 70_000, { errorCount: 1 })); // healthy: streak broken
      h.send(serviceWindow('api', 80_000, { errorCount: 200 }));
      expect(h.alerts.isEmpty()).to.equal(true);
      h.send(serviceWindow('api', 90_000, { errorCount: 210 }));
      const alerts = values(h.alerts);
      expect(alerts.map((a) => [a.state, a.episodeStartedAtMs, a.eventTimeMs, a.evidence.observedValue])).to.deep.equal([['FIRING', 80_000, 100_000, 210]]);
    });

    it('raises no alert on a long steady series with Poisson-like noise, and evaluates every service on its own', () => {
      const h = harness([rule]);
      const random = seededRandom(42);
      for (let w = 0; w < 360; w++) {
        for (const service of ['api', 'db', 'web']) {
          // Binomial(200, 0.02): about 4 errors per window with the usual spread.
          let errors = 0;
          for (let i = 0; i < 200; i++) if (random() < 0.02) errors += 1;
          h.send(serviceWindow(service, w * 10_000, { count: 200, errorCount: errors }));
        }
      }
      expect(values(h.alerts)).to.deep.equal([]);
      h.send(serviceWindow('db', 3_600_000, { count: 200, errorCount: 80 }));
      expect(values(h.alerts).map((a) => [a.service, a.state, a.fingerprint])).to.deep.equal([['db', 'FIRING', fingerprint('r1', 'db')]]);
    });

    it('ignores a window it already judged (a replay cannot fire twice)', () => {
      const h = harness([rule]);
      steady.forEach((errors, i) => h.send(serviceWindow('api', i * 10_000, { errorCount: errors })));
      h.send(serviceWindow('api', 70_000, { errorCount: 40 }));
      h.send(serviceWindow('api', 80_000, { errorCount: 2 }));
      h.send(serviceWindow('api', 70_000, { errorCount: 40 }));
      expect(values(h.alerts).map((a) => a.state)).to.deep.equal(['FIRING', 'RESOLVED']);
    });
  });

  describe('LATENCY_ANOMALY', () => {
    const latency = (p95Ms: number) => ({ count: 100, sumMs: 100 * p95Ms * 0.5, maxMs: p95Ms * 1.2, p50Ms: p95Ms * 0.5, p95Ms, p99Ms: p95Ms * 1.1 });
    const slow = { eventId: 'e7', timestampMs: 61_000, host: 'h', level: 'INFO', message: 'GET /cart took 900ms', latencyMs: 900 };

    it('fires when p95 exceeds ratio x baseline and the floor, with the slowest lines; resolves once', () => {
      const h = harness([alertRule({ id: 'lat', kind: 'LATENCY_ANOMALY' })]);
      for (let i = 0; i < 6; i++) h.send(serviceWindow('api', i * 10_000, { latency: latency(100) }));
      h.send(serviceWindow('api', 60_000, { latency: null })); // no latency: not judged, not learned
      h.send(serviceWindow('api', 70_000, { latency: latency(500), samples: { errors: [], slowest: [slow], first: [] } }));
      const [firing] = values(h.alerts);
      expect(firing!.state).to.equal('FIRING');
      expect(firing!.summary).to.equal('api: p95 latency 500ms in 10s is 5x its baseline 100ms (threshold 3x, floor 100ms)');
      expect(firing!.evidence).to.deep.equal({ windowStartMs: 70_000, windowEndMs: 80_000, metric: 'latency_p95_ms', observedValue: 500, baselineMean: 100, baselineStdDev: 0, threshold: 3, score: 5, samples: [slow] });
      h.send(serviceWindow('api', 80_000, { latency: latency(600) }));
      h.send(serviceWindow('api', 90_000, { latency: latency(110) }));
      expect(values(h.alerts).map((a) => [a.state, a.episodeStartedAtMs])).to.deep.equal([['RESOLVED', 70_000]]);
    });

    it('does not fire under the absolute floor even at a large ratio', () => {
      const h = harness([alertRule({ id: 'lat', kind: 'LATENCY_ANOMALY' })]);
      for (let i = 0; i < 6; i++) h.send(serviceWindow('api', i * 10_000, { latency: latency(2) }));
      h.send(serviceWindow('api', 60_000, { latency: latency(40) }));
      expect(h.alerts.isEmpty()).to.equal(true);
    });
  });

  describe('THRESHOLD', () => {
    it('fires on an error ratio above the value and resolves after resolveAfterWindows healthy windows', () => {
      const h = harness([alertRule({ id: 'th', kind: 'THRESHOLD', service: 'api', resolveAfterWindows: 2 })]);
      h.send(serviceWindow('api', 0, { count: 10, errorCount: 2 }));
      h.send(serviceWindow('db', 0, { count: 10, errorCount: 9 })); // another service: not watched
      h.send(serviceWindow('api', 10_000, { count: 10, errorCount: 6 }));
      h.send(serviceWindow('api', 20_000, { count: 10, errorCount: 1 }));
      h.send(serviceWindow('api', 30_000, { count: 10, errorCount: 7 })); // healthy streak broken
      h.send(serviceWindow('api', 40_000, { count: 10, errorCount: 1 }));
      h.send(serviceWindow('api', 50_000, { count: 10, errorCount: 0 }));
      expect(values(h.alerts).map((a) => [a.state, a.eventTimeMs, a.evidence.metric, a.evidence.observedValue, a.summary])).to.deep.equal([
        ['FIRING', 20_000, 'error_ratio', 0.6, 'api: error_ratio 0.60 in 10s is above 0.50'],
        ['RESOLVED', 60_000, 'error_ratio', 0, 'resolved: api: error_ratio 0 in 10s is not above 0.50'],
      ]);
    });

    it('COUNT BELOW fires on a quiet window of the rule size only', () => {
      const h = harness([alertRule({ id: 'low', kind: 'THRESHOLD', windowSizeMs: 60_000, threshold: { metric: 'COUNT', comparison: 'BELOW', value: 50, fireAfterWindows: 1 } })]);
      h.send(serviceWindow('api', 0, { count: 10 })); // a 10 s window: not this rule's size
      h.send(serviceWindow('api', 0, { windowSizeMs: 60_000, count: 10 }));
      expect(values(h.alerts).map((a) => [a.state, a.evidence.observedValue, a.evidence.windowEndMs])).to.deep.equal([['FIRING', 10, 60_000]]);
    });
  });

  describe('ABSENCE', () => {
    it('fires once when a seen service is silent for absentForMs on the wall clock, resolves when it logs again; never for unseen services', () => {
      const h = harness([alertRule({ id: 'abs', kind: 'ABSENCE' })]);
      h.driver.advanceWallClockTime(200_000);
      expect(h.alerts.isEmpty(), 'a service never seen cannot be absent').to.equal(true);
      h.send(serviceWindow('api', 190_000, { lastIngestMs: 200_500 }));
      h.driver.advanceWallClockTime(60_000); // wall clock 260 000: silent 59 500 ms
      expect(h.alerts.isEmpty()).to.equal(true);
      h.driver.advanceWallClockTime(1_000); // 261 000: silent 60 500 ms
      h.driver.advanceWallClockTime(5_000);
      const fp = fingerprint('abs', 'api');
      expect(h.alerts.readKeyValuesToList()).to.deep.equal([
        [
          fp,
          {
            alertId: alertId(fp, 200_500, 'FIRING'),
            fingerprint: fp,
            state: 'FIRING',
            ruleId: 'abs',
            ruleName: 'rule abs',
            kind: 'ABSENCE',
            severity: 'WARNING',
            service: 'api',
            episodeStartedAtMs: 200_500,
            eventTimeMs: 261_000,
            summary: 'api: no logs for 1m1s (limit 1m)',
            evidence: { windowStartMs: 200_500, windowEndMs: 261_000, metric: 'silence_ms', observedValue: 60_500, baselineMean: null, baselineStdDev: null, threshold: 60_000, score: null, samples: [] },
            labels: { team: 'core', service: 'api' },
          },
        ],
      ]);
      h.send(serviceWindow('api', 270_000, { count: 3, lastIngestMs: 280_100 }));
      expect(values(h.alerts).map((a) => [a.state, a.alertId, a.eventTimeMs])).to.deep.equal([['RESOLVED', alertId(fp, 200_500, 'RESOLVED'), 280_000]]);
    });
  });

  describe('rule changes', () => {
    const spike = alertRule({ id: 'r1', kind: 'ERROR_SPIKE' });
    function firing(h: Harness): void {
      [2, 3, 2, 3, 2].forEach((errors, i) => h.send(serviceWindow('api', i * 10_000, { errorCount: errors })));
      h.send(serviceWindow('api', 50_000, { errorCount: 60 }));
      expect(values(h.alerts).map((a) => a.state)).to.deep.equal(['FIRING']);
    }

    it('a rule deleted mid-episode resolves it once at the next check, with the last evidence and no samples', () => {
      const h = harness([spike]);
      firing(h);
      h.catalog.delete('r1');
      h.driver.advanceWallClockTime(1_000);
      h.driver.advanceWallClockTime(1_000);
      const resolved = values(h.alerts);
      expect(resolved.map((a) => [a.state, a.episodeStartedAtMs, a.eventTimeMs, a.ruleName, a.evidence.observedValue, a.evidence.samples, a.summary])).to.deep.equal([
        ['RESOLVED', 50_000, 1_000, 'rule r1', 60, [], 'resolved: api: rule r1: the rule was deleted, disabled or is invalid'],
      ]);
      expect(h.driver.getKeyValueStore('anomaly-detect-state').approximateNumEntries()).to.equal(0);
    });

    it('a rule disabled mid-episode resolves; an updated rule keeps its episode (no second FIRING)', () => {
      const h = harness([spike]);
      firing(h);
      h.catalog.put({ ...spike, name: 'renamed', errorSpike: { ...spike.errorSpike!, zScoreThreshold: 5 }, updatedAtMs: 2 });
      h.send(serviceWindow('api', 60_000, { errorCount: 70 }));
      h.driver.advanceWallClockTime(1_000);
      expect(h.alerts.isEmpty()).to.equal(true);
      h.catalog.put({ ...spike, enabled: false, updatedAtMs: 3 });
      h.driver.advanceWallClockTime(1_000);
      expect(values(h.alerts).map((a) => [a.state, a.ruleName])).to.deep.equal([['RESOLVED', 'rule r1']]);
    });

    it('a rule whose kind changes mid-episode resolves the old episode and starts over under the new kind', () => {
      const h = harness([spike]);
      firing(h);
      h.catalog.put(alertRule({ id: 'r1', kind: 'THRESHOLD', threshold: { metric: 'ERROR_COUNT', comparison: 'ABOVE', value: 50, fireAfterWindows: 1 }, updatedAtMs: 2 }));
      h.send(serviceWindow('api', 60_000, { errorCount: 70 }));
      expect(values(h.alerts).map((a) => [a.state, a.kind, a.episodeStartedAtMs, a.eventTimeMs, a.summary])).to.deep.equal([
        ['RESOLVED', 'ERROR_SPIKE', 50_000, 70_000, 'resolved: api: rule r1: the rule changed kind'],
        ['FIRING', 'THRESHOLD', 60_000, 70_000, 'api: error_count 70 in 10s is above 50'],
      ]);
    });

    it('ignores malformed rules with a warning and a metric, and keeps evaluating the valid ones', async () => {
      const registry = new Registry();
      const bad: AlertRule[] = [
        alertRule({ id: 'no-params', kind: 'ERROR_SPIKE', errorSpike: null }),
        alertRule({ id: 'alpha', kind: 'LATENCY_ANOMALY', latencyAnomaly: { quantile: 'P95', ratioThreshold: 3, floorMs: 100, fireAfterWindows: 1, ewmaAlpha: 5, warmupWindows: 5 } }),
        alertRule({ id: 'size', kind: 'THRESHOLD', windowSizeMs: 12_345 }),
        alertRule({ id: 'nan', kind: 'THRESHOLD', threshold: { metric: 'COUNT', comparison: 'ABOVE', value: Number.NaN, fireAfterWindows: 1 } }),
        alertRule({ id: 'kind', kind: 'SOMETHING' as never }),
        { id: 'junk' } as unknown as AlertRule,
      ];
      const lines: { rule_id?: string; problems?: string[]; msg: string }[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
      const h = harness([...bad, alertRule({ id: 'ok', kind: 'THRESHOLD', threshold: { metric: 'COUNT', comparison: 'ABOVE', value: 5, fireAfterWindows: 1 } })], registry, logger);
      h.send(serviceWindow('api', 0, { count: 10 }));
      h.send(serviceWindow('api', 10_000, { count: 10 }));
      h.driver.advanceWallClockTime(1_000);
      expect(values(h.alerts).map((a) => [a.ruleId, a.state])).to.deep.equal([['ok', 'FIRING']]);
      const rejected = (await registry.getMetricsAsJSON()).find((m) => m.name === 'sawmill_stream_anomaly_rules_rejected_total');
      expect(rejected?.values[0]?.value).to.equal(bad.length);
      // One warning per rejected rule version (not per window), naming the problem.
      expect(lines.filter((l) => l.msg === 'alert rule ignored: it cannot be evaluated').map((l) => [l.rule_id, l.problems?.[0]])).to.deep.equal([
        ['no-params', 'ERROR_SPIKE rule without errorSpike params'],
        ['alpha', 'latencyAnomaly.ewmaAlpha must be in (0, 1]'],
        ['size', 'windowSizeMs 12345 is not a counted window size (10000, 60000)'],
        ['nan', 'threshold.value must be a finite number'],
        ['kind', 'unknown kind SOMETHING'],
        ['junk', 'name is missing'],
      ]);
      // A second topology on the same registry reuses the counters.
      expect(() => topology(new InMemoryRuleCatalog(), registry)).to.not.throw();
    });
  });

  it('after a restart the store keeps the baseline and the episode: no second FIRING, one RESOLVED', () => {
    const catalog = new InMemoryRuleCatalog([alertRule({ id: 'r1', kind: 'ERROR_SPIKE' })]);
    const run = () => {
      const sent: OutgoingRecord[] = [];
      const factory = createStreamTasks(topology(catalog), { applicationId: 'app', partitions: new Map([['windows', 1]]), collector: () => ({ send: (r) => sent.push(r) }), logger: pino({ level: 'silent' }) });
      return { sent, task: factory.createTask(createTaskId(0, 0)) };
    };
    let offset = 0;
    const raw = (w: ServiceWindow): RawRecord => ({ topic: 'windows', partition: 0, offset: String(offset++), key: Buffer.from(w.service), value: windowSerde.serialize('', w), timestamp: w.windowEndMs - 1, headers: {} });
    const alerts = (sent: OutgoingRecord[]) => sent.filter((r) => r.topic === 'alerts').map((r) => alertSerde.deserialize('', r.value)!);
    const first = run();
    [2, 3, 2, 3, 2, 60].forEach((errors, i) => first.task.process(raw(serviceWindow('api', i * 10_000, { errorCount: errors }))));
    expect(alerts(first.sent).map((a) => a.state)).to.deep.equal(['FIRING']);
    const second = run();
    for (const [store, topic] of second.task.changelogTopics()) second.task.restore(store, first.sent.filter((r) => r.topic === topic).map((r) => ({ key: r.key, value: r.value })));
    second.task.process(raw(serviceWindow('api', 50_000, { errorCount: 60 }))); // redelivered window
    second.task.process(raw(serviceWindow('api', 60_000, { errorCount: 80 })));
    second.task.process(raw(serviceWindow('api', 70_000, { errorCount: 2 })));
    expect(alerts(second.sent).map((a) => [a.state, a.episodeStartedAtMs, a.alertId])).to.deep.equal([['RESOLVED', 50_000, alertId(fingerprint('r1', 'api'), 50_000, 'RESOLVED')]]);
  });
});
