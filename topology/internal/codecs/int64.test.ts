import { expect } from 'chai';
import { readInt64BE, writeInt64BE } from './int64.js';

describe('int64 codec', () => {
  it('round-trips safe integers with the same bytes as BigInt encoding', () => {
    for (const value of [0, 1, -1, 255, 2 ** 32, 2 ** 32 + 7, -(2 ** 32) - 3, 1_733_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const ours = Buffer.alloc(8);
      writeInt64BE(ours, value, 0);
      const reference = Buffer.alloc(8);
      reference.writeBigInt64BE(BigInt(value));
      expect(ours.toString('hex'), String(value)).to.equal(reference.toString('hex'));
      expect(readInt64BE(reference, 0)).to.equal(value);
    }
  });
});
