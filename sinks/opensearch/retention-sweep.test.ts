import { expect } from 'chai';
import { selectExpiredIndices } from './retention-sweep.js';

describe('sinks/opensearch retention-sweep', () => {
  const names = [
    'logs-2026.01.01',
    'logs-2026.01.07',
    'logs-2026.01.08',
    'logs-2026.01.09',
    'logs-2026.01.10',
    'logs-archive',
    'logs-2025.13.01',
    'logs-x-2020.01.01',
    'other-2020.01.01',
  ];

  it('selects the daily indices whose whole day is older than the retention', () => {
    // 2026-01-10T00:00Z with 2 days: everything before 2026-01-08T00:00Z is expired, so days up to 01.07.
    const nowMs = Date.UTC(2026, 0, 10);
    expect(selectExpiredIndices(names, { indexPrefix: 'logs', retentionDays: 2, nowMs })).to.deep.equal(['logs-2026.01.01', 'logs-2026.01.07']);
    // One millisecond earlier, 01.07's last millisecond is not yet 2 days old.
    expect(selectExpiredIndices(names, { indexPrefix: 'logs', retentionDays: 2, nowMs: nowMs - 1 })).to.deep.equal(['logs-2026.01.01']);
  });

  it('never selects names that only share the prefix', () => {
    expect(selectExpiredIndices(names, { indexPrefix: 'logs', retentionDays: 1, nowMs: Date.UTC(2030, 0, 1) })).to.deep.equal([
      'logs-2026.01.01',
      'logs-2026.01.07',
      'logs-2026.01.08',
      'logs-2026.01.09',
      'logs-2026.01.10',
    ]);
  });
});
