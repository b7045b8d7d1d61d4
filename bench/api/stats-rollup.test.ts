import { expect } from 'chai';
import { nearestRank, StatsRollup } from './stats-rollup.js';

const T0 = Date.UTC(2026, 9, 30, 12, 0, 0);

describe('bench/api stats-rollup', () => {
  it('counts each event once per window size in the tumbling window of its event time', () => {
    const rollup = new StatsRollup([10_000, 60_000]);
    rollup.add({ service: 'api', level: 'INFO', timestampMs: T0 + 1_000, latencyMs: 30 });
    rollup.add({ service: 'api', level: 'INFO', timestampMs: T0 + 9_999, latencyMs: 10 });
    rollup.add({ service: 'api', level: 'INFO', timestampMs: T0 + 10_000, latencyMs: null });
    rollup.add({ service: 'api', level: 'ERROR', timestampMs: T0 + 59_999, latencyMs: 20 });
    rollup.add({ service: 'db', level: 'INFO', timestampMs: T0 + 60_000, latencyMs: 5 });
    const rows = [...rollup.rows()].map((r) => [r.service, r.level, r.windowSizeMs, r.windowStartMs - T0, r.count, r.latencyCount, r.latencySumMs, r.latencyMaxMs, r.latencyP50Ms]);
    expect(rows).to.have.deep.members([
      ['api', 'INFO', 10_000, 0, 2, 2, 40, 30, 10],
      ['api', 'INFO', 60_000, 0, 3, 2, 40, 30, 10],
      ['api', 'INFO', 10_000, 10_000, 1, 0, 0, null, null],
      ['api', 'ERROR', 10_000, 50_000, 1, 1, 20, 20, 20],
      ['api', 'ERROR', 60_000, 0, 1, 1, 20, 20, 20],
      ['db', 'INFO', 10_000, 60_000, 1, 1, 5, 5, 5],
      ['db', 'INFO', 60_000, 60_000, 1, 1, 5, 5, 5],
    ]);
    const sixty = [...rollup.rows()].filter((r) => r.windowSizeMs === 60_000);
    expect(sixty.reduce((sum, r) => sum + r.count, 0)).to.equal(5);
    for (const row of rollup.rows()) {
      expect(row.windowEndMs - row.windowStartMs).to.equal(row.windowSizeMs);
      expect(row.emittedAtMs).to.be.greaterThan(row.windowEndMs);
    }
  });

  it('takes nearest-rank quantiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(sorted, 0.5)).to.equal(50);
    expect(nearestRank(sorted, 0.95)).to.equal(95);
    expect(nearestRank(sorted, 0.99)).to.equal(99);
    expect(nearestRank([7], 0.99)).to.equal(7);
    expect(nearestRank([], 0.5)).to.equal(null);
  });

  it('refuses window sizes that are not positive integers', () => {
    for (const bad of [0, -10_000, 1.5, Number.NaN]) expect(() => new StatsRollup([bad]), String(bad)).to.throw(RangeError, /is not a positive integer/);
  });
});
