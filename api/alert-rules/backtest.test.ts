import { expect } from 'chai';
import type { AlertRule } from '../../schemas/log-schemas.js';
import type { ServiceWindow } from '../../processors/stats/service-window.js';
import { backtestRule } from './backtest.js';

const MIN = 60_000;

function window(service: string, i: number, count: number, errorCount: number): ServiceWindow {
  return {
    service,
    windowSizeMs: MIN,
    windowStartMs: i * MIN,
    windowEndMs: (i + 1) * MIN,
    count,
    errorCount,
    countsByLevel: { INFO: count - errorCount, ERROR: errorCount },
    latency: null,
    lastIngestMs: (i + 1) * MIN,
    samples: { errors: [], slowest: [], first: [] },
  };
}

const rule = (over: Partial<AlertRule>): AlertRule => ({
  id: 'r1',
  name: 'errors',
  description: null,
  kind: 'THRESHOLD',
  enabled: true,
  severity: 'WARNING',
  service: null,
  windowSizeMs: MIN,
  resolveAfterWindows: 2,
  errorSpike: null,
  latencyAnomaly: null,
  threshold: { metric: 'ERROR_COUNT', comparison: 'ABOVE', value: 5, fireAfterWindows: 2 },
  absence: null,
  labels: {},
  updatedAtMs: 0,
  ...over,
});

describe('backtestRule', () => {
  it('fires after fireAfterWindows breaching windows and resolves after resolveAfterWindows healthy ones, per service', () => {
    const errors = [0, 9, 9, 9, 0, 9, 0, 0, 9, 9];
    const windows = [...errors.map((e, i) => window('api', i, 100, e)), window('db', 3, 100, 9), window('db', 4, 100, 9)];
    const result = backtestRule(rule({}), windows, 20 * MIN);
    expect(result.services).to.equal(2);
    expect(result.windowsEvaluated).to.equal(12);
    expect(result.episodes.map((e) => [e.service, e.startedAtMs / MIN, e.firedAtMs / MIN, e.resolvedAtMs === null ? null : e.resolvedAtMs / MIN])).to.deep.equal([
      // api: windows 1,2 breach -> fires at end of 2 (=3); window 3 breaches (in episode), 4 healthy, 5 breach resets, 6,7 healthy -> resolves at end of 7 (=8).
      ['api', 1, 3, 8],
      ['db', 3, 5, null],
      // api: windows 8,9 breach -> fires at end of 9, still open.
      ['api', 8, 10, null],
    ]);
  });

  it('ignores windows of other sizes and other services when the rule names one', () => {
    const windows = [window('api', 1, 100, 9), window('api', 2, 100, 9), { ...window('db', 1, 100, 9), windowSizeMs: 10_000 }];
    const result = backtestRule(rule({ service: 'db' }), windows, 10 * MIN);
    expect(result.episodes).to.deep.equal([]);
    expect(result.windowsEvaluated).to.equal(0);
  });

  it('finds ABSENCE episodes in gaps between windows and at the end', () => {
    const windows = [window('api', 0, 1, 0), window('api', 1, 1, 0), window('api', 10, 1, 0)];
    const result = backtestRule(rule({ kind: 'ABSENCE', threshold: null, absence: { absentForMs: 5 * MIN } }), windows, 20 * MIN);
    expect(result.episodes.map((e) => [e.startedAtMs / MIN, e.firedAtMs / MIN, e.resolvedAtMs === null ? null : e.resolvedAtMs / MIN])).to.deep.equal([
      [2, 7, 11],
      [11, 16, null],
    ]);
  });
});
