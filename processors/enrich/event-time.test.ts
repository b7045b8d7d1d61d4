import { expect } from 'chai';
import { readGlogHeader } from './glog-prefix.js';
import { resolveEventTime, type EventTimeOptions } from './event-time.js';

const utc = (iso: string): number => Date.parse(iso);
const OBSERVED = utc('2026-12-01T12:00:00Z');
const OPTIONS: EventTimeOptions = { timeZone: undefined, minTimestampMs: 0, maxFutureSkewMs: 86_400_000 };

describe('resolveEventTime', () => {
  it("uses the agent's event time", () => {
    expect(resolveEventTime({ eventTimestampMs: utc('2008-11-09T20:36:15Z'), parsedFields: { timestampText: '081109 203615' } }, OBSERVED, undefined, OPTIONS))
      .to.deep.equal({ timestampMs: utc('2008-11-09T20:36:15Z'), timestampSource: 'LINE', sourceKey: 'timestampText' });
  });
  it('re-reads timestampText and time fields the agent could not date, in the configured zone', () => {
    expect(resolveEventTime({ eventTimestampMs: null, parsedFields: { timestampText: '2026-07-01 12:00:00' } }, OBSERVED, undefined, { ...OPTIONS, timeZone: 'Europe/Paris' }))
      .to.deep.equal({ timestampMs: utc('2026-07-01T10:00:00Z'), timestampSource: 'LINE', sourceKey: 'timestampText' });
    expect(resolveEventTime({ eventTimestampMs: null, parsedFields: { '@timestamp': '2026-11-30T23:59:59.5Z' } }, OBSERVED, undefined, OPTIONS))
      .to.deep.equal({ timestampMs: utc('2026-11-30T23:59:59.500Z'), timestampSource: 'LINE', sourceKey: '@timestamp' });
    expect(resolveEventTime({ eventTimestampMs: null, parsedFields: { ts: '1796083200' } }, OBSERVED, undefined, OPTIONS))
      .to.deep.equal({ timestampMs: 1_796_083_200_000, timestampSource: 'LINE', sourceKey: 'ts' });
  });
  it('chooses the year of a year-less time from the observed time', () => {
    expect(resolveEventTime({ eventTimestampMs: null, parsedFields: { timestampText: 'Dec 31 23:00:00' } }, utc('2027-01-02T00:00:00Z'), undefined, OPTIONS).timestampMs)
      .to.equal(utc('2026-12-31T23:00:00Z'));
  });
  it('reads a glog header', () => {
    const glog = readGlogHeader('E1130 08:00:01.250000 77 main.go:9] boom', OBSERVED, undefined);
    expect(resolveEventTime({ eventTimestampMs: null, parsedFields: {} }, OBSERVED, glog, OPTIONS)).to.deep.equal({ timestampMs: utc('2026-11-30T08:00:01.250Z'), timestampSource: 'LINE', sourceKey: null });
  });
  it('falls back to the observed time for invalid, out-of-range and hostile values', () => {
    const observed = { timestampMs: OBSERVED, timestampSource: 'OBSERVED', sourceKey: null };
    const bad: Array<number | null> = [Number.NaN, Number.POSITIVE_INFINITY, -1, 1e20, OBSERVED + 86_400_001];
    for (const eventTimestampMs of bad) expect(resolveEventTime({ eventTimestampMs, parsedFields: {} }, OBSERVED, undefined, OPTIONS)).to.deep.equal(observed);
    for (const text of ['2026-02-30 10:00:00', '2026-13-01T00:00:00Z', 'yesterday', '9'.repeat(5000), '2030-01-01T00:00:00Z', '']) {
      expect(resolveEventTime({ eventTimestampMs: null, parsedFields: { timestampText: text } }, OBSERVED, undefined, OPTIONS), text.slice(0, 20)).to.deep.equal(observed);
    }
    expect(resolveEventTime({ eventTimestampMs: utc('1999-01-01T00:00:00Z'), parsedFields: {} }, OBSERVED, undefined, { ...OPTIONS, minTimestampMs: utc('2000-01-01T00:00:00Z') })).to.deep.equal(observed);
  });
});
