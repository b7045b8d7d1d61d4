import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { assertTimeZone, epochToMs, isValidTimeZone, parseOffset, parseTimestamp, referenceNowForYear, TIMESTAMP_ASSUMPTIONS, wallTimeToUtc, wallTimeWithoutYear } from './timestamp.js';

const utc = (s: string): number => Date.parse(s);

describe('parseTimestamp', () => {
  const cases: [string, string][] = [
    ['2026-12-01T10:22:54.123Z', '2026-12-01T10:22:54.123Z'],
    ['2026-12-01T10:22:54.123456789+01:00', '2026-12-01T09:22:54.123Z'],
    ['2026-12-01T10:22:54-0500', '2026-12-01T15:22:54.000Z'],
    ['2026-12-01T10:22:54', '2026-12-01T10:22:54.000Z'],
    ['2026-12-01 10:22:54,123', '2026-12-01T10:22:54.123Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026/12/01 10:22:56', '2026-12-01T10:22:56.000Z'],
    ['17/06/09 20:10:40', '2017-06-09T20:10:40.000Z'],
    ['081109 203615', '2008-11-09T20:36:15.000Z'],
    ['[01/Dec/2026:10:22:56 +0000]', '2026-12-01T10:22:56.000Z'],
    ['01/Dec/2026:10:22:56 -0700', '2026-12-01T17:22:56.000Z'],
    ['Sun Dec 04 04:47:44 2005', '2005-12-04T04:47:44.000Z'],
    ['Fri Sep 09 10:42:29.902022 2011', '2011-09-09T10:42:29.902Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    ['1700000000.5', '2023-11-14T22:13:20.500Z'],
    ['1700000000123', '2023-11-14T22:13:20.123Z'],
    ['1700000000123456', '2023-11-14T22:13:20.123Z'],
    ['1700000000123456789', '2023-11-14T22:13:20.123Z'],
  ];
  for (const [text, iso] of cases) it(`reads ${text}`, () => expect(parseTimestamp(text)).to.equal(utc(iso)));

  it('rejects impossible and foreign values', () => {
    for (const bad of ['2026-02-30T00:00:00Z', '2026-13-01', '2026-12-01T25:00:00Z', 'Foo  1 10:22:54', 'hello world', '', '12', 'x'.repeat(100)]) {
      expect(parseTimestamp(bad), bad).to.equal(undefined);
    }
  });

  it('reads a zone-less time in the configured IANA zone, DST-aware', () => {
    expect(parseTimestamp('2026-07-01 12:00:00', { timeZone: 'Europe/Paris' })).to.equal(utc('2026-07-01T10:00:00Z'));
    expect(parseTimestamp('2026-01-15 12:00:00', { timeZone: 'Europe/Paris' })).to.equal(utc('2026-01-15T11:00:00Z'));
    expect(parseTimestamp('2026-01-15 12:00:00', { timeZone: 'America/New_York' })).to.equal(utc('2026-01-15T17:00:00Z'));
    expect(parseTimestamp('2026-01-15 12:00:00', { timeZone: 'Asia/Kolkata' })).to.equal(utc('2026-01-15T06:30:00Z'));
    // An explicit offset wins over the configured zone.
    expect(parseTimestamp('2026-07-01T12:00:00Z', { timeZone: 'Europe/Paris' })).to.equal(utc('2026-07-01T12:00:00Z'));
  });
});

describe('year inference for year-less timestamps', () => {
  it('uses the current year when that is not in the future', () => {
    const now = utc('2026-12-01T12:00:00Z');
    expect(parseTimestamp('Dec  1 10:22:54', { now })).to.equal(utc('2026-12-01T10:22:54Z'));
  });
  it('puts December lines read in January into last year', () => {
    const now = utc('2027-01-02T08:00:00Z');
    expect(parseTimestamp('Dec 31 23:59:59', { now })).to.equal(utc('2026-12-31T23:59:59Z'));
  });
  it('allows up to one day in the future (clock skew) and puts Jan 1 read on Dec 31 into next year', () => {
    const now = utc('2026-12-31T23:00:00Z');
    expect(parseTimestamp('Jan  1 00:30:00', { now })).to.equal(utc('2027-01-01T00:30:00Z'));
    expect(parseTimestamp('Dec  2 10:00:00', { now: utc('2026-12-01T12:00:00Z') })).to.equal(utc('2026-12-02T10:00:00Z'));
    expect(parseTimestamp('Dec  3 10:00:00', { now: utc('2026-12-01T12:00:00Z') })).to.equal(utc('2025-12-03T10:00:00Z'));
  });
  it('sends Feb 29 to the latest leap year', () => {
    const now = utc('2027-03-01T00:00:00Z');
    expect(wallTimeWithoutYear(2, 29, 1, 2, 3, 0, { now })).to.equal(utc('2024-02-29T01:02:03Z'));
  });
  it('documents the rule', () => expect(TIMESTAMP_ASSUMPTIONS).to.match(/one day/));
  it('referenceNowForYear pins every year-less time to that year, first and last instant included', () => {
    const now = referenceNowForYear(2005);
    expect(parseTimestamp('Jan  1 00:00:00', { now })).to.equal(utc('2005-01-01T00:00:00Z'));
    expect(parseTimestamp('Dec 31 23:59:59.999', { now })).to.equal(utc('2005-12-31T23:59:59.999Z'));
    expect(parseTimestamp('Jun 14 15:16:01', { now })).to.equal(utc('2005-06-14T15:16:01Z'));
    const paris = referenceNowForYear(2005, 'Europe/Paris');
    expect(parseTimestamp('Dec 31 23:30:00', { now: paris, timeZone: 'Europe/Paris' })).to.equal(utc('2005-12-31T22:30:00Z'));
    expect(parseTimestamp('Jan  1 00:30:00', { now: paris, timeZone: 'Europe/Paris' })).to.equal(utc('2004-12-31T23:30:00Z'));
    const la = referenceNowForYear(2005, 'America/Los_Angeles');
    expect(parseTimestamp('Dec 31 23:30:00', { now: la, timeZone: 'America/Los_Angeles' })).to.equal(utc('2006-01-01T07:30:00Z'));
  });
});

describe('timestamp helpers', () => {
  it('parses offsets', () => {
    expect(parseOffset('Z')).to.equal(0);
    expect(parseOffset('+05:30')).to.equal(330);
    expect(parseOffset('-0800')).to.equal(-480);
    expect(parseOffset('+99:00')).to.equal(undefined);
  });
  it('scales epochs by magnitude', () => {
    expect(epochToMs(1)).to.equal(1000);
    expect(epochToMs(-1)).to.equal(undefined);
  });
  it('treats a leap second as the end of the previous second', () => {
    expect(wallTimeToUtc({ year: 2016, month: 12, day: 31, hour: 23, minute: 59, second: 60, millis: 0 })).to.equal(utc('2016-12-31T23:59:59.999Z'));
  });
  it('validates zones', () => {
    expect(isValidTimeZone('Europe/Paris')).to.equal(true);
    expect(isValidTimeZone('Mars/Olympus')).to.equal(false);
    expect(() => assertTimeZone('Mars/Olympus')).to.throw(ConfigError, /Mars/);
  });
});
