import { expect } from 'chai';
import { intervalFor, rangeFromQuery, rangeToQuery, resolveRange } from './time-range.js';

describe('dashboard time range', () => {
  it('round-trips presets and absolute ranges through the query string', () => {
    const query = new URLSearchParams('q=x');
    rangeToQuery({ kind: 'absolute', fromMs: 1000, toMs: 5000 }, query);
    expect(query.toString()).to.equal('q=x&from=1000&to=5000');
    expect(rangeFromQuery(query)).to.deep.equal({ kind: 'absolute', fromMs: 1000, toMs: 5000 });
    rangeToQuery({ kind: 'preset', key: '24h' }, query);
    expect(query.toString()).to.equal('q=x&range=24h');
    expect(rangeFromQuery(query)).to.deep.equal({ kind: 'preset', key: '24h' });
  });
  it('falls back on malformed input: unknown preset, reversed or non-numeric bounds', () => {
    expect(rangeFromQuery(new URLSearchParams('range=99y'))).to.deep.equal({ kind: 'preset', key: '1h' });
    expect(rangeFromQuery(new URLSearchParams('from=5000&to=1000'))).to.deep.equal({ kind: 'preset', key: '1h' });
    expect(rangeFromQuery(new URLSearchParams('from=1e3&to=2e3&range=15m'))).to.deep.equal({ kind: 'preset', key: '15m' });
  });
  it('resolves presets against now and picks a bucket size per span', () => {
    expect(resolveRange({ kind: 'preset', key: '15m' }, 1_000_000)).to.deep.equal({ fromMs: 100_000, toMs: 1_000_000 });
    expect(intervalFor({ kind: 'preset', key: '7d' })).to.equal('1h');
    expect(intervalFor({ kind: 'absolute', fromMs: 0, toMs: 3_600_000 })).to.equal('1m');
    expect(intervalFor({ kind: 'absolute', fromMs: 0, toMs: 2 * 86_400_000 })).to.equal('15m');
    expect(intervalFor({ kind: 'absolute', fromMs: 0, toMs: 90 * 86_400_000 })).to.equal('1d');
  });
});
