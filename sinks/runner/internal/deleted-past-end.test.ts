import { expect } from 'chai';
import { deletedPastEnd } from './deleted-past-end.js';

describe('partitions deleted past their bounded end', () => {
  const ends = new Map([
    ['t\u00000', 10],
    ['t\u00001', 10],
    ['t\u00002', 10],
    ['t\u00003', 10],
  ]);

  it('names only partitions short of their end whose low watermark reached it', () => {
    const positions = new Map([
      ['t\u00000', 2], // low past the end: nothing left to read
      ['t\u00001', 2], // low inside the range: the consumer still reads 5..9
      ['t\u00002', 10], // already done
    ]);
    const lows = new Map([
      ['t\u00000', 12],
      ['t\u00001', 5],
      ['t\u00002', 10],
      ['t\u00003', 10], // no position yet: counts from 0
    ]);
    expect(deletedPastEnd(ends, positions, lows)).to.deep.equal([
      { key: 't\u00000', position: 2, end: 10, low: 12 },
      { key: 't\u00003', position: 0, end: 10, low: 10 },
    ]);
  });

  it('leaves a partition alone while its low watermark is unknown or below its end', () => {
    expect(deletedPastEnd(ends, new Map(), new Map([['t\u00000', 9]]))).to.deep.equal([]);
  });
});
