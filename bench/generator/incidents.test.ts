import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { createLogGenerator, type GeneratedLine } from './generator.js';
import { applyIncidentToLevelMix, createIncidentSchedule } from './incidents.js';
import { DEMO_SERVICE_NAMES } from './services.js';

const START = Date.UTC(2026, 11, 1, 10, 0, 0);

function errorShare(lines: readonly GeneratedLine[]): number {
  return lines.filter((l) => l.level === 'ERROR').length / Math.max(1, lines.length);
}

describe('incident schedule', () => {
  it("'auto' puts exactly one window of the configured length in every period, deterministically", () => {
    const options = { incident: 'auto' as const, seed: 8, services: DEMO_SERVICE_NAMES, everyMs: 300_000, durationMs: 60_000 };
    const a = createIncidentSchedule(options);
    const b = createIncidentSchedule(options);
    const windows = a.windowsBetween(START, START + 3_600_000);
    expect(windows).to.have.length.within(12, 13);
    expect(b.windowsBetween(START, START + 3_600_000)).to.deep.equal(windows);
    for (const w of windows) {
      expect(w.endsAtMs - w.startsAtMs).to.equal(60_000);
      expect(Math.floor(w.startsAtMs / 300_000)).to.equal(Math.floor((w.endsAtMs - 1) / 300_000));
      expect(a.activeAt(w.startsAtMs)).to.deep.equal(w);
      expect(a.activeAt(w.endsAtMs - 1)).to.deep.equal(w);
      expect(a.activeAt(w.startsAtMs - 1)).to.equal(undefined);
      expect(a.activeAt(w.endsAtMs)).to.equal(undefined);
    }
    // Over an hour several services get their turn, and another seed gives another schedule.
    expect(new Set(windows.map((w) => w.service)).size).to.be.above(2);
    const other = createIncidentSchedule({ ...options, seed: 9 }).windowsBetween(START, START + 3_600_000);
    expect(other).to.not.deep.equal(windows);
  });

  it("'off' never reports an incident and a fixed incident only inside its window", () => {
    const off = createIncidentSchedule({ incident: 'off', seed: 1, services: DEMO_SERVICE_NAMES });
    expect(off.windowsBetween(0, Number.MAX_SAFE_INTEGER)).to.deep.equal([]);
    const fixed = createIncidentSchedule({
      incident: { service: 'payments', startsAtMs: START, durationMs: 1000 },
      seed: 1,
      services: DEMO_SERVICE_NAMES,
    });
    expect(fixed.activeAt(START - 1)).to.equal(undefined);
    expect(fixed.activeAt(START)?.service).to.equal('payments');
    expect(fixed.activeAt(START + 999)?.service).to.equal('payments');
    expect(fixed.activeAt(START + 1000)).to.equal(undefined);
    expect(fixed.windowsBetween(START + 500, START + 600)).to.have.length(1);
    expect(fixed.windowsBetween(START + 1000, START + 2000)).to.have.length(0);
  });

  it('rejects inconsistent settings with ConfigError', () => {
    const services = DEMO_SERVICE_NAMES;
    expect(() => createIncidentSchedule({ incident: { service: 'nope', startsAtMs: 0, durationMs: 1 }, seed: 1, services })).to.throw(ConfigError);
    expect(() => createIncidentSchedule({ incident: { service: 'auth', startsAtMs: 0, durationMs: 0 }, seed: 1, services })).to.throw(ConfigError);
    expect(() => createIncidentSchedule({ incident: 'auto', seed: 1, services, everyMs: 1000, durationMs: 2000 })).to.throw(ConfigError);
    expect(() => createIncidentSchedule({ incident: 'auto', seed: 1, services, effect: { errorShare: 0, latencyFactor: 2 } })).to.throw(ConfigError);
  });

  it('gives ERROR at least the configured share of an incident level mix', () => {
    const mix = applyIncidentToLevelMix({ DEBUG: 10, INFO: 80, WARN: 8, ERROR: 2 }, { errorShare: 0.4, latencyFactor: 5 });
    const total = mix.DEBUG + mix.INFO + mix.WARN + mix.ERROR;
    expect(total).to.be.closeTo(100, 1e-9);
    expect(mix.ERROR / total).to.be.closeTo(0.412, 1e-9);
  });

  it('raises the ERROR share and latency of the target service only, and only during its window', () => {
    const windowStart = START + 60_000;
    const windowEnd = windowStart + 60_000;
    const generator = createLogGenerator({
      seed: 21,
      incident: { service: 'checkout', startsAtMs: windowStart, durationMs: 60_000 },
    });
    const lines = Array.from({ length: 36_000 }, (_, i) => generator.next(START + i * 5)); // 3 minutes
    const inWindow = (l: GeneratedLine) => l.timestampMs >= windowStart && l.timestampMs < windowEnd;
    const checkout = lines.filter((l) => l.service === 'checkout');
    const before = checkout.filter((l) => l.timestampMs < windowStart);
    const during = checkout.filter(inWindow);
    const after = checkout.filter((l) => l.timestampMs >= windowEnd);

    expect(errorShare(before)).to.be.below(0.05);
    expect(errorShare(during)).to.be.above(0.35);
    expect(errorShare(after)).to.be.below(0.05);
    expect(during.every((l) => l.incident)).to.equal(true);
    expect(lines.filter((l) => l.incident).every((l) => l.service === 'checkout' && inWindow(l))).to.equal(true);

    // Other services are untouched during the window.
    const othersDuring = lines.filter((l) => l.service !== 'checkout' && inWindow(l));
    expect(errorShare(othersDuring)).to.be.below(0.05);

    // Latency of the same kind of request is several times higher during the incident.
    const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const cartLatency = (ls: GeneratedLine[]) => ls.filter((l) => l.line.includes('"/api/cart"') && l.level === 'INFO').map((l) => l.latencyMs!);
    expect(median(cartLatency(during))).to.be.above(3 * median(cartLatency(before)));
  });
});
