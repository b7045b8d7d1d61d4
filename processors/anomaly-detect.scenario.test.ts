/**
 * The alerting scenario the pipeline must pass on the real stack, here on the test driver: window-count
 * and anomaly-detect together, 10-second windows, three services with loghub-like noise (random
 * rates, levels and log-normal latencies, records slightly out of order).
 */
import { expect } from 'chai';
import type { AlertEvent, EnrichedLogEvent, LogLevel } from '../schemas/log-schemas.js';
import { Serdes, StreamsBuilder, TopologyTestDriver } from '../topology/index.js';
import { addAnomalyDetect, InMemoryRuleCatalog } from './anomaly-detect.js';
import { alertRule, enrichedEvent, resetEventIds, seededRandom } from './stats/test-fixtures.js';
import { addWindowCount } from './window-count.js';

const S = Serdes.String();
const eventSerde = Serdes.Json<EnrichedLogEvent>();
const SERVICES = ['auth', 'checkout', 'search'];
const BASE_ERROR_RATE = 0.02;

interface Phase {
  /** Error probability per line, per service (default BASE_ERROR_RATE). */
  errorRate?: Record<string, number>;
  /** Latency multiplier per service (default 1). */
  latencyFactor?: Record<string, number>;
}

function run(seconds: [from: number, to: number][], phaseAt: (second: number) => Phase, seed: number): AlertEvent[] {
  resetEventIds();
  const builder = new StreamsBuilder();
  const enriched = builder.stream('logs.enriched', { keySerde: S, valueSerde: eventSerde });
  const { serviceWindows } = addWindowCount(enriched, { builder, windowSizesMs: [10_000, 60_000], graceMs: 2_000 });
  const catalog = new InMemoryRuleCatalog([
    alertRule({ id: 'errors', kind: 'ERROR_SPIKE', name: 'error spike' }),
    alertRule({ id: 'latency', kind: 'LATENCY_ANOMALY', name: 'p95 latency' }),
  ]);
  addAnomalyDetect(serviceWindows, { builder, catalog }).to('alerts', { keySerde: S, valueSerde: Serdes.Json<AlertEvent>() });
  const driver = new TopologyTestDriver(builder.build());
  const input = driver.createInputTopic('logs.enriched', S, eventSerde);
  const alerts = driver.createOutputTopic('alerts', S, Serdes.Json<AlertEvent>());
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (const [from, to] of seconds) {
    for (let second = from; second < to; second++) {
      const phase = phaseAt(second);
      const batch: EnrichedLogEvent[] = [];
      for (const service of SERVICES) {
        const lines = 15 + Math.floor(random() * 11); // 15..25 lines per second
        for (let i = 0; i < lines; i++) {
          const errorRate = phase.errorRate?.[service] ?? BASE_ERROR_RATE;
          const roll = random();
          const level: LogLevel = roll < errorRate ? 'ERROR' : roll < errorRate + 0.05 ? 'WARN' : roll > 0.995 ? 'DEBUG' : 'INFO';
          const latencyMs = random() < 0.8 ? 50 * Math.exp(0.5 * gaussian()) * (phase.latencyFactor?.[service] ?? 1) : null;
          const timestampMs = second * 1_000 + Math.floor(random() * 1_000);
          batch.push(enrichedEvent({ service, timestampMs, level, latencyMs, host: `${service}-${i % 3}`, message: level === 'ERROR' ? `payment failed for order ${i}` : `GET /item/${i} 200` }));
        }
      }
      // Lines of one second arrive in any order (several hosts, several agents).
      batch.sort(() => random() - 0.5);
      for (const event of batch) input.pipeInput(event.service, event, event.timestampMs);
    }
  }
  return alerts.readRecordsToList().map((r) => r.value!);
}

describe('alerting scenario (window-count + anomaly-detect, 10 s windows)', function () {
  this.timeout(120_000);

  it('steady loghub-like traffic for 20 minutes raises no alert', () => {
    expect(run([[0, 1_200]], () => ({}), 1)).to.deep.equal([]);
  });

  it('a 60 s error burst at 20x the baseline rate raises one FIRING within two windows and one RESOLVED after it ends; a 5x p95 shift raises a latency alert', () => {
    const burst = { errorRate: { checkout: BASE_ERROR_RATE * 20 } };
    const slow = { latencyFactor: { search: 5 } };
    const alerts = run(
      [[0, 1_200]],
      (second) => (second >= 600 && second < 660 ? burst : second >= 900 && second < 960 ? slow : {}),
      7,
    );
    const summary = alerts.map((a) => [a.ruleId, a.service, a.state]);
    expect(summary).to.deep.equal([
      ['errors', 'checkout', 'FIRING'],
      ['errors', 'checkout', 'RESOLVED'],
      ['latency', 'search', 'FIRING'],
      ['latency', 'search', 'RESOLVED'],
    ]);
    const [errorFiring, errorResolved, latencyFiring, latencyResolved] = alerts as [AlertEvent, AlertEvent, AlertEvent, AlertEvent];
    // Within two windows of the burst start: decided by the window [600 s, 610 s) or the next one.
    expect(errorFiring.evidence.windowStartMs).to.be.oneOf([600_000, 610_000]);
    expect(errorFiring.episodeStartedAtMs).to.equal(errorFiring.evidence.windowStartMs);
    expect(errorFiring.evidence.observedValue).to.be.above(50);
    expect(errorFiring.evidence.baselineMean).to.be.within(2, 8);
    expect(errorFiring.evidence.samples).to.have.length(5);
    expect(errorFiring.evidence.samples.every((s) => s.level === 'ERROR' && s.message.startsWith('payment failed') && s.timestampMs >= errorFiring.evidence.windowStartMs)).to.equal(true);
    // Resolved by the first window after the burst (resolveAfterWindows = 1).
    expect(errorResolved.evidence.windowStartMs).to.equal(660_000);
    expect(errorResolved.alertId).to.not.equal(errorFiring.alertId);
    expect(errorResolved.fingerprint).to.equal(errorFiring.fingerprint);
    expect(latencyFiring.evidence.windowStartMs).to.be.oneOf([900_000, 910_000]);
    expect(latencyFiring.evidence.metric).to.equal('latency_p95_ms');
    expect(latencyFiring.evidence.score).to.be.within(3, 8);
    expect(latencyFiring.evidence.samples.map((s) => s.latencyMs)).to.satisfy((l: number[]) => l.length === 5 && l.every((v, i) => i === 0 || v <= l[i - 1]!));
    expect(latencyResolved.evidence.windowStartMs).to.equal(960_000);
  });
});
