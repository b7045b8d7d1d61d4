import { expect } from 'chai';
import { dailyIndexDay, dailyIndexName, MAX_INDEXABLE_TIMESTAMP_MS } from './index-name.js';

describe('sinks/opensearch index-name', () => {
  it('names the UTC day of the timestamp, zero-padded', () => {
    expect(dailyIndexName('sawmill-logs', Date.UTC(2026, 0, 2, 23, 59, 59, 999))).to.equal('sawmill-logs-2026.01.02');
    expect(dailyIndexName('sawmill-logs', Date.UTC(2026, 0, 3))).to.equal('sawmill-logs-2026.01.03');
    expect(dailyIndexName('p', 0)).to.equal('p-1970.01.01');
    expect(dailyIndexName('p', MAX_INDEXABLE_TIMESTAMP_MS)).to.equal('p-9999.12.31');
  });

  it('refuses timestamps that would not make a YYYY name', () => {
    for (const bad of [-1, MAX_INDEXABLE_TIMESTAMP_MS + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => dailyIndexName('p', bad), String(bad)).to.throw(RangeError, /outside 1970-01-01\.\.9999-12-31/);
    }
  });

  it('reads the day back only from exact daily names of the prefix', () => {
    expect(dailyIndexDay('sawmill-logs', 'sawmill-logs-2026.01.02')).to.equal(Date.UTC(2026, 0, 2));
    expect(dailyIndexDay('sawmill-logs', 'sawmill-logs-2026.02.30')).to.equal(undefined);
    expect(dailyIndexDay('sawmill-logs', 'sawmill-logs-2026.1.2')).to.equal(undefined);
    expect(dailyIndexDay('sawmill-logs', 'sawmill-logs-2026.01.02-restored')).to.equal(undefined);
    expect(dailyIndexDay('sawmill-logs', 'sawmill-logs-x-2026.01.02')).to.equal(undefined);
    expect(dailyIndexDay('sawmill-logs', 'other-2026.01.02')).to.equal(undefined);
    expect(dailyIndexDay('sawmill-logs', 'sawmill-logs-0099.01.02')).to.equal(undefined);
  });
});
