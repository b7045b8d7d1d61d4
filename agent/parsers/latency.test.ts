import { expect } from 'chai';
import { latencyFieldUnit, latencyFromFields, latencyFromText, parseDuration } from './latency.js';

describe('parseDuration', () => {
  it('reads Go durations and numbers with units', () => {
    expect(parseDuration('1m2.5s')).to.equal(62_500);
    expect(parseDuration('350µs')).to.be.closeTo(0.35, 1e-9);
    expect(parseDuration('1h')).to.equal(3_600_000);
    expect(parseDuration('12 ms')).to.equal(12);
    expect(parseDuration('1.2s')).to.equal(1200);
    expect(parseDuration('5ms')).to.equal(5);
    expect(parseDuration('0.045', 1000)).to.equal(45);
    expect(parseDuration('fast')).to.equal(undefined);
  });
});

describe('latencyFromFields', () => {
  it('uses the unit implied by the name', () => {
    expect(latencyFromFields({ latency_ms: 12 })).to.equal(12);
    expect(latencyFromFields({ rt: 0.045 })).to.be.closeTo(45, 1e-9);
    expect(latencyFromFields({ duration: '1.2s' })).to.equal(1200);
    expect(latencyFromFields({ took: 7 })).to.equal(7);
    expect(latencyFromFields({ duration_us: 1500 })).to.equal(1.5);
    expect(latencyFromFields({ 'event.duration': 2_000_000 })).to.equal(2);
    expect(latencyFromFields({ user: 'x', status: 200 })).to.equal(undefined);
    expect(latencyFieldUnit('request_time')).to.equal(1000);
  });
});

describe('latencyFromText', () => {
  const cases: [string, number | undefined][] = [
    ['request took 123ms', 123],
    ['duration=1.2s status=ok', 1200],
    ['GET / 200 rt=0.045', 45],
    ['latency_ms=12 path=/x', 12],
    ['completed in 5 ms', 5],
    ['handled in 1m2.5s', 62_500],
    ['latency: 350µs', 0.35],
    ['retrying in 5 minutes', undefined],
    ['login 5s ago', undefined],
    ['in 2015 we shipped', undefined],
    ['no numbers here', undefined],
  ];
  for (const [text, ms] of cases) {
    it(`"${text}" → ${String(ms)}`, () => {
      const got = latencyFromText(text);
      if (ms === undefined) expect(got).to.equal(undefined);
      else expect(got).to.be.closeTo(ms, 1e-9);
    });
  }
});
