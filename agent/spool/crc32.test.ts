import { expect } from 'chai';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).to.equal(0xcbf43926);
  });
  it('is 0 for no data and changes with one flipped bit', () => {
    expect(crc32(Buffer.alloc(0))).to.equal(0);
    const a = Buffer.from('hello world');
    const b = Buffer.from(a);
    b[3] = (b[3] ?? 0) ^ 1;
    expect(crc32(a)).to.not.equal(crc32(b));
  });
});
