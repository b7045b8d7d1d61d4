import { expect } from 'chai';
import { drillScale } from './drill-scale.js';

describe('drills: drillScale', () => {
  it('defaults to short and reads full', () => {
    expect(drillScale({})).to.deep.equal({ name: 'short', baseLogsPerS: 1500, spikeBaseLogsPerS: 600, loadMs: 25_000, outageMs: 10_000, drainTimeoutMs: 120_000 });
    expect(drillScale({ DRILL_SCALE: 'full' })).to.include({ baseLogsPerS: 10_000, loadMs: 180_000, outageMs: 60_000, drainTimeoutMs: 900_000 });
  });

  it('applies the overrides and refuses bad values', () => {
    expect(drillScale({ DRILL_RATE: '500', DRILL_LOAD_S: '5', DRILL_OUTAGE_S: '2' })).to.include({ baseLogsPerS: 500, spikeBaseLogsPerS: 500, loadMs: 5000, outageMs: 2000 });
    expect(drillScale({ DRILL_SCALE: 'full', DRILL_SPIKE_RATE: '2000' })).to.include({ baseLogsPerS: 10_000, spikeBaseLogsPerS: 2000 });
    expect(() => drillScale({ DRILL_SCALE: 'huge' })).to.throw(/DRILL_SCALE/);
    expect(() => drillScale({ DRILL_RATE: '-1' })).to.throw(/DRILL_RATE/);
  });
});
