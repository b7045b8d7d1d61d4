import { expect } from 'chai';
import { latencySummary, percentile } from './percentiles.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentile(values, 50)).to.equal(50);
    expect(percentile(values, 99)).to.equal(99);
    expect(percentile(values, 100)).to.equal(100);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([1, 2, 3], 50)).to.equal(2);
  });

  it('answers null for no values, and the summary rounds to ms', () => {
    expect(percentile([], 50)).to.equal(null);
    expect(latencySummary([])).to.deep.equal({ p50: null, p99: null, max: null });
    expect(latencySummary([10.4, 20.6, 5000.2])).to.deep.equal({ p50: 21, p99: 5000, max: 5000 });
  });
});
