import { expect } from 'chai';
import { computeGroundTruth, generateBenchRecords, windowStart, windowedOutputKey } from './bench-input.js';

describe('bench input', () => {
  const options = { records: 5000, seed: 7, baseTimestampMs: Date.UTC(2025, 0, 1), spanMs: 60_000 };

  it('is deterministic for a seed and differs across seeds', () => {
    const a = [...generateBenchRecords(options)].map((r) => r.value);
    const b = [...generateBenchRecords(options)].map((r) => r.value);
    const c = [...generateBenchRecords({ ...options, seed: 8 })].map((r) => r.value);
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
  });

  it('writes the documented shape with non-decreasing event times inside the span', () => {
    const records = [...generateBenchRecords(options)];
    let previous = -Infinity;
    for (const { key, event, value } of records) {
      expect(key).to.equal(`${key.split('/')[0]}/${event.service}`);
      expect(Object.keys(JSON.parse(value) as object)).to.deep.equal(['service', 'level', 'ts', 'latency_ms']);
      expect(event.ts).to.be.at.least(previous).and.below(options.baseTimestampMs + options.spanMs);
      previous = event.ts;
    }
    expect(new Set(records.map((r) => r.event.level))).to.have.all.keys('DEBUG', 'INFO', 'WARN', 'ERROR');
  });

  it('aligns windows to the epoch like Kafka Streams tumbling windows', () => {
    expect(windowStart(1_735_689_612_345, 10_000)).to.equal(1_735_689_610_000);
    expect(windowStart(20_000, 10_000)).to.equal(20_000);
    expect(windowedOutputKey('auth', 'WARN', 20_000)).to.equal('auth|WARN@20000');
  });

  it('ground truth counts add up to the input and match an independent recount', () => {
    const truth = computeGroundTruth(options, 10_000);
    const total = Object.values(truth.windowedCounts).reduce((sum, n) => sum + n, 0);
    expect(total).to.equal(options.records);
    const records = [...generateBenchRecords(options)];
    expect(truth.statelessOutputRecords).to.equal(records.filter((r) => r.event.level !== 'DEBUG').length);
    const checkoutInfo = records.filter(
      (r) => r.event.service === 'checkout' && r.event.level === 'INFO' && windowStart(r.event.ts, 10_000) === options.baseTimestampMs,
    ).length;
    expect(truth.windowedCounts[windowedOutputKey('checkout', 'INFO', options.baseTimestampMs)]).to.equal(checkoutInfo);
    // 60 s span over 10 s windows: 6 windows
    expect(new Set(Object.keys(truth.windowedCounts).map((k) => k.split('@')[1])).size).to.equal(6);
  });
});
