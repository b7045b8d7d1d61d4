import { expect } from 'chai';
import { stackVolume } from './chart-data.js';

describe('dashboard chart data', () => {
  it('stacks levels bottom-up by severity and lists them largest stack first', () => {
    const columns = stackVolume([
      { start: '2026-01-01T00:01:00.000Z', total: 7, byLevel: { INFO: 5, ERROR: 2 } },
      { start: '2026-01-01T00:00:00.000Z', total: 4, byLevel: { INFO: 3, WARN: 1 } },
    ]);
    expect(columns.x).to.deep.equal([Date.UTC(2026, 0, 1) / 1000, Date.UTC(2026, 0, 1, 0, 1) / 1000]);
    expect(columns.levels).to.deep.equal(['INFO', 'WARN', 'ERROR']);
    expect(columns.raw).to.deep.equal([
      [3, 5],
      [1, 0],
      [0, 2],
    ]);
    expect(columns.stacked).to.deep.equal([
      [4, 7],
      [1, 2],
      [0, 2],
    ]);
  });
  it('puts unknown level names on top, and returns empty columns for no buckets', () => {
    expect(stackVolume([{ start: '2026-01-01T00:00:00Z', total: 3, byLevel: { CUSTOM: 1, INFO: 2 } }]).levels).to.deep.equal(['CUSTOM', 'INFO']);
    expect(stackVolume([])).to.deep.equal({ x: [], levels: [], raw: [], stacked: [] });
  });
});
